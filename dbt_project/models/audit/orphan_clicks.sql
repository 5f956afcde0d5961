{#- Clicks whose message is still unknown. They are kept and count as soon as
    the message arrives (late-arriving data, docs/RULES.md, Loading guarantees). -#}

with

clicks as (
    select * from {{ ref('int_clicks_matched') }}
),

final as (
    select
        click_key,
        click_id,
        message_id,
        url,
        clicked_at
    from clicks
    where not is_message_known
)

select * from final
