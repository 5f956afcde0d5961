with

campaigns as (
    select * from {{ source('raw', 'campaigns') }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_rows as (
    select *
    from campaigns
    where _load_id in (select current_loads.load_id from current_loads)
),

versions_ranked as (
    select
        *,
        row_number() over (
            partition by campaign_id
            order by {{ latest_version_first() }}
        ) as version_rank
    from current_rows
),

final as (
    select
        campaign_id,
        account_id,
        name as campaign_name,
        upper(message_type) as message_type,
        body,
        media_url,
        created_at,
        updated_at,
        _load_id,
        _source_file,
        _row_number
    from versions_ranked
    where version_rank = 1
)

select * from final
