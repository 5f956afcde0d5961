{#- Deliverability (marts.fct_deliverability_daily, audit.deliverability_alerts). -#}

{#- Seconds from `start_at` to `end_at` (timestamps), fractions of a second
    kept, as a double. -#}
{% macro seconds_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('seconds_between')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__seconds_between(start_at, end_at) -%}
    cast(extract(epoch from ({{ end_at }} - {{ start_at }})) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__seconds_between(start_at, end_at) -%}
    (epoch({{ end_at }}) - epoch({{ start_at }}))
{%- endmacro %}

{% macro spark__seconds_between(start_at, end_at) -%}
    (cast(unix_micros({{ end_at }}) - unix_micros({{ start_at }}) as double) / 1000000)
{%- endmacro %}

{#- Aggregate: the `fraction` percentile of `expression` by linear
    interpolation between the closest ranks (percentile_cont; numpy's and
    Excel PERCENTILE.INC's default): with the n non-null values sorted
    x[0] <= ... <= x[n-1], h = (n - 1) * fraction, the value is
    x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
    Null when there is no value. -#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_cont(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}

{#- A variable that must be a non-negative number (alert_drop_points,
    alert_min_messages), as its text for SQL; a compilation error otherwise. -#}
{% macro non_negative_number_var(name, default) -%}
    {%- set text = var(name, default) | string | trim -%}
    {%- if not (text | replace('.', '', 1)).isdigit() -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a non-negative number, got '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}
