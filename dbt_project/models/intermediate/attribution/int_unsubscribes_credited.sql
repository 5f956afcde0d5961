{#- One row per distinct unsubscribe, credited to the last campaign sent to
    the contact at or before unsubscribed_at (docs/RULES.md, Unsubscribes): the latest sent_at of a
    message not not_sent, ties to the greater campaign_id (then the greater
    message_id); no earlier send, no credit (campaign_id null).

    An unsubscribe names its contact by contact_id or by phone number (the
    contact of that number in the account, the smallest contact_id when several
    share it). Repeats for the same account, contact and unsubscribed_at count
    once, also when one names the contact by id and another by number (the
    first by path and row is kept); unmatched numbers repeat per number. -#}

with

unsubscribes as (
    select * from {{ ref('stg_raw__unsubscribes') }}
),

phone_numbers as (
    select * from {{ ref('int_phone_numbers_resolved') }}
),

messages as (
    select * from {{ ref('int_messages_classified') }}
),

matched as (
    select
        unsubscribes.unsubscribe_key,
        unsubscribes.account_id,
        coalesce(unsubscribes.contact_id, phone_numbers.contact_id) as contact_id,
        case
            when unsubscribes.contact_id is not null then 'contact_id'
            when phone_numbers.contact_id is not null then 'phone_number'
        end as matched_by,
        unsubscribes.phone_number_hash,
        unsubscribes.unsubscribed_at,
        unsubscribes.keyword,
        unsubscribes._source_file,
        unsubscribes._row_number
    from unsubscribes
    left join phone_numbers
        on
            unsubscribes.contact_id is null
            and unsubscribes.account_id = phone_numbers.account_id
            and unsubscribes.phone_number_hash = phone_numbers.phone_number_hash
),

repeats_ranked as (
    select
        *,
        row_number() over (
            partition by
                account_id,
                contact_id,
                case when contact_id is null then phone_number_hash end,
                unsubscribed_at
            order by {{ first_loaded_first() }}
        ) as repeat_rank
    from matched
),

distinct_unsubscribes as (
    select *
    from repeats_ranked
    where repeat_rank = 1
),

sends as (
    select
        message_id,
        campaign_id,
        contact_id,
        sent_at
    from messages
    where delivery_status <> 'not_sent'
),

earlier_sends_ranked as (
    select
        distinct_unsubscribes.unsubscribe_key,
        sends.message_id,
        sends.campaign_id,
        sends.sent_at,
        row_number() over (
            partition by distinct_unsubscribes.unsubscribe_key
            order by sends.sent_at desc, sends.campaign_id desc, sends.message_id desc
        ) as send_rank
    from distinct_unsubscribes
    inner join sends
        on
            distinct_unsubscribes.contact_id = sends.contact_id
            and distinct_unsubscribes.unsubscribed_at >= sends.sent_at
),

last_sends as (
    select *
    from earlier_sends_ranked
    where send_rank = 1
),

final as (
    select
        distinct_unsubscribes.unsubscribe_key,
        distinct_unsubscribes.account_id,
        distinct_unsubscribes.contact_id,
        distinct_unsubscribes.matched_by,
        distinct_unsubscribes.phone_number_hash,
        distinct_unsubscribes.unsubscribed_at,
        distinct_unsubscribes.keyword,
        last_sends.campaign_id,
        last_sends.message_id as credited_message_id,
        last_sends.sent_at as credited_sent_at,
        last_sends.campaign_id is not null as is_credited,
        distinct_unsubscribes._source_file,
        distinct_unsubscribes._row_number
    from distinct_unsubscribes
    left join last_sends
        on distinct_unsubscribes.unsubscribe_key = last_sends.unsubscribe_key
)

select * from final
