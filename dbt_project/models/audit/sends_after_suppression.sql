{#- Messages sent to a suppressed contact after its suppressed_at (docs/RULES.md, Suppression):
    the sending platform did not apply the suppression list. "Sent" as in the
    campaign overview: not_sent messages never left and are not listed. -#}

with

messages as (
    select * from {{ ref('fct_messages') }}
),

suppressions as (
    select * from {{ ref('contact_suppressions') }}
),

final as (
    select
        messages.message_id,
        messages.campaign_id,
        messages.contact_id,
        suppressions.account_id,
        messages.sent_at,
        suppressions.suppressed_at,
        messages.delivery_status
    from messages
    inner join suppressions
        on messages.contact_id = suppressions.contact_id
    where
        suppressions.is_suppressed
        and messages.sent_at > suppressions.suppressed_at
        and messages.delivery_status != 'not_sent'
)

select * from final
