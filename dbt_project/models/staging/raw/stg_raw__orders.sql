with

orders as (
    select * from {{ source('raw', 'orders') }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_rows as (
    select *
    from orders
    where _load_id in (select current_loads.load_id from current_loads)
),

versions_ranked as (
    select
        *,
        row_number() over (
            partition by order_id
            order by {{ latest_version_first() }}
        ) as version_rank
    from current_rows
),

final as (
    select
        order_id,
        account_id,
        contact_id,
        {{ phone_number_hash('phone_number') }} as phone_number_hash,
        ordered_at,
        revenue,
        currency,
        coalesce(lower(status), 'completed') as status,
        updated_at,
        _load_id,
        _source_file,
        _row_number
    from versions_ranked
    where version_rank = 1
)

select * from final
