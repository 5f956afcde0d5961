{#- Incremental builds (issue 6). The nightly run re-derives only the
    messages, campaign contacts and clicks touched by raw rows loaded (or
    superseded) since the last completed run; see int_loads_changed. -#}

{#- Everything besides raw rows that the incremental models depend on: the
    delivery_status_map seed and the variables they read. When it differs
    from the last completed run's, every load counts as changed (a full
    recomputation inside the incremental models). -#}
{% macro incremental_fingerprint() -%}
    (
        select
            md5(
                coalesce(
                    {{ ordered_string_agg(
                        "concat_ws('|', provider, provider_status, error_code, canonical_status, cast(is_final as "
                            ~ dbt.type_string() ~ "), reason)",
                        "'~'",
                        'provider, provider_status, error_code, canonical_status'
                    ) }},
                    ''
                ) || '{{ pending_expiry_hours() }}'
            )
        from {{ ref('delivery_status_map') }}
    )
{%- endmacro %}

{#- Hook SQL of int_loads_changed: on a full refresh, delete the watermark
    before any table is rebuilt; a successful full refresh writes it again. -#}
{% macro forget_completed_runs() -%}
    {%- if execute and flags.FULL_REFRESH -%}
        {%- set runs = adapter.get_relation(database=this.database, schema=this.schema, identifier='int_runs_completed') -%}
        {%- if runs is not none -%}
            truncate table {{ runs }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The materialization of the models kept by touched scope (delete_touched_rows): incremental,
    or on Spark a table rebuilt in full on every run, since plain Parquet tables refuse DELETE and
    MERGE (DECISIONS.md, "Incremental models on Spark"). -#}
{% macro touched_scope_materialization() -%}
    {{ return(adapter.dispatch('touched_scope_materialization')()) }}
{%- endmacro %}

{% macro default__touched_scope_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__touched_scope_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- Hook SQL deleting the rows of an incremental model in the touched scope,
    before the recomputed rows of that scope are inserted; also removes rows
    whose key vanished (a message moved to another campaign, a receipt that
    is now a repeat). Nothing on a full build. -#}
{% macro delete_touched_rows(predicate) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ predicate }}
    {%- endif -%}
{%- endmacro %}

{#- The table of touched keys `name`: ref() in models; in data tests, which
    the nightly run scopes to these keys (macros/test_scope.sql) and which do
    not declare them as dependencies, the same relation from the graph. -#}
{% macro touched_relation(name) -%}
    {%- if model.resource_type == 'test' -%}
        {{ test_scope_relation(name) }}
    {%- else -%}
        {{ ref(name) }}
    {%- endif -%}
{%- endmacro %}

{#- Predicate: column in the touched message ids. -#}
{% macro in_touched_messages(column='message_id') -%}
    {{ column }} in (select touched.message_id from {{ touched_relation('int_messages_touched') }} as touched)
{%- endmacro %}

{#- Predicate: (campaign_id, contact_id) in the touched campaign contacts. -#}
{% macro in_touched_campaign_contacts(campaign_id='campaign_id', contact_id='contact_id') -%}
    ({{ campaign_id }}, {{ contact_id }}) in (
        select (touched.campaign_id, touched.contact_id)
        from {{ touched_relation('int_campaign_contacts_touched') }} as touched
    )
{%- endmacro %}

{#- Predicate: (provider, provider_message_id) among those whose unresolved
    receipts are re-derived (providers lower-case, as in staging). -#}
{% macro in_touched_provider_message_ids(provider='provider') -%}
    ({{ provider }}, provider_message_id) in (
        select (touched.provider, touched.provider_message_id)
        from {{ touched_relation('int_receipt_provider_message_ids_touched') }} as touched
    )
{%- endmacro %}

{#- Predicate on stg_raw__receipts: the receipts re-derived, by the message
    they name or, naming none, by their provider_message_id. -#}
{% macro in_touched_receipts() -%}
    ({{ in_touched_messages() }} or (message_id is null and {{ in_touched_provider_message_ids() }}))
{%- endmacro %}

{#- Predicate on int_receipts_mapped: the rows of those receipts (a receipt
    naming no message_id is resolved_by provider_message_id, or not at all). -#}
{% macro in_touched_receipts_mapped() -%}
    (
        {{ in_touched_messages() }}
        or (coalesce(resolved_by, '') <> 'message_id' and {{ in_touched_provider_message_ids() }})
    )
{%- endmacro %}

{#- Predicate on clicks (raw, staged or matched): the clicks re-derived, all
    rows of every click_id clicked on a touched message (int_messages_touched
    also holds every message of a changed click_id), and the clicks without
    click_id on a touched message. -#}
{% macro in_touched_clicks() -%}
    (
        click_id in (
            select touched.click_id
            from {{ touched_relation('int_click_ids_touched') }} as touched
        )
        or (click_id is null and {{ in_touched_messages() }})
    )
{%- endmacro %}
