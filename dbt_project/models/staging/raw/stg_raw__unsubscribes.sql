with

unsubscribes as (
    select * from {{ source('raw', 'unsubscribes') }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_rows as (
    select
        account_id,
        contact_id,
        {{ phone_number_hash('phone_number') }} as phone_number_hash,
        unsubscribed_at,
        keyword,
        _load_id,
        _source_file,
        _row_number
    from unsubscribes
    where _load_id in (select current_loads.load_id from current_loads)
),

{# Exact repeats (same account, contact or number, and time) count once.
    Repeats naming the same person once by contact_id and once by number can
    only be found after resolving the number to a contact (intermediate). #}
repeats_ranked as (
    select
        *,
        row_number() over (
            partition by account_id, contact_id, phone_number_hash, unsubscribed_at
            order by {{ first_loaded_first() }}
        ) as repeat_rank
    from current_rows
),

final as (
    select
        {{ raw_row_key("'unsubscribes'") }} as unsubscribe_key,
        account_id,
        contact_id,
        phone_number_hash,
        unsubscribed_at,
        keyword,
        _load_id,
        _source_file,
        _row_number
    from repeats_ranked
    where repeat_rank = 1
)

select * from final
