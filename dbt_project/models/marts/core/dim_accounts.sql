{#- One row per account the warehouse knows: loaded from the accounts files,
    or only named by a campaign, a contact or an order so far. Every setting
    is the one in effect (docs/RULES.md, "Input"): the account's own value,
    else its default; an account not loaded yet has every default. -#}

with

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

order_attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

account_ids as (
    select account_id from accounts
    union
    select account_id from campaigns
    union
    select account_id from contacts
    union
    select account_id from orders
),

attributing_accounts as (
    select distinct account_id
    from order_attribution
),

final as (
    select
        account_ids.account_id,
        accounts.account_name,
        coalesce(accounts.currency, {{ account_default('currency') }}) as currency,
        coalesce(accounts.default_region, {{ account_default('default_region') }}) as default_region,
        coalesce(
            accounts.hard_bounce_suppression, {{ account_default('hard_bounce_suppression') }}
        ) as hard_bounce_suppression,
        cast(
            {{ attribution_window_hours('accounts.attribution_window_hours') }} as {{ dbt.type_int() }}
        ) as attribution_window_hours,
        attributing_accounts.account_id is not null as has_attribution,
        accounts.account_id is not null as is_loaded
    from account_ids
    left join accounts
        on account_ids.account_id = accounts.account_id
    left join attributing_accounts
        on account_ids.account_id = attributing_accounts.account_id
    where account_ids.account_id is not null
)

select * from final
