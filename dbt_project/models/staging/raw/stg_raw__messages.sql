{#- One row per message_id of the current file versions: a message_id that
    repeats keeps its first loaded row (docs/RULES.md, Versions and repeats).
    A table on every engine: several intermediate models and the data tests
    read it, and a nightly run reads only its touched rows, which a view would
    re-deduplicate in full for every reader (DECISIONS.md). -#}

{{ config(materialized='table') }}

with

messages as (
    select * from {{ ref('base_raw__messages') }}
),

current_loads as (
    {{ current_load_ids() }}
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
