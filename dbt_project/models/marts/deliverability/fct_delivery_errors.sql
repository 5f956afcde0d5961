{#- One row per account, provider, error code, failed delivery status and UTC
    send day: the messages whose status is soft_bounce, hard_bounce, deleted
    or not_sent, by the error code of the receipt that decided it ('none'
    when it carried no code). Delivered and pending messages have no error. -#}

with

messages as (
    select * from {{ ref('fct_messages') }}
),

failed as (
    select
        account_id,
        coalesce(provider, 'unknown') as provider,
        coalesce(error_code, 'none') as error_code,
        delivery_status,
        cast(sent_at as date) as sent_date
    from messages
    where
        delivery_status in ('soft_bounce', 'hard_bounce', 'deleted', 'not_sent')
        and account_id is not null
),

final as (
    select
        account_id,
        provider,
        error_code,
        delivery_status,
        sent_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as messages
    from failed
    group by
        account_id,
        provider,
        error_code,
        delivery_status,
        sent_date
)

select * from final
