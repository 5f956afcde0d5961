{#- One row per (attributable order, campaign) with at least one click by the
    order's contact on the campaign's messages in the attribution window
    [ordered_at - W, ordered_at], both ends inclusive (docs/RULES.md, Revenue attribution).

    Set-based: one range join of the orders to their contact's clicks, bounded
    by the window (an equality on contact_id plus a time range, which DuckDB
    runs as a hash join with a range filter), then one aggregate per order and
    campaign. Clicks on messages not known yet join once the message arrives. -#}

with

orders as (
    select * from {{ ref('int_orders_matched') }}
),

clicks as (
    select * from {{ ref('int_clicks_matched') }}
),

attributable_orders as (
    select
        order_id,
        contact_id,
        ordered_at,
        attribution_window_starts_at
    from orders
    where is_attributable
),

contact_clicks as (
    select
        contact_id,
        campaign_id,
        clicked_at
    from clicks
    where is_message_known
),

clicks_in_window as (
    select
        attributable_orders.order_id,
        contact_clicks.campaign_id,
        contact_clicks.clicked_at
    from attributable_orders
    inner join contact_clicks
        on
            attributable_orders.contact_id = contact_clicks.contact_id
            and contact_clicks.clicked_at between
            attributable_orders.attribution_window_starts_at and attributable_orders.ordered_at
),

final as (
    select
        order_id,
        campaign_id,
        min(clicked_at) as first_click_at,
        max(clicked_at) as last_click_at,
        count(*) as clicks_in_window
    from clicks_in_window
    group by order_id, campaign_id
)

select * from final
