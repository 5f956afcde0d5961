{#- One row per message_id whose derived rows the nightly run re-derives from
    all its raw rows: named by a changed raw row (int_loads_changed) of
    messages, receipts (also SMPP and the provider-native entities) or clicks; sharing a provider_message_id with a
    changed message or receipt (receipts resolve by it); of a changed
    campaign (segments, account, message type); of a changed contact
    (destination country and carrier); or sharing a click_id with a
    changed click (click repeats). The id need not be a known message (orphan
    receipts and clicks). With pending_expiry_hours set, a message's status
    depends on the run time: every message is touched. -#}

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

campaigns as (
    select * from {{ ref('base_raw__campaigns') }}
),

contacts as (
    select * from {{ ref('base_raw__contacts') }}
),

clicks as (
    select * from {{ ref('base_raw__clicks') }}
),

changed_messages as (
    select
        message_id,
        lower(provider) as provider,
        provider_message_id
    from messages
    where _load_id in (select loads.load_id from loads)
),

provider_receipts as (
    select * from {{ ref('base_raw__provider_receipt_ids') }}
),

changed_receipts as (
    select
        message_id,
        lower(provider) as provider,
        provider_message_id
    from receipts
    where _load_id in (select loads.load_id from loads)
    union all
    select
        cast(null as {{ dbt.type_string() }}) as message_id,
        'smpp' as provider,
        provider_message_id
    from smpp_receipts
    where _load_id in (select loads.load_id from loads)
    union all
    select
        message_id,
        provider,
        provider_message_id
    from provider_receipts
    where _load_id in (select loads.load_id from loads)
),

changed_provider_message_ids as (
    select
        provider,
        provider_message_id
    from changed_messages
    where provider_message_id is not null
    union
    select
        provider,
        provider_message_id
    from changed_receipts
    where message_id is null and provider_message_id is not null
),

changed_click_ids as (
    select click_id
    from clicks
    where _load_id in (select loads.load_id from loads) and click_id is not null
),

touched as (
    select message_id from changed_messages
    union
    select message_id
    from changed_receipts
    where message_id is not null
    union
    select messages.message_id
    from messages
    inner join changed_provider_message_ids as changed
        on
            lower(messages.provider) = changed.provider
            and messages.provider_message_id = changed.provider_message_id
    union
    select messages.message_id
    from messages
    where
        messages.campaign_id in (
            select campaigns.campaign_id
            from campaigns
            where campaigns._load_id in (select loads.load_id from loads)
        )
    union
    select messages.message_id
    from messages
    where
        messages.contact_id in (
            select contacts.contact_id
            from contacts
            where contacts._load_id in (select loads.load_id from loads)
        )
    union
    select message_id
    from clicks
    where
        _load_id in (select loads.load_id from loads)
        or click_id in (select changed_click_ids.click_id from changed_click_ids)
    {%- if pending_expiry_hours() is not none %}
    union
    select message_id from messages
    {%- endif %}
),

final as (
    select message_id
    from touched
    where message_id is not null
)

select * from final
