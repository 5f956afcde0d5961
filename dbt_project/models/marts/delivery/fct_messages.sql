-- depends_on: {{ ref('int_messages_touched') }}

{{ config(
    materialized=touched_scope_materialization(),
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
    pre_hook="{{ delete_touched_rows(in_touched_messages()) }}"
) }}

with

statuses as (
    select * from {{ ref('int_messages_classified') }}
    {%- if is_incremental() %}
        where {{ in_touched_messages() }}
    {%- endif %}
),

segments as (
    select * from {{ ref('int_messages_segmented') }}
    {%- if is_incremental() %}
        where {{ in_touched_messages() }}
    {%- endif %}
),

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

clicks as (
    select * from {{ ref('int_clicks_matched') }}
    {%- if is_incremental() %}
        where {{ in_touched_messages() }}
    {%- endif %}
),

clicks_per_message as (
    select
        message_id,
        count(*) as clicks
    from clicks
    where is_message_known
    group by message_id
),

final as (
    select
        statuses.message_id,
        statuses.campaign_id,
        campaigns.account_id,
        statuses.contact_id,
        campaigns.message_type,
        statuses.sent_at,
        statuses.delivery_status,
        statuses.status_at,
        statuses.error_code,
        coalesce(statuses.provider, 'unknown') as provider,
        contacts.country_code,
        coalesce(contacts.carrier, 'unknown') as carrier,
        segments.segments,
        cast(coalesce(clicks_per_message.clicks, 0) as {{ dbt.type_bigint() }}) as clicks
    from statuses
    inner join segments
        on statuses.message_id = segments.message_id
    left join campaigns
        on statuses.campaign_id = campaigns.campaign_id
    left join contacts
        on statuses.contact_id = contacts.contact_id
    left join clicks_per_message
        on statuses.message_id = clicks_per_message.message_id
)

select * from final
