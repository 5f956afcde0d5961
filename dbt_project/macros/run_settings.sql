{#- Project variables read by models. Their defaults are the vars of
    dbt_project.yml; the values a run sets are checked before it starts, in one
    place (orchestration/variables.py), so the macros read them as given. -#}

{#- The "as of" instant of the run, a UTC timestamp expression: the variable
    run_at (ISO 8601, with or without offset; without = UTC) or, when it is
    null, the current time. -#}
{% macro as_of_timestamp() -%}
    {{ return(adapter.dispatch('as_of_timestamp')(var('run_at'))) }}
{%- endmacro %}

{% macro default__as_of_timestamp(run_at) -%}
    {%- if run_at is none or (run_at | string | trim) in ('', 'none', 'null') -%}
        cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast('{{ run_at }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__as_of_timestamp(run_at) -%}
    {%- if run_at is none or (run_at | string | trim) in ('', 'none', 'null') -%}
        (now() at time zone 'UTC')
    {%- else -%}
        (cast('{{ run_at }}' as timestamptz) at time zone 'UTC')
    {%- endif -%}
{%- endmacro %}

{#- pending_expiry_hours as a number, or none when off. -#}
{% macro pending_expiry_hours() -%}
    {%- set value = var('pending_expiry_hours') -%}
    {{ return(none if value is none else value | float) }}
{%- endmacro %}

{#- An account's attribution window in hours: its own value, else the variable
    attribution_window_hours (docs/RULES.md, Revenue attribution). Staging keeps the account's value as
    given (null = not set); use this where the window is applied. -#}
{% macro attribution_window_hours(account_value='attribution_window_hours') -%}
    coalesce({{ account_value }}, {{ var('attribution_window_hours') | int }})
{%- endmacro %}
