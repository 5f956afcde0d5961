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

{#- Spark (Java regex): string literals treat backslashes as escapes, so the pattern's are doubled. -#}
{% macro spark__regexp_full_match(expression, pattern) -%}
    ({{ expression }} rlike '^(?:{{ spark_regex_literal(pattern) }})$')
{%- endmacro %}

{#- Number of characters of the text matched by a one-character pattern. -#}
{% macro regexp_count_chars(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_count_chars')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_count_chars(expression, pattern) -%}
    ({{ dbt.length(expression) }} - {{ dbt.length("regexp_replace(" ~ expression ~ ", '" ~ pattern ~ "', '', 'g')") }})
{%- endmacro %}

{#- Spark's regexp_replace replaces every match; a 4th argument would be a position. -#}
{% macro spark__regexp_count_chars(expression, pattern) -%}
    ({{ dbt.length(expression) }} - {{ dbt.length("regexp_replace(" ~ expression ~ ", '" ~ spark_regex_literal(pattern) ~ "', '')") }})
{%- endmacro %}

{#- A regular expression inside a Spark SQL string literal: each backslash doubled (Spark
    unescapes string literals; a doubled quote stays as written). -#}
{% macro spark_regex_literal(pattern) -%}
    {{ pattern | replace('\\', '\\\\') }}
{%- endmacro %}
