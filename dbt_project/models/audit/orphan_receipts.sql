{#- Receipts whose message is still unknown: no message with their message_id,
    or no message with their (provider, provider_message_id). They are kept and
    count as soon as the message arrives (late-arriving data, docs/RULES.md, Loading guarantees). -#}

with

receipts as (
    select * from {{ ref('int_receipts_mapped') }}
),

final as (
    select
        receipt_key,
        message_id,
        provider,
        provider_message_id,
        status,
        error_code,
        canonical_status,
        event_at,
        received_at,
        source_entity,
        _source_file as source_file,
        _row_number as source_row_number
    from receipts
    where not is_message_known
)

select * from final
