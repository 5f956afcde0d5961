{#- One row per distinct click of the current file versions (docs/RULES.md,
    Versions and repeats). A click_id that repeats counts once; a click
    without click_id counts once per (message, time, url); the first loaded
    row is kept. A table on every engine, like stg_raw__messages. -#}

{{ config(materialized='table') }}

with

clicks as (
    select * from {{ ref('base_raw__clicks') }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_rows as (
    select *
    from clicks
    where _load_id in (select current_loads.load_id from current_loads)
),

repeats_ranked as (
    select
        *,
        row_number() over (
            partition by
                click_id,
                case when click_id is null then message_id end,
                case when click_id is null then clicked_at end,
                case when click_id is null then url end
            order by {{ first_loaded_first() }}
        ) as repeat_rank
    from current_rows
),

final as (
    select
        coalesce(click_id, {{ raw_row_key("'row'") }}) as click_key,
        click_id,
        message_id,
        url,
        clicked_at,
        user_agent,
        _load_id,
        _source_file,
        _row_number
    from repeats_ranked
    where repeat_rank = 1
)

select * from final
