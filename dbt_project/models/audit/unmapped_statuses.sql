{#- One row per (provider, status) that no row of the delivery_status_map seed
    maps: such receipts count as pending, not final. Add them to the seed. -#}

with

receipts as (
    select * from {{ ref('int_receipts_mapped') }}
),

unmapped as (
    select *
    from receipts
    where not is_mapped
),

final as (
    select
        provider,
        status,
        count(*) as receipts,
        count(distinct error_code) as error_codes,
        min(error_code) as min_error_code,
        max(error_code) as max_error_code,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at
    from unmapped
    group by provider, status
)

select * from final
