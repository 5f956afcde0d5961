{#- One row per message: its delivery status (docs/RULES.md, Delivery status).

    The earliest final receipt by event_at decides (ties: earlier received_at,
    then delivered, hard_bounce, deleted, soft_bounce, not_sent); a later final
    receipt never overwrites it, whatever the arrival order. Without a final
    receipt the message is pending, as of its latest receipt, unless
    pending_expiry_hours is set and that long has passed since sent_at as of
    the run: then it is soft_bounce at sent_at + pending_expiry_hours. -#}

{%- set expiry_hours = pending_expiry_hours() %}

-- depends_on: {{ ref('int_messages_touched') }}

{{ config(
    materialized=touched_scope_materialization(),
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
    pre_hook="{{ delete_touched_rows(in_touched_messages()) }}"
) }}

with

messages as (
    select * from {{ ref('stg_raw__messages') }}
    {%- if is_incremental() %}
        where {{ in_touched_messages() }}
    {%- endif %}
),

receipts as (
    select * from {{ ref('int_receipts_mapped') }}
    {%- if is_incremental() %}
        where {{ in_touched_messages() }}
    {%- endif %}
),

message_receipts as (
    select *
    from receipts
    where is_message_known
),

final_receipts_ranked as (
    select
        message_id,
        receipt_key,
        canonical_status,
        error_code,
        event_at,
        row_number() over (
            partition by message_id
            order by
                event_at,
                received_at nulls last,
                {{ final_status_precedence('canonical_status') }},
                {{ first_loaded_first() }}
        ) as final_rank
    from message_receipts
    where is_final
),

first_final_receipts as (
    select *
    from final_receipts_ranked
    where final_rank = 1
),

receipt_summaries as (
    select
        message_id,
        count(*) as receipts,
        max(event_at) as latest_event_at,
        min(provider) as receipts_provider
    from message_receipts
    group by message_id
),

messages_with_receipts as (
    select
        messages.message_id,
        messages.campaign_id,
        messages.contact_id,
        messages.sent_at,
        coalesce(messages.provider, lower(receipt_summaries.receipts_provider)) as provider,
        coalesce(receipt_summaries.receipts, 0) as receipts,
        receipt_summaries.latest_event_at,
        first_final_receipts.receipt_key as final_receipt_key,
        first_final_receipts.canonical_status as final_status,
        first_final_receipts.event_at as final_event_at,
        first_final_receipts.error_code as final_error_code,
        {% if expiry_hours is none -%}
            cast(null as {{ dbt.type_timestamp() }})
        {%- else -%}
            {{ dbt.dateadd('minute', (expiry_hours * 60) | round | int, 'messages.sent_at') }}
        {%- endif %} as expires_at
    from messages
    left join receipt_summaries
        on messages.message_id = receipt_summaries.message_id
    left join first_final_receipts
        on messages.message_id = first_final_receipts.message_id
),

classified as (
    select
        *,
        case
            when final_status is not null then 'final_receipt'
            when expires_at <= {{ as_of_timestamp() }} then 'pending_expiry'
            when receipts > 0 then 'pending_receipt'
            else 'no_receipt'
        end as status_source
    from messages_with_receipts
),

final as (
    select
        message_id,
        campaign_id,
        contact_id,
        sent_at,
        provider,
        case status_source
            when 'final_receipt' then final_status
            when 'pending_expiry' then 'soft_bounce'
            else 'pending'
        end as delivery_status,
        case status_source
            when 'final_receipt' then final_event_at
            when 'pending_expiry' then expires_at
            else latest_event_at
        end as status_at,
        final_error_code as error_code,
        status_source in ('final_receipt', 'pending_expiry') as is_final,
        status_source,
        receipts,
        final_receipt_key
    from classified
)

select * from final
