{#- The loads whose rows count: loaded successfully and still the current
    version of their file (raw.load_log is the loader's manifest). -#}
{% macro current_load_ids() -%}
select load_id
    from {{ ref('base_raw__load_log') }}
    where status = 'loaded' and is_current
{%- endmacro %}

{#- A key for one raw row: `prefix` (a SQL text expression), then the load id
    and the row number, colon-separated. For rows that carry no key of their
    own (receipts, unsubscribes, clicks without click_id). -#}
{% macro raw_row_key(prefix) -%}
    {{ dbt.concat([
        prefix, "':'",
        'cast(_load_id as ' ~ dbt.type_string() ~ ')', "':'",
        'cast(_row_number as ' ~ dbt.type_string() ~ ')'
    ]) }}
{%- endmacro %}
