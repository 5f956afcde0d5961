{#- One row per click_id whose click the nightly run re-derives: every
    click_id with a raw row on a touched message (with all its raw rows, on
    whatever message, for the first-by-path rule). -#}

with

clicks as (
    select * from {{ ref('base_raw__clicks') }}
),

touched_messages as (
    select * from {{ ref('int_messages_touched') }}
),

final as (
    select distinct clicks.click_id
    from clicks
    where
        clicks.click_id is not null
        and clicks.message_id in (select touched_messages.message_id from touched_messages)
)

select * from final
