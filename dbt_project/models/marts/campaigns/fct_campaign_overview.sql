{#- One row per campaign: the overview tiles (docs/RULES.md, Campaign overview). Contacts whose
    messages are all not_sent are outside the message and contact counts;
    clicks count on all the campaign's messages. -#}

with

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

messages as (
    select * from {{ ref('fct_messages') }}
),

campaign_contacts as (
    select * from {{ ref('fct_campaign_contacts') }}
),

order_attributions as (
    select * from {{ ref('fct_order_attribution') }}
),

unsubscribes as (
    select * from {{ ref('int_unsubscribes_credited') }}
),

message_counts as (
    select
        campaign_id,
        max(sent_at) as last_sent_at,
        sum(case when delivery_status <> 'not_sent' then 1 else 0 end) as messages_sent,
        sum(case when delivery_status = 'delivered' then 1 else 0 end) as messages_delivered,
        sum(case when delivery_status <> 'not_sent' then segments else 0 end) as total_segments
    from messages
    group by campaign_id
),

contact_counts as (
    select
        campaign_id,
        count(*) as unique_sends,
        sum(case when delivery_status = 'delivered' then 1 else 0 end) as unique_deliveries,
        sum(case when delivery_status = 'pending' then 1 else 0 end) as pending,
        sum(case when delivery_status = 'soft_bounce' then 1 else 0 end) as soft_bounces,
        sum(case when delivery_status = 'hard_bounce' then 1 else 0 end) as hard_bounces,
        sum(case when delivery_status = 'deleted' then 1 else 0 end) as deleted
    from campaign_contacts
    where delivery_status <> 'not_sent'
    group by campaign_id
),

{# Clicks count on every message of the campaign, whatever its status. #}
click_counts as (
    select
        campaign_id,
        sum(clicks) as total_clicks,
        sum(case when clicks > 0 then 1 else 0 end) as unique_clicks
    from campaign_contacts
    group by campaign_id
),

{# docs/RULES.md, Campaign overview / Revenue attribution: per campaign, the orders it is the direct touch of and the
    orders it assisted, each with the order's full revenue. #}
order_attribution as (
    select
        campaign_id,
        sum(case when is_direct then 1 else 0 end) as direct_orders,
        sum(direct_revenue) as direct_revenue,
        sum(case when is_direct then 0 else 1 end) as assisted_orders,
        sum(assisted_revenue) as assisted_revenue
    from order_attributions
    group by campaign_id
),

{# docs/RULES.md, Unsubscribes: unsubscribes credited to the last campaign sent before them. #}
unsubscribe_counts as (
    select
        campaign_id,
        count(*) as unsubscribes
    from unsubscribes
    where is_credited
    group by campaign_id
),

joined as (
    select
        campaigns.campaign_id,
        campaigns.account_id,
        campaigns.campaign_name,
        campaigns.message_type,
        campaigns.currency,
        message_counts.last_sent_at,
        coalesce(message_counts.messages_sent, 0) as messages_sent,
        coalesce(message_counts.messages_delivered, 0) as messages_delivered,
        coalesce(message_counts.total_segments, 0) as total_segments,
        coalesce(contact_counts.unique_sends, 0) as unique_sends,
        coalesce(contact_counts.unique_deliveries, 0) as unique_deliveries,
        coalesce(contact_counts.pending, 0) as pending,
        coalesce(contact_counts.soft_bounces, 0) as soft_bounces,
        coalesce(contact_counts.hard_bounces, 0) as hard_bounces,
        coalesce(contact_counts.deleted, 0) as deleted,
        coalesce(click_counts.total_clicks, 0) as total_clicks,
        coalesce(click_counts.unique_clicks, 0) as unique_clicks,
        coalesce(order_attribution.direct_orders, 0) as direct_orders,
        coalesce(order_attribution.direct_revenue, 0) as direct_revenue,
        coalesce(order_attribution.assisted_orders, 0) as assisted_orders,
        coalesce(order_attribution.assisted_revenue, 0) as assisted_revenue,
        coalesce(unsubscribe_counts.unsubscribes, 0) as unsubscribes
    from campaigns
    left join message_counts
        on campaigns.campaign_id = message_counts.campaign_id
    left join contact_counts
        on campaigns.campaign_id = contact_counts.campaign_id
    left join click_counts
        on campaigns.campaign_id = click_counts.campaign_id
    left join order_attribution
        on campaigns.campaign_id = order_attribution.campaign_id
    left join unsubscribe_counts
        on campaigns.campaign_id = unsubscribe_counts.campaign_id
),

final as (
    select
        campaign_id,
        account_id,
        campaign_name,
        message_type,
        last_sent_at,
        cast(messages_sent as {{ dbt.type_bigint() }}) as messages_sent,
        cast(messages_delivered as {{ dbt.type_bigint() }}) as messages_delivered,
        cast(total_segments as {{ dbt.type_bigint() }}) as total_segments,
        cast(unique_sends as {{ dbt.type_bigint() }}) as unique_sends,
        cast(unique_deliveries as {{ dbt.type_bigint() }}) as unique_deliveries,
        cast(pending as {{ dbt.type_bigint() }}) as pending,
        cast(soft_bounces as {{ dbt.type_bigint() }}) as soft_bounces,
        cast(hard_bounces as {{ dbt.type_bigint() }}) as hard_bounces,
        cast(deleted as {{ dbt.type_bigint() }}) as deleted,
        cast(total_clicks as {{ dbt.type_bigint() }}) as total_clicks,
        cast(unique_clicks as {{ dbt.type_bigint() }}) as unique_clicks,
        cast(unique_clicks as {{ type_double() }})
        / nullif(unique_deliveries, 0) as click_to_delivered_rate,
        cast(direct_orders as {{ dbt.type_bigint() }}) as direct_orders,
        cast(direct_revenue as {{ type_money() }}) as direct_revenue,
        cast(assisted_orders as {{ dbt.type_bigint() }}) as assisted_orders,
        cast(assisted_revenue as {{ type_money() }}) as assisted_revenue,
        cast(direct_orders as {{ type_double() }})
        / nullif(unique_deliveries, 0) as conversion_rate,
        cast(unsubscribes as {{ dbt.type_bigint() }}) as unsubscribes,
        currency
    from joined
)

select * from final
