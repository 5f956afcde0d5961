{#- Hard-bounce suppression (docs/RULES.md, Suppression): its variables (checked
    before a run starts, orchestration/variables.py) and the running count its
    streaks are built from. -#}

{#- The variable hard_bounce_threshold (default 3) as a number. -#}
{% macro hard_bounce_threshold() -%}
    {{ return(var('hard_bounce_threshold') | int) }}
{%- endmacro %}

{#- The variable suppression_mode: 'total' (default) or 'consecutive'. -#}
{% macro suppression_mode() -%}
    {{ return(var('suppression_mode') | string | lower) }}
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
