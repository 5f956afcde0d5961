{#- One row per distinct delivery receipt: resolved to its message, exact
    repeats dropped, mapped to a canonical status through the
    delivery_status_map seed.

    Incremental: the receipts of the touched messages (int_messages_touched)
    and the unresolved receipts of their provider_message_ids, and of the
    provider_message_ids of changed receipts, are re-derived from all their
    raw rows; every message sharing such a provider_message_id is touched. -#}

-- depends_on: {{ ref('int_messages_touched') }}
-- depends_on: {{ ref('int_receipt_provider_message_ids_touched') }}

{{ config(
    materialized=touched_scope_materialization(),
    incremental_strategy='delete+insert',
    unique_key='receipt_key',
    on_schema_change='fail',
    pre_hook="{{ delete_touched_rows(in_touched_receipts_mapped()) }}"
) }}

with

receipts as (
    select * from {{ ref('stg_raw__receipts') }}
    {%- if is_incremental() %}
        where {{ in_touched_receipts() }}
    {%- endif %}
),

messages as (
    select * from {{ ref('stg_raw__messages') }}
    {%- if is_incremental() %}
        {#- Every message sharing a provider_message_id, for the smallest. -#}
        where {{ in_touched_messages() }} or {{ in_touched_provider_message_ids() }}
    {%- endif %}
),

status_map as (
    select * from {{ ref('delivery_status_map') }}
),

{# Provider message ids should be unique per provider; if a provider reuses
    one, the receipt goes to the smallest message_id rather than fanning out. #}
provider_message_ids as (
    select
        provider,
        provider_message_id,
        min(message_id) as message_id
    from messages
    where provider is not null and provider_message_id is not null
    group by provider, provider_message_id
),

{# Each receipt goes through one join only: by message_id when it names one,
    else by (provider, provider_message_id). #}
receipts_by_message_id as (
    select
        receipts.*,
        receipts.message_id as resolved_message_id,
        'message_id' as resolved_by,
        messages.message_id is not null as is_message_known
    from receipts
    left join messages
        on receipts.message_id = messages.message_id
    where receipts.message_id is not null
),

receipts_by_provider_message_id as (
    select
        receipts.*,
        provider_message_ids.message_id as resolved_message_id,
        case when provider_message_ids.message_id is not null then 'provider_message_id' end as resolved_by,
        provider_message_ids.message_id is not null as is_message_known
    from receipts
    left join provider_message_ids
        on
            receipts.provider = provider_message_ids.provider
            and receipts.provider_message_id = provider_message_ids.provider_message_id
    where receipts.message_id is null
),

resolved as (
    select * from receipts_by_message_id
    union all
    select * from receipts_by_provider_message_id
),

{# An exact repeat names the same message (or, unresolved, the same
    provider_message_id), provider, status, error code and event time; the
    row from the file that sorts first by path, then the earlier row, is kept.
    A price reported by any of the repeats (a Twilio export row repeating a
    status callback) stays with the kept row. #}
{%- set repeat_partition -%}
    partition by
        resolved_message_id,
        case when resolved_message_id is null then provider_message_id end,
        provider,
        status,
        error_code,
        event_at
{%- endset %}
repeats_ranked as (
    select
        *,
        row_number() over ({{ repeat_partition }} order by {{ first_loaded_first() }}) as repeat_rank,
        max(price) over ({{ repeat_partition }}) as repeats_price,
        max(price_currency) over ({{ repeat_partition }}) as repeats_price_currency
    from resolved
),

distinct_receipts as (
    select *
    from repeats_ranked
    where repeat_rank = 1
),

{# Matching is case-insensitive on provider, status and error code; a row
    with an error_code beats the row without one for the same provider and
    status. #}
status_map_normalized as (
    select
        lower(provider) as provider_key,
        lower(provider_status) as status_key,
        lower(trim(error_code)) as error_code_key,
        canonical_status,
        is_final,
        reason
    from status_map
),

status_map_by_error_code as (
    select *
    from status_map_normalized
    where error_code_key is not null and error_code_key <> ''
),

status_map_any_error_code as (
    select *
    from status_map_normalized
    where error_code_key is null or error_code_key = ''
),

mapped as (
    select
        distinct_receipts.*,
        coalesce(by_code.canonical_status, any_code.canonical_status) as mapped_status,
        coalesce(by_code.is_final, any_code.is_final) as mapped_is_final,
        coalesce(by_code.reason, any_code.reason) as status_reason
    from distinct_receipts
    left join status_map_by_error_code as by_code
        on
            lower(distinct_receipts.provider) = by_code.provider_key
            and lower(distinct_receipts.status) = by_code.status_key
            and lower(trim(distinct_receipts.error_code)) = by_code.error_code_key
    left join status_map_any_error_code as any_code
        on
            lower(distinct_receipts.provider) = any_code.provider_key
            and lower(distinct_receipts.status) = any_code.status_key
),

final as (
    select
        receipt_key,
        resolved_message_id as message_id,
        resolved_by,
        is_message_known,
        provider,
        provider_message_id,
        status,
        error_code,
        coalesce(mapped_status, 'pending') as canonical_status,
        coalesce(mapped_is_final, false) as is_final,
        mapped_status is not null as is_mapped,
        status_reason,
        event_at,
        received_at,
        repeats_price as price,
        repeats_price_currency as price_currency,
        source_entity,
        _source_file,
        _row_number
    from mapped
)

select * from final
