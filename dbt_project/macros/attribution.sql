{#- Click-based revenue attribution (docs/RULES.md, Revenue attribution). -#}

{#- The variable attribution_model: 'last_click' (default) or 'first_click'
    (checked before a run starts, orchestration/variables.py). -#}
{% macro attribution_model() -%}
    {{ return(var('attribution_model') | string | lower) }}
{%- endmacro %}

{#- ORDER BY list ranking an order's campaigns so that row_number() = 1 is the
    direct one: under last_click the latest last click, under first_click the
    earliest first click; a tie in click time goes to the greater campaign_id. -#}
{% macro direct_touch_order_by(model=none, first_click_at='first_click_at', last_click_at='last_click_at',
        campaign_id='campaign_id') -%}
    {%- set model = model or attribution_model() -%}
    {%- if model == 'first_click' -%}
        {{ first_click_at }} asc,
    {%- else -%}
        {{ last_click_at }} desc,
    {%- endif %}
    {{ campaign_id }} desc
{%- endmacro %}

{#- Start of an order's attribution window: the timestamp minus the window in
    hours (both bounds of [T - W, T] are inclusive where it is used). -#}
{% macro attribution_window_start(timestamp, window_hours) -%}
    {{ dbt.dateadd('hour', '-1 * (' ~ window_hours ~ ')', timestamp) }}
{%- endmacro %}

{#- A non-negative money amount divided by a positive integer, rounded half-up
    to the cent, exactly, as decimal(18, 2). DuckDB divides decimals in
    floating point (0.03 / 2 = 0.01499...), so it works in integer cents:
    floor((2 * cents + n) / (2 * n)). -#}
{% macro divide_money_half_up(amount, divisor) -%}
    {{ return(adapter.dispatch('divide_money_half_up')(amount, divisor)) }}
{%- endmacro %}

{#- Exact numeric division and round half away from zero (PostgreSQL,
    Snowflake, BigQuery numeric...): equal to half-up for amounts >= 0. -#}
{% macro default__divide_money_half_up(amount, divisor) -%}
    cast(round(cast({{ amount }} as {{ dbt.type_numeric() }}) / ({{ divisor }}), 2) as {{ type_money() }})
{%- endmacro %}

{% macro duckdb__divide_money_half_up(amount, divisor) -%}
    cast(
        cast(
            (cast(cast({{ amount }} as decimal(38, 2)) * 100 as hugeint) * 2 + ({{ divisor }}))
            // (2 * cast({{ divisor }} as hugeint))
            as decimal(38, 0)
        ) * cast(0.01 as decimal(3, 2))
        as {{ type_money() }}
    )
{%- endmacro %}
