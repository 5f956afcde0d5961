with

accounts as (
    select * from {{ source('raw', 'accounts') }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_rows as (
    select *
    from accounts
    where _load_id in (select current_loads.load_id from current_loads)
),

versions_ranked as (
    select
        *,
        row_number() over (
            partition by account_id
            order by {{ latest_version_first() }}
        ) as version_rank
    from current_rows
),

final as (
    select
        account_id,
        name as account_name,
        coalesce(currency, {{ account_default('currency') }}) as currency,
        coalesce(default_region, {{ account_default('default_region') }}) as default_region,
        coalesce(hard_bounce_suppression, {{ account_default('hard_bounce_suppression') }}) as hard_bounce_suppression,
        attribution_window_hours,
        updated_at,
        _load_id,
        _source_file,
        _row_number
    from versions_ranked
    where version_rank = 1
)

select * from final
