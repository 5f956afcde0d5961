{#- One row per distinct click, with the campaign, contact and account of the
    clicked message. Clicks whose message is not known yet are kept (with null
    campaign, contact and account) and match once the message arrives. -#}

with

clicks as (
    select * from {{ ref('stg_raw__clicks') }}
),

messages as (
    select * from {{ ref('stg_raw__messages') }}
),

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

final as (
    select
        clicks.click_key,
        clicks.click_id,
        clicks.message_id,
        messages.campaign_id,
        messages.contact_id,
        campaigns.account_id,
        clicks.url,
        clicks.clicked_at,
        clicks.user_agent,
        messages.message_id is not null as is_message_known
    from clicks
    left join messages
        on clicks.message_id = messages.message_id
    left join campaigns
        on messages.campaign_id = campaigns.campaign_id
)

select * from final
