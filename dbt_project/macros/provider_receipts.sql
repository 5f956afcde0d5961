{#- Provider-native inputs (docs/PROVIDERS.md): how a row of each raw
    provider entity becomes a delivery receipt of the generic model. One
    place for the id expressions, so the staging views and the nightly
    touched-key models (int_messages_touched,
    int_receipt_provider_message_ids_touched) always agree. -#}

{#- Per entity: provider, the column naming our message_id (a client
    reference the provider echoes), the provider's message id, status, error
    code, event time (the provider's own status time first, else when the
    collector received it), the reported price and its currency, and which
    rows are receipts of messages we sent. -#}
{% macro provider_receipt_entities() -%}
    {%- do return({
        'twilio_messages': {
            'provider': 'twilio',
            'message_id': 'cast(null as ' ~ dbt.type_string() ~ ')',
            'provider_message_id': 'sid',
            'status': 'status',
            'error_code': 'error_code',
            'event_at': 'coalesce(date_updated, date_sent, received_at)',
            'price': 'abs(price)',
            'price_currency': "case when price is not null then coalesce(price_unit, 'USD') end",
            'where': "coalesce(direction, 'outbound') not like 'inbound%'",
        },
        'twilio_status_callbacks': {
            'provider': 'twilio',
            'message_id': 'cast(null as ' ~ dbt.type_string() ~ ')',
            'provider_message_id': 'message_sid',
            'status': 'message_status',
            'error_code': 'error_code',
            'event_at': 'coalesce(raw_dlr_done_date, received_at)',
            'price': 'cast(null as decimal(18, 6))',
            'price_currency': 'cast(null as ' ~ dbt.type_string() ~ ')',
            'where': none,
        },
        'vonage_dlr': {
            'provider': 'vonage',
            'message_id': 'client_ref',
            'provider_message_id': 'message_id',
            'status': 'status',
            'error_code': 'err_code',
            'event_at': 'coalesce(scts, message_timestamp, received_at)',
            'price': 'abs(price)',
            'price_currency': "case when price is not null then '" ~ var('vonage_price_currency', 'EUR') | upper ~ "' end",
            'where': none,
        },
        'sinch_delivery_reports': {
            'provider': 'sinch',
            'message_id': 'client_reference',
            'provider_message_id': 'batch_id',
            'status': 'status',
            'error_code': 'code',
            'event_at': 'coalesce(operator_status_at, created_at, received_at)',
            'price': 'cast(null as decimal(18, 6))',
            'price_currency': 'cast(null as ' ~ dbt.type_string() ~ ')',
            'where': none,
        },
    }) -%}
{%- endmacro %}

{#- The body of stg_raw__<entity>: its rows of the current file versions as
    receipts. -#}
{% macro stg_provider_receipts_sql(entity) -%}
{%- set spec = provider_receipt_entities()[entity] -%}
with

source_rows as (
    select * from {{ source('raw', entity) }}
),

current_loads as (
    {{ current_load_ids() }}
),

current_rows as (
    select *
    from source_rows
    where
        _load_id in (select current_loads.load_id from current_loads)
        {%- if spec.where %}
        and {{ spec.where }}
        {%- endif %}
),

final as (
    select
        {{ raw_row_key("'" ~ entity ~ "'") }} as receipt_key,
        {{ spec.message_id }} as message_id,
        '{{ spec.provider }}' as provider,
        {{ spec.provider_message_id }} as provider_message_id,
        {{ spec.status }} as status,
        {{ spec.error_code }} as error_code,
        {{ spec.event_at }} as event_at,
        received_at,
        cast({{ spec.price }} as decimal(18, 6)) as price,
        {{ spec.price_currency }} as price_currency,
        '{{ entity }}' as source_entity,
        _load_id,
        _source_file,
        _row_number
    from current_rows
)

select * from final
{%- endmacro %}

{#- (message_id, provider, provider_message_id, _load_id) of every raw row of
    the provider entities, in any file version, for the touched-key models. -#}
{% macro raw_provider_receipt_ids() -%}
    {%- for entity, spec in provider_receipt_entities().items() %}
    select
        {{ spec.message_id }} as message_id,
        '{{ spec.provider }}' as provider,
        {{ spec.provider_message_id }} as provider_message_id,
        _load_id
    from {{ source('raw', entity) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
