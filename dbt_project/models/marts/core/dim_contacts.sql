with

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

final as (
    select
        contact_id,
        account_id,
        phone_number_masked,
        created_at,
        updated_at
    from contacts
)

select * from final
