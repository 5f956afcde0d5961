{#- Every row of raw.smpp_receipts, all file versions, as loaded (no filter, no
    dedupe): the door through which the incremental bookkeeping and the dedupe
    macros read it, so that only staging reads raw (docs/RULES.md, Incremental
    builds). A plain projection: DuckDB pushes filters on it down to the table.
    Extra columns (_extra) are left out: nothing downstream reads them. -#}

with

source as (
    select * from {{ source('raw', 'smpp_receipts') }}
),

final as (
    select
        provider_message_id,
        status,
        error_code,
        submitted_at,
        event_at,
        _load_id,
        _source_file,
        _row_number
    from source
)

select * from final
