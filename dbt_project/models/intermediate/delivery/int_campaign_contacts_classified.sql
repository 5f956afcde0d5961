{#- One row per campaign and contact with at least one message in it: the
    contact's delivery status in the campaign (docs/RULES.md, Delivery status): over the messages
    that are not not_sent, the best of delivered > pending > soft_bounce >
    hard_bounce > deleted; not_sent when all messages are not_sent.

    The contact's status time and error code are those of its deciding
    message: among its messages in the campaign with the contact's status, the
    one with the latest status_at (a message without status_at only when none
    has one), then the greater error_code (nulls last), then the greater
    message_id. One message gives both, so they never come from two messages. -#}

-- depends_on: {{ ref('int_campaign_contacts_touched') }}

{{ config(
    materialized=touched_scope_materialization(),
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

deciding_messages_ranked as (
    select
        campaign_id,
        contact_id,
        message_id,
        status_at,
        error_code,
        row_number() over (
            partition by campaign_id, contact_id
            order by
                coalesce({{ contact_status_precedence('delivery_status') }}, 99),
                status_at desc nulls last,
                error_code desc nulls last,
                message_id desc
        ) as deciding_rank
    from messages
),

deciding_messages as (
    select *
    from deciding_messages_ranked
    where deciding_rank = 1
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
        campaign_contacts.campaign_id,
        campaign_contacts.contact_id,
        {{ contact_status_from_precedence('campaign_contacts.best_status_precedence') }} as delivery_status,
        deciding_messages.message_id as status_message_id,
        deciding_messages.status_at,
        deciding_messages.error_code,
        campaign_contacts.messages,
        cast(campaign_contacts.messages_sent as {{ dbt.type_bigint() }}) as messages_sent,
        cast(campaign_contacts.messages_delivered as {{ dbt.type_bigint() }}) as messages_delivered,
        campaign_contacts.first_sent_at,
        campaign_contacts.last_sent_at
    from campaign_contacts
    inner join deciding_messages
        on
            campaign_contacts.campaign_id = deciding_messages.campaign_id
            and campaign_contacts.contact_id = deciding_messages.contact_id
)

select * from final
