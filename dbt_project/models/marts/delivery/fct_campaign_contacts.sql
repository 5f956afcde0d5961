-- depends_on: {{ ref('int_campaign_contacts_touched') }}

{{ config(
    materialized=touched_scope_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['campaign_id', 'contact_id'],
    on_schema_change='fail',
    pre_hook="{{ delete_touched_rows(in_touched_campaign_contacts()) }}"
) }}

with

campaign_contacts as (
    select * from {{ ref('int_campaign_contacts_classified') }}
    {%- if is_incremental() %}
        where {{ in_touched_campaign_contacts() }}
    {%- endif %}
),

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

clicks as (
    select * from {{ ref('int_clicks_matched') }}
    {%- if is_incremental() %}
        where {{ in_touched_campaign_contacts() }}
    {%- endif %}
),

clicks_per_campaign_contact as (
    select
        campaign_id,
        contact_id,
        count(*) as clicks
    from clicks
    where is_message_known
    group by campaign_id, contact_id
),

final as (
    select
        campaign_contacts.campaign_id,
        campaign_contacts.contact_id,
        campaigns.account_id,
        campaign_contacts.delivery_status,
        campaign_contacts.status_at,
        campaign_contacts.error_code,
        cast(campaign_contacts.messages as {{ dbt.type_bigint() }}) as messages,
        cast(coalesce(clicks_per_campaign_contact.clicks, 0) as {{ dbt.type_bigint() }}) as clicks
    from campaign_contacts
    left join campaigns
        on campaign_contacts.campaign_id = campaigns.campaign_id
    left join clicks_per_campaign_contact
        on
            campaign_contacts.campaign_id = clicks_per_campaign_contact.campaign_id
            and campaign_contacts.contact_id = clicks_per_campaign_contact.contact_id
)

select * from final
