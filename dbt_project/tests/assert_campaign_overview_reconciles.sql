{#- The overview tiles reconcile with the facts they summarise: per campaign,
    messages_sent / messages_delivered / total_segments match fct_messages and
    unique_sends / total_clicks match fct_campaign_contacts. -#}

with

overview as (
    select * from {{ ref('fct_campaign_overview') }}
),

messages as (
    select * from {{ ref('fct_messages') }}
),

campaign_contacts as (
    select * from {{ ref('fct_campaign_contacts') }}
),

message_totals as (
    select
        campaign_id,
        sum(case when delivery_status <> 'not_sent' then 1 else 0 end) as messages_sent,
        sum(case when delivery_status = 'delivered' then 1 else 0 end) as messages_delivered,
        sum(case when delivery_status <> 'not_sent' then segments else 0 end) as total_segments
    from messages
    group by campaign_id
),

contact_totals as (
    select
        campaign_id,
        sum(case when delivery_status <> 'not_sent' then 1 else 0 end) as unique_sends,
        sum(clicks) as total_clicks
    from campaign_contacts
    group by campaign_id
),

final as (
    select
        overview.campaign_id,
        overview.messages_sent,
        message_totals.messages_sent as expected_messages_sent,
        overview.unique_sends,
        contact_totals.unique_sends as expected_unique_sends
    from overview
    left join message_totals
        on overview.campaign_id = message_totals.campaign_id
    left join contact_totals
        on overview.campaign_id = contact_totals.campaign_id
    where
        overview.messages_sent <> coalesce(message_totals.messages_sent, 0)
        or overview.messages_delivered <> coalesce(message_totals.messages_delivered, 0)
        or overview.total_segments <> coalesce(message_totals.total_segments, 0)
        or overview.unique_sends <> coalesce(contact_totals.unique_sends, 0)
        or overview.total_clicks <> coalesce(contact_totals.total_clicks, 0)
)

select * from final
