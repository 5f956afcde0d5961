{#- PII helpers: no raw phone number leaves staging (docs/RULES.md, Warehouse layout). -#}

{#- Lower-case hex SHA-256 of a text expression. -#}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    lower(sha2(cast({{ expression }} as {{ dbt.type_string() }}), 256))
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) -%}
    sha256(cast({{ expression }} as varchar))
{%- endmacro %}

{#- The join key for phone numbers across entities: SHA-256 hex of the E.164
    number (as normalised by the loader). Null in, null out. -#}
{% macro phone_number_hash(phone_number) -%}
    {{ sha256_hex(phone_number) }}
{%- endmacro %}

{#- Keep the first 3 and the last 4 characters, replace every character in
    between by one '*': '+447911123456' -> '+44******3456'. A value of 7
    characters or fewer is masked entirely. Null in, null out. -#}
{% macro mask_phone_number(phone_number) -%}
    {{ return(adapter.dispatch('mask_phone_number')(phone_number)) }}
{%- endmacro %}

{% macro default__mask_phone_number(phone_number) -%}
    case
        when {{ dbt.length(phone_number) }} > 7
            then {{ dbt.concat([
                'substr(' ~ phone_number ~ ', 1, 3)',
                'repeat(\'*\', ' ~ dbt.length(phone_number) ~ ' - 7)',
                dbt.right(phone_number, 4)
            ]) }}
        else repeat('*', {{ dbt.length(phone_number) }})
    end
{%- endmacro %}

{#- Every column of the relations in `schemas`: table_schema, table_name, column_name. -#}
{% macro warehouse_columns(schemas) -%}
    {{ return(adapter.dispatch('warehouse_columns')(schemas)) }}
{%- endmacro %}

{% macro default__warehouse_columns(schemas) -%}
    select table_schema, table_name, column_name
    from information_schema.columns
    where lower(table_schema) in ('{{ schemas | join("', '") }}')
{%- endmacro %}

{#- Spark has no information_schema: the columns are listed through the adapter when the test
    runs, and selected as literal rows. -#}
{% macro spark__warehouse_columns(schemas) -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- for schema in schemas -%}
            {%- for table in run_query('show tables in ' ~ schema) if not table['isTemporary'] -%}
                {%- set relation = api.Relation.create(schema=schema, identifier=table['tableName']) -%}
                {%- for column in adapter.get_columns_in_relation(relation) -%}
                    {%- do rows.append("('" ~ schema ~ "', '" ~ table['tableName'] ~ "', '" ~ column.name ~ "')") -%}
                {%- endfor -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if rows -%}
        select * from (values {{ rows | join(', ') }}) as warehouse_columns (table_schema, table_name, column_name)
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as table_schema,
            cast(null as {{ dbt.type_string() }}) as table_name,
            cast(null as {{ dbt.type_string() }}) as column_name
        where 1 = 0
    {%- endif -%}
{%- endmacro %}
