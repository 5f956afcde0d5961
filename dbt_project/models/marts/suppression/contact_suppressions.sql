{#- One row per contact with at least one hard-bounced message: the suppression
    model (docs/RULES.md, Suppression). The threshold rule (suppression_mode, hard_bounce_threshold)
    is applied in int_contacts_hard_bounces_evaluated; here the contact gets its
    account and the account's hard_bounce_suppression setting decides.

    The account is the contact's own; for a contact not loaded yet, the account
    of the campaign of its last message. An account not loaded yet counts as
    suppression on (the default, docs/RULES.md, Accounts). -#}

with

evaluated as (
    select * from {{ ref('int_contacts_hard_bounces_evaluated') }}
),

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

contact_accounts as (
    select
        evaluated.contact_id,
        coalesce(contacts.account_id, campaigns.account_id) as account_id,
        evaluated.hard_bounce_count,
        evaluated.consecutive_hard_bounces,
        evaluated.threshold_reached_at
    from evaluated
    left join contacts
        on evaluated.contact_id = contacts.contact_id
    left join campaigns
        on evaluated.last_campaign_id = campaigns.campaign_id
),

decided as (
    select
        contact_accounts.*,
        (
            contact_accounts.threshold_reached_at is not null
            and coalesce(accounts.hard_bounce_suppression, {{ account_default('hard_bounce_suppression') }})
        ) as is_suppressed
    from contact_accounts
    left join accounts
        on contact_accounts.account_id = accounts.account_id
),

final as (
    select
        contact_id,
        account_id,
        hard_bounce_count,
        consecutive_hard_bounces,
        threshold_reached_at,
        is_suppressed,
        case when is_suppressed then threshold_reached_at end as suppressed_at
    from decided
)

select * from final
