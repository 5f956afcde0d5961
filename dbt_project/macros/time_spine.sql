{#- One row per day from start_date to end_date inclusive, as a column named date_day
    (the MetricFlow time spine). Dispatched: DuckDB has generate_series, Spark sequence(). -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    select explode(sequence(to_date('{{ start_date }}'), to_date('{{ end_date }}'), interval 1 day)) as date_day
{%- endmacro %}

{% macro duckdb__days_between(start_date, end_date) -%}
    select cast(generate_series as date) as date_day
    from generate_series(date '{{ start_date }}', date '{{ end_date }}', interval 1 day)
{%- endmacro %}
