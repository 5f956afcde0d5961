{#- Project versions of dbt's own macros on Spark (dbt_project.yml, dispatch: the project's
    spark__ macros come before dbt-spark's). -#}

{#- Text inside a Spark SQL string literal. Spark unescapes backslashes in literals, so they are
    doubled as well as the quote (dbt-spark escapes only the quote: unit-test fixtures and
    accepted_values lost their backslashes). -#}
{% macro spark__escape_single_quotes(expression) -%}
    {{ expression | replace('\\', '\\\\') | replace("'", "\\'") }}
{%- endmacro %}

{#- dateadd on Spark: dbt-spark's goes through unix seconds, dropping fractions of a second (and
    returns null on timestamp_ntz); timestampadd keeps them. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{#- Seeds on Spark. dbt-spark's session method binds seed values by plain string formatting: a
    quote in a cell breaks the insert and an empty cell loads as the text 'None'. This loader
    writes each cell as an escaped literal (null for an empty cell) instead. -#}

{#- A seed cell as a Spark SQL literal, null for an empty cell. -#}
{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ dbt.escape_single_quotes(value | string) }}'
    {%- endif -%}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for value in row -%}
                    cast({{ spark_seed_literal(value) }} as {{ types[loop.index0] }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%}
                )
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
