{#- One row per (campaign, contact) whose delivery row the nightly run
    re-derives: every pair any raw row of a touched message names, in any file
    version, so both the pair a message left and the one it moved to. -#}

with

messages as (
    select * from {{ ref('base_raw__messages') }}
),

touched_messages as (
    select * from {{ ref('int_messages_touched') }}
),

final as (
    select distinct
        messages.campaign_id,
        messages.contact_id
    from messages
    where messages.message_id in (select touched_messages.message_id from touched_messages)
)

select * from final
