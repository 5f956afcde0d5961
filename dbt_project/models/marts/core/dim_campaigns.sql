with

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

{# An account not loaded yet gets the defaults of docs/RULES.md, Accounts (currency GBP). #}
final as (
    select
        campaigns.campaign_id,
        campaigns.account_id,
        accounts.account_name,
        campaigns.campaign_name,
        campaigns.message_type,
        campaigns.body,
        campaigns.media_url,
        campaigns.created_at,
        campaigns.updated_at,
        coalesce(accounts.currency, {{ account_default('currency') }}) as currency
    from campaigns
    left join accounts
        on campaigns.account_id = accounts.account_id
)

select * from final
