{#- One row per campaign and contact with at least one message in it: the
    contact's delivery status in the campaign (SPEC §5): over the messages
    that are not not_sent, the best of delivered > pending > soft_bounce >
    hard_bounce > deleted; not_sent when all messages are not_sent. -#}

-- depends_on: {{ ref('int_campaign_contacts_touched') }}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['campaign_id', 'contact_id'],
    on_schema_change='fail',
    pre_hook="{{ delete_touched_rows(in_touched_campaign_contacts()) }}"
) }}

with

messages as (
    select * from {{ ref('int_messages_classified') }}
    {%- if is_incremental() %}
        where {{ in_touched_campaign_contacts() }}
    {%- endif %}
),

campaign_contacts as (
    select
        campaign_id,
        contact_id,
        count(*) as messages,
        sum(case when delivery_status <> 'not_sent' then 1 else 0 end) as messages_sent,
        sum(case when delivery_status = 'delivered' then 1 else 0 end) as messages_delivered,
        min({{ contact_status_precedence('delivery_status') }}) as best_status_precedence,
        min(sent_at) as first_sent_at,
        max(sent_at) as last_sent_at
    from messages
    group by campaign_id, contact_id
),

final as (
    select
        campaign_id,
        contact_id,
        {{ contact_status_from_precedence('best_status_precedence') }} as delivery_status,
        messages,
        cast(messages_sent as {{ dbt.type_bigint() }}) as messages_sent,
        cast(messages_delivered as {{ dbt.type_bigint() }}) as messages_delivered,
        first_sent_at,
        last_sent_at
    from campaign_contacts
)

select * from final
