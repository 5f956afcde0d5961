with

contacts as (
    select * from {{ source('raw', 'contacts') }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_rows as (
    select *
    from contacts
    where _load_id in (select current_loads.load_id from current_loads)
),

versions_ranked as (
    select
        *,
        row_number() over (
            partition by contact_id
            order by {{ latest_version_first() }}
        ) as version_rank
    from current_rows
),

final as (
    select
        contact_id,
        account_id,
        {{ phone_number_hash('phone_number') }} as phone_number_hash,
        {{ mask_phone_number('phone_number') }} as phone_number_masked,
        country_code,
        carrier,
        created_at,
        updated_at,
        _load_id,
        _source_file,
        _row_number
    from versions_ranked
    where version_rank = 1
)

select * from final
