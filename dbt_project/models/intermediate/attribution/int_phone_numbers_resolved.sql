{#- One row per phone number (by hash) of an account's contacts: the contact
    that an order or unsubscribe given only by that number belongs to. When
    several contacts of the account share the number, the smallest contact_id
    wins (deterministic; contacts_with_number says how many shared it). -#}

with

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

final as (
    select
        account_id,
        phone_number_hash,
        min(contact_id) as contact_id,
        count(*) as contacts_with_number
    from contacts
    group by account_id, phone_number_hash
)

select * from final
