{#- One row per order (latest version, every status) matched to its contact
    and account, with what attribution needs: the order's currency against the
    account's, and the attribution window [attribution_window_starts_at,
    ordered_at]. An order names its contact by contact_id, or by phone number:
    the contact of that number in the order's account (the smallest contact_id
    when several share it). An account not loaded yet has the defaults of
    docs/RULES.md, Accounts (GBP, the variable attribution_window_hours). -#}

with

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
),

phone_numbers as (
    select * from {{ ref('int_phone_numbers_resolved') }}
),

matched as (
    select
        orders.order_id,
        orders.account_id,
        coalesce(orders.contact_id, phone_numbers.contact_id) as contact_id,
        case
            when orders.contact_id is not null then 'contact_id'
            when phone_numbers.contact_id is not null then 'phone_number'
        end as matched_by,
        orders.ordered_at,
        orders.revenue,
        orders.status,
        coalesce(orders.currency, accounts.currency, {{ account_default('currency') }}) as currency,
        coalesce(accounts.currency, {{ account_default('currency') }}) as account_currency,
        {{ attribution_window_hours('accounts.attribution_window_hours') }} as attribution_window_hours,
        orders.updated_at,
        orders._source_file,
        orders._row_number
    from orders
    left join accounts
        on orders.account_id = accounts.account_id
    left join phone_numbers
        on
            orders.contact_id is null
            and orders.account_id = phone_numbers.account_id
            and orders.phone_number_hash = phone_numbers.phone_number_hash
),

final as (
    select
        order_id,
        account_id,
        contact_id,
        matched_by,
        ordered_at,
        revenue,
        status,
        currency,
        account_currency,
        currency <> account_currency as is_currency_mismatch,
        attribution_window_hours,
        {{ attribution_window_start('ordered_at', 'attribution_window_hours') }} as attribution_window_starts_at,
        status = 'completed'
        and currency = account_currency
        and contact_id is not null as is_attributable,
        updated_at,
        _source_file,
        _row_number
    from matched
)

select * from final
