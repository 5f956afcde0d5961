{#- fct_message_costs holds exactly the costs fct_campaign_costs adds up: per
    campaign and currency, its rows sum to fct_campaign_costs.cost (the
    semantic layer's cost metric reads the former, the report the latter). -#}

with

campaign_costs as (
    select * from {{ ref('fct_campaign_costs') }}
),

message_costs as (
    select * from {{ ref('fct_message_costs') }}
),

message_totals as (
    select
        campaign_id,
        currency,
        sum(cost) as cost
    from message_costs
    group by campaign_id, currency
),

final as (
    select
        coalesce(campaign_costs.campaign_id, message_totals.campaign_id) as campaign_id,
        coalesce(campaign_costs.currency, message_totals.currency) as currency,
        campaign_costs.cost as campaign_cost,
        message_totals.cost as message_cost
    from campaign_costs
    full outer join message_totals
        on
            campaign_costs.campaign_id = message_totals.campaign_id
            and campaign_costs.currency = message_totals.currency
    where coalesce(campaign_costs.cost, 0) <> coalesce(message_totals.cost, 0)
)

select * from final
