with

load_log as (
    select * from {{ source('raw', 'load_log') }}
),

messages as (
    select * from {{ source('raw', 'messages') }}
),

current_loads as (
    select load_id
    from load_log
    where status = 'loaded' and is_current
),

current_rows as (
    select *
    from messages
    where _load_id in (select current_loads.load_id from current_loads)
),

repeats_ranked as (
    select
        *,
        row_number() over (
            partition by message_id
            order by {{ first_loaded_first() }}
        ) as repeat_rank
    from current_rows
),

final as (
    select
        message_id,
        campaign_id,
        contact_id,
        sent_at,
        body,
        segments,
        lower(provider) as provider,
        provider_message_id,
        _load_id,
        _source_file,
        _row_number
    from repeats_ranked
    where repeat_rank = 1
)

select * from final
