{#- One row per costed message (reported or estimated) of a known campaign:
    what it cost, in which currency, with the send time and the dimensions the
    semantic layer slices cost by. fct_campaign_costs is its sum per campaign
    and currency (messages of a campaign not loaded yet count in neither). -#}

with

costed as (
    select * from {{ ref('int_messages_costed') }}
),

messages as (
    select * from {{ ref('fct_messages') }}
),

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

final as (
    select
        costed.message_id,
        costed.campaign_id,
        costed.account_id,
        messages.sent_at,
        messages.provider,
        messages.country_code,
        messages.message_type,
        costed.cost_source,
        costed.cost,
        costed.currency
    from costed
    inner join messages
        on costed.message_id = messages.message_id
    inner join campaigns
        on costed.campaign_id = campaigns.campaign_id
    where costed.cost_source <> 'unpriced'
)

select * from final
