{#- Regular-expression helpers. DuckDB (RE2) and PostgreSQL-style defaults. -#}

{#- True when the whole text matches the pattern. -#}
{% macro regexp_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(expression, pattern) -%}
    ({{ expression }} ~ '^(?:{{ pattern }})$')
{%- endmacro %}

{% macro duckdb__regexp_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{#- Number of characters of the text matched by a one-character pattern. -#}
{% macro regexp_count_chars(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_count_chars')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_count_chars(expression, pattern) -%}
    ({{ dbt.length(expression) }} - {{ dbt.length("regexp_replace(" ~ expression ~ ", '" ~ pattern ~ "', '', 'g')") }})
{%- endmacro %}
