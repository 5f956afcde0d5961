{#- Hard-bounce suppression (docs/RULES.md, Suppression): its variables, validated in one place,
    and the running count its streaks are built from. -#}

{#- The variable hard_bounce_threshold as a whole number >= 1 (default 3);
    raises a compilation error otherwise. -#}
{% macro hard_bounce_threshold() -%}
    {%- set value = var('hard_bounce_threshold', 3) -%}
    {%- set text = (3 if value is none else value) | string | trim -%}
    {%- if not text.isdigit() or (text | int) < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var hard_bounce_threshold must be a whole number of at least 1, got '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return(text | int) }}
{%- endmacro %}

{#- The variable suppression_mode, lower-cased: 'total' (default) or
    'consecutive'; raises a compilation error otherwise. -#}
{% macro suppression_mode() -%}
    {%- set value = var('suppression_mode', 'total') -%}
    {%- set mode = ('total' if value is none else value) | string | trim | lower -%}
    {%- if mode not in ('total', 'consecutive') -%}
        {{ exceptions.raise_compiler_error(
            "var suppression_mode must be 'total' or 'consecutive', got '" ~ mode ~ "'") }}
    {%- endif -%}
    {{ return(mode) }}
{%- endmacro %}

{#- Number of rows so far (this one included) of the partition, in the given
    order, for which a condition holds: a running count as a window function.
    Portable default sum(case ...); DuckDB's count_if is as fast (measured on
    10M messages) and returns bigint where DuckDB's sum of integers is hugeint. -#}
{% macro running_count(condition, partition_by, order_by) -%}
    {{ return(adapter.dispatch('running_count')(condition, partition_by, order_by)) }}
{%- endmacro %}

{% macro default__running_count(condition, partition_by, order_by) -%}
    sum(case when {{ condition }} then 1 else 0 end) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        rows between unbounded preceding and current row
    )
{%- endmacro %}

{% macro duckdb__running_count(condition, partition_by, order_by) -%}
    count_if({{ condition }}) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        rows between unbounded preceding and current row
    )
{%- endmacro %}
