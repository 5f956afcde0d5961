{#- One row per counted click (a click on a known message), with the campaign,
    contact and account of the clicked message and the message's sent_at: the
    clicks of the overview's total_clicks, with their times, for charts such as
    clicks by hour after send. -#}

with

clicks as (
    select * from {{ ref('int_clicks_matched') }}
),

messages as (
    select * from {{ ref('fct_messages') }}
),

final as (
    select
        clicks.click_key,
        clicks.click_id,
        clicks.message_id,
        messages.campaign_id,
        messages.contact_id,
        messages.account_id,
        clicks.url,
        clicks.clicked_at,
        messages.sent_at
    from clicks
    inner join messages
        on clicks.message_id = messages.message_id
    where clicks.is_message_known
)

select * from final
