{#- Completed orders (latest version) whose currency (missing = the
    account's) differs from their account's currency: left out of revenue and
    attribution (docs/RULES.md, Campaign overview / Revenue attribution). Fix the order or the account's currency. -#}

with

orders as (
    select * from {{ ref('int_orders_matched') }}
),

final as (
    select
        order_id,
        account_id,
        contact_id,
        ordered_at,
        revenue,
        currency,
        account_currency,
        _source_file as source_file,
        _row_number as source_row_number
    from orders
    where status = 'completed' and is_currency_mismatch
)

select * from final
