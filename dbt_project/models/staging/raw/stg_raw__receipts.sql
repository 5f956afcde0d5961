{#- One row per receipt row of the current file versions: raw.receipts, the
    parsed SMPP receipts (provider smpp) and the provider-native entities
    (stg_raw__twilio_messages, ..., macros/provider_receipts.sql) together. Exact repeats are
    dropped in int_receipts_mapped, once the message is resolved: a repeat may
    name the message by message_id in one file and by provider +
    provider_message_id in another, which only a join can tell. -#}

with

receipts as (
    select * from {{ source('raw', 'receipts') }}
),

smpp_receipts as (
    select * from {{ source('raw', 'smpp_receipts') }}
),

twilio_messages as (
    select * from {{ ref('stg_raw__twilio_messages') }}
),

twilio_status_callbacks as (
    select * from {{ ref('stg_raw__twilio_status_callbacks') }}
),

vonage_dlr as (
    select * from {{ ref('stg_raw__vonage_dlr') }}
),

sinch_delivery_reports as (
    select * from {{ ref('stg_raw__sinch_delivery_reports') }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_receipts as (
    select
        'receipts' as source_entity,
        message_id,
        lower(provider) as provider,
        provider_message_id,
        status,
        error_code,
        event_at,
        received_at,
        cast(null as decimal(18, 6)) as price,
        cast(null as {{ dbt.type_string() }}) as price_currency,
        _load_id,
        _source_file,
        _row_number
    from receipts
    where _load_id in (select current_loads.load_id from current_loads)
),

current_smpp_receipts as (
    select
        'smpp_receipts' as source_entity,
        cast(null as {{ dbt.type_string() }}) as message_id,
        'smpp' as provider,
        provider_message_id,
        status,
        error_code,
        event_at,
        cast(null as {{ dbt.type_timestamp() }}) as received_at,
        cast(null as decimal(18, 6)) as price,
        cast(null as {{ dbt.type_string() }}) as price_currency,
        _load_id,
        _source_file,
        _row_number
    from smpp_receipts
    where _load_id in (select current_loads.load_id from current_loads)
),

unioned as (
    select * from current_receipts
    union all
    select * from current_smpp_receipts
),

generic_receipts as (
    select
        {{ raw_row_key('source_entity') }} as receipt_key,
        message_id,
        provider,
        provider_message_id,
        status,
        error_code,
        event_at,
        received_at,
        price,
        price_currency,
        source_entity,
        _load_id,
        _source_file,
        _row_number
    from unioned
),

all_receipts as (
    {#- The provider-native views have the same columns, in the same order. #}
    select * from generic_receipts
    union all
    select * from twilio_messages
    union all
    select * from twilio_status_callbacks
    union all
    select * from vonage_dlr
    union all
    select * from sinch_delivery_reports
),

final as (
    select
        receipt_key,
        message_id,
        provider,
        provider_message_id,
        status,
        error_code,
        event_at,
        received_at,
        price,
        price_currency,
        source_entity,
        _load_id,
        _source_file,
        _row_number
    from all_receipts
)

select * from final
