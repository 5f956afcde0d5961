{#- Every row of raw.load_log, all file versions, as loaded (no filter, no
    dedupe): the door through which the incremental bookkeeping and the dedupe
    macros read it, so that only staging reads raw (docs/RULES.md, Incremental
    builds). A plain projection: DuckDB pushes filters on it down to the table.
    Extra columns (_extra) are left out: nothing downstream reads them. -#}

with

source as (
    select * from {{ source('raw', 'load_log') }}
),

final as (
    select
        load_id,
        entity,
        path,
        status,
        error,
        is_current,
        superseded_by_load_id,
        rows_loaded,
        rows_rejected,
        loaded_at
    from source
)

select * from final
