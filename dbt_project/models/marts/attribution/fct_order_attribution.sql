{#- One row per (order, attributed campaign): click-based revenue attribution
    (docs/RULES.md, Revenue attribution). Every campaign the contact clicked in the order's window gets
    the order: the direct one (attribution_model last_click: latest click;
    first_click: earliest click; a tie in click time to the greater
    campaign_id) its full revenue as direct, every other one its full revenue
    as assisted; linear_revenue splits the revenue equally, rounded half-up to
    the cent. -#}

with

orders as (
    select * from {{ ref('int_orders_matched') }}
),

touches as (
    select * from {{ ref('int_order_touches_windowed') }}
),

touches_ranked as (
    select
        order_id,
        campaign_id,
        last_click_at,
        row_number() over (
            partition by order_id
            order by {{ direct_touch_order_by(attribution_model()) }}
        ) as direct_rank,
        count(*) over (partition by order_id) as campaigns_touched
    from touches
),

final as (
    select
        orders.order_id,
        orders.account_id,
        orders.contact_id,
        touches_ranked.campaign_id,
        orders.ordered_at,
        cast(orders.revenue as {{ type_money() }}) as revenue,
        touches_ranked.direct_rank = 1 as is_direct,
        cast(
            case when touches_ranked.direct_rank = 1 then orders.revenue else 0 end
            as {{ type_money() }}
        ) as direct_revenue,
        cast(
            case when touches_ranked.direct_rank = 1 then 0 else orders.revenue end
            as {{ type_money() }}
        ) as assisted_revenue,
        {{ divide_money_half_up('orders.revenue', 'touches_ranked.campaigns_touched') }} as linear_revenue,
        touches_ranked.last_click_at
    from touches_ranked
    inner join orders
        on touches_ranked.order_id = orders.order_id
)

select * from final
