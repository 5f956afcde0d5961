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
