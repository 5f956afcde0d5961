{#- One row per (provider, provider_message_id) whose unresolved receipts the
    nightly run re-derives: those of the touched messages (a receipt may now
    resolve to one) and those named by changed receipts without message_id
    (a new or superseded orphan). Providers lower-case, as in staging. -#}

with

loads as (
    select * from {{ ref('int_loads_changed') }}
),

messages as (
    select * from {{ ref('base_raw__messages') }}
),

receipts as (
    select * from {{ ref('base_raw__receipts') }}
),

smpp_receipts as (
    select * from {{ ref('base_raw__smpp_receipts') }}
),

provider_receipts as (
    select * from {{ ref('base_raw__provider_receipt_ids') }}
),

touched_messages as (
    select * from {{ ref('int_messages_touched') }}
),

touched as (
    select
        lower(provider) as provider,
        provider_message_id
    from messages
    where message_id in (select touched_messages.message_id from touched_messages)
    union
    select
        lower(provider) as provider,
        provider_message_id
    from receipts
    where _load_id in (select loads.load_id from loads) and message_id is null
    union
    select
        'smpp' as provider,
        provider_message_id
    from smpp_receipts
    where _load_id in (select loads.load_id from loads)
    union
    select
        provider,
        provider_message_id
    from provider_receipts
    where _load_id in (select loads.load_id from loads) and message_id is null
),

final as (
    select *
    from touched
    where provider is not null and provider_message_id is not null
)

select * from final
