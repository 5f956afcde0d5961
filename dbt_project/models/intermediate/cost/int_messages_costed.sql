{#- One row per billable message with what it cost (docs/RULES.md, "Cost"):
    the price the provider reported on one of its receipts (absolute value,
    in the reported currency); else its segments times the price list's
    price (seed sms_prices) for its provider, destination country and type,
    the destination's own country before `*`; else unknown (unpriced). A
    not_sent message was never billed: it is left out unless a receipt
    reported a price for it. -#}

with

messages as (
    select * from {{ ref('fct_messages') }}
),

receipts as (
    select * from {{ ref('int_receipts_mapped') }}
),

prices as (
    select * from {{ ref('sms_prices') }}
),

{# The latest reported price of each message (by event time, then receipt). #}
reported_ranked as (
    select
        message_id,
        price,
        price_currency,
        row_number() over (
            partition by message_id
            order by event_at desc, receipt_key desc
        ) as price_rank
    from receipts
    where is_message_known and price is not null and price_currency is not null
),

reported as (
    select
        message_id,
        price,
        price_currency
    from reported_ranked
    where price_rank = 1
),

billable as (
    select
        messages.message_id,
        messages.campaign_id,
        messages.account_id,
        lower(messages.provider) as provider,
        upper(messages.country_code) as country_code,
        upper(messages.message_type) as message_type,
        messages.segments,
        messages.delivery_status,
        reported.price as reported_price,
        reported.price_currency as reported_currency
    from messages
    left join reported
        on messages.message_id = reported.message_id
    where messages.delivery_status <> 'not_sent' or reported.price is not null
),

{# Price-list rows that fit each message, the destination's country first. #}
list_prices_ranked as (
    select
        billable.message_id,
        prices.price_per_segment,
        upper(prices.currency) as currency,
        row_number() over (
            partition by billable.message_id
            order by case when prices.country_code = '*' then 1 else 0 end
        ) as specificity_rank
    from billable
    inner join prices
        on
            billable.provider = lower(prices.provider)
            and billable.message_type = upper(prices.message_type)
            and (billable.country_code = upper(prices.country_code) or prices.country_code = '*')
    where billable.reported_price is null
),

list_prices as (
    select
        message_id,
        price_per_segment,
        currency
    from list_prices_ranked
    where specificity_rank = 1
),

final as (
    select
        billable.message_id,
        billable.campaign_id,
        billable.account_id,
        billable.provider,
        billable.country_code,
        billable.message_type,
        billable.segments,
        billable.delivery_status,
        case
            when billable.reported_price is not null then 'reported'
            when list_prices.price_per_segment is not null then 'estimated'
            else 'unpriced'
        end as cost_source,
        cast(coalesce(
            billable.reported_price,
            billable.segments * list_prices.price_per_segment
        ) as {{ type_cost() }}) as cost,
        upper(coalesce(billable.reported_currency, list_prices.currency)) as currency
    from billable
    left join list_prices
        on billable.message_id = list_prices.message_id
)

select * from final
