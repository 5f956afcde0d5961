{#- One row per campaign and currency: what the campaign's messages cost
    (int_messages_costed), never adding two currencies. Unpriced messages
    (no reported price, no price-list row) are counted on the row of the
    account's currency; a campaign with no costed message at all has that
    row too, with zero cost. cost_per_delivered = cost / the delivered
    messages among those costed in that currency, rounded half-up to the
    millionth; null when none was delivered. -#}

with

costed as (
    select * from {{ ref('int_messages_costed') }}
),

campaigns as (
    select * from {{ ref('fct_campaign_overview') }}
),

by_currency as (
    select
        costed.campaign_id,
        coalesce(costed.currency, campaigns.currency) as currency,
        sum(case when costed.cost_source = 'reported' then 1 else 0 end) as messages_priced,
        sum(case when costed.cost_source = 'estimated' then 1 else 0 end) as messages_estimated,
        sum(case when costed.cost_source = 'unpriced' then 1 else 0 end) as messages_unpriced,
        sum(costed.cost) as cost,
        sum(
            case when costed.cost is not null and costed.delivery_status = 'delivered' then 1 else 0 end
        ) as delivered_costed
    from costed
    inner join campaigns
        on costed.campaign_id = campaigns.campaign_id
    group by costed.campaign_id, coalesce(costed.currency, campaigns.currency)
),

{# A campaign without any costed message: one row in its account's currency. #}
uncosted_campaigns as (
    select
        campaigns.campaign_id,
        campaigns.currency,
        0 as messages_priced,
        0 as messages_estimated,
        0 as messages_unpriced,
        0 as cost,
        0 as delivered_costed
    from campaigns
    where campaigns.campaign_id not in (select by_currency.campaign_id from by_currency)
),

unioned as (
    select * from by_currency
    union all
    select * from uncosted_campaigns
),

final as (
    select
        unioned.campaign_id,
        campaigns.account_id,
        unioned.currency,
        cast(unioned.messages_priced as bigint) as messages_priced,
        cast(unioned.messages_estimated as bigint) as messages_estimated,
        cast(unioned.messages_unpriced as bigint) as messages_unpriced,
        cast(coalesce(unioned.cost, 0) as {{ type_cost() }}) as cost,
        {#- Rounded half-up to the millionth, exactly: in whole millionths. #}
        cast(
            case
                when unioned.delivered_costed > 0
                    then floor(
                        (cast(coalesce(unioned.cost, 0) * 1000000 as bigint) * 2 + unioned.delivered_costed)
                        / (2.0 * unioned.delivered_costed)
                    ) / 1000000
            end as {{ type_cost() }}
        ) as cost_per_delivered
    from unioned
    inner join campaigns
        on unioned.campaign_id = campaigns.campaign_id
)

select * from final
