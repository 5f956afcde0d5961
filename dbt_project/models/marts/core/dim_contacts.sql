with

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

final as (
    select
        contact_id,
        account_id,
        phone_number_masked,
        country_code,
        coalesce(carrier, 'unknown') as carrier,
        created_at,
        updated_at
    from contacts
)

select * from final
