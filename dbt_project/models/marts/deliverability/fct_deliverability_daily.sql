{#- One row per account, provider, destination country, carrier and UTC send
    day: the messages that left (not not_sent, as the overview's "Total sent")
    by delivery status, the delivery rate and the send-to-delivery latency of
    the delivered ones. -#}

with

messages as (
    select * from {{ ref('fct_messages') }}
),

sent as (
    select
        account_id,
        coalesce(provider, 'unknown') as provider,
        coalesce(country_code, 'ZZ') as country_code,
        coalesce(carrier, 'unknown') as carrier,
        cast(sent_at as date) as sent_date,
        delivery_status,
        case
            when delivery_status = 'delivered' and status_at is not null
                then greatest({{ seconds_between('sent_at', 'status_at') }}, 0)
        end as delivery_seconds
    from messages
    where
        delivery_status <> 'not_sent'
        and account_id is not null
),

daily as (
    select
        account_id,
        provider,
        country_code,
        carrier,
        sent_date,
        count(*) as messages_sent,
        sum(case when delivery_status = 'delivered' then 1 else 0 end) as delivered,
        sum(case when delivery_status = 'pending' then 1 else 0 end) as pending,
        sum(case when delivery_status = 'soft_bounce' then 1 else 0 end) as soft_bounced,
        sum(case when delivery_status = 'hard_bounce' then 1 else 0 end) as hard_bounced,
        sum(case when delivery_status = 'deleted' then 1 else 0 end) as deleted,
        {{ percentile_cont('delivery_seconds', 0.5) }} as median_delivery_seconds,
        {{ percentile_cont('delivery_seconds', 0.95) }} as p95_delivery_seconds
    from sent
    group by
        account_id,
        provider,
        country_code,
        carrier,
        sent_date
),

final as (
    select
        account_id,
        provider,
        country_code,
        carrier,
        sent_date,
        cast(messages_sent as {{ dbt.type_bigint() }}) as messages_sent,
        cast(delivered as {{ dbt.type_bigint() }}) as delivered,
        cast(pending as {{ dbt.type_bigint() }}) as pending,
        cast(soft_bounced as {{ dbt.type_bigint() }}) as soft_bounced,
        cast(hard_bounced as {{ dbt.type_bigint() }}) as hard_bounced,
        cast(deleted as {{ dbt.type_bigint() }}) as deleted,
        cast(delivered as {{ type_double() }}) / messages_sent as delivery_rate,
        cast(median_delivery_seconds as {{ type_double() }}) as median_delivery_seconds,
        cast(p95_delivery_seconds as {{ type_double() }}) as p95_delivery_seconds
    from daily
)

select * from final
