{#- Row orderings (docs/RULES.md, Versions and repeats), shared by every model that deduplicates raw rows.
    Both assume the raw bookkeeping columns _source_file and _row_number. -#}

{#- Versioned entities (accounts, campaigns, contacts, orders): the row ranked
    first by this ordering wins. A missing updated_at is older than any given
    one; ties go to the file that sorts last by path, then the later row. -#}
{% macro latest_version_first(updated_at='updated_at', relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {{ prefix }}{{ updated_at }} desc nulls last,
    {{ prefix }}_source_file desc,
    {{ prefix }}_row_number desc
{%- endmacro %}

{#- Events (messages, clicks, receipts, unsubscribes): the row ranked first by
    this ordering is kept: the file that sorts first by path, then the earlier row. -#}
{% macro first_loaded_first(relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {{ prefix }}_source_file,
    {{ prefix }}_row_number
{%- endmacro %}

{#- The texts of a group joined by `delimiter` in the order of `order_by` (a column list). -#}
{% macro ordered_string_agg(expression, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg')(expression, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expression, delimiter, order_by) -%}
    string_agg({{ expression }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expression, delimiter, order_by) -%}
    string_agg({{ expression }}, {{ delimiter }}) within group (order by {{ order_by }})
{%- endmacro %}
