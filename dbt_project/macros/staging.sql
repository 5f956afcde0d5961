{#- The loads whose rows count: loaded successfully and still the current
    version of their file (raw.load_log is the loader's manifest). -#}
{% macro current_load_ids() -%}
select load_id
    from {{ ref('base_raw__load_log') }}
    where status = 'loaded' and is_current
{%- endmacro %}
