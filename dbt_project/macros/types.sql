{#- Column types used by mart contracts, spelled per adapter. -#}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{% macro type_money() -%}
    decimal(18, 2)
{%- endmacro %}

{#- Costs and prices (fractions of a cent). -#}
{% macro type_cost() -%}
    decimal(18, 6)
{%- endmacro %}
