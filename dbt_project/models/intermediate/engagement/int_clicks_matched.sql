{#- One row per distinct click, with the campaign, contact and account of the
    clicked message. Clicks whose message is not known yet are kept (with null
    campaign, contact and account) and match once the message arrives. -#}

-- depends_on: {{ ref('int_messages_touched') }}
-- depends_on: {{ ref('int_click_ids_touched') }}

{{ config(
    materialized=touched_scope_materialization(),
    incremental_strategy='delete+insert',
    unique_key='click_key',
    on_schema_change='fail',
    pre_hook="{{ delete_touched_rows(in_touched_clicks()) }}"
) }}

with

clicks as (
    select * from {{ ref('stg_raw__clicks') }}
    {%- if is_incremental() %}
        where {{ in_touched_clicks() }}
    {%- endif %}
),

messages as (
    select * from {{ ref('stg_raw__messages') }}
    {%- if is_incremental() %}
        {#- The messages of the re-derived clicks. -#}
        where message_id in (select clicks.message_id from clicks)
    {%- endif %}
),

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

final as (
    select
        clicks.click_key,
        clicks.click_id,
        clicks.message_id,
        messages.campaign_id,
        messages.contact_id,
        campaigns.account_id,
        clicks.url,
        clicks.clicked_at,
        clicks.user_agent,
        messages.message_id is not null as is_message_known
    from clicks
    left join messages
        on clicks.message_id = messages.message_id
    left join campaigns
        on messages.campaign_id = campaigns.campaign_id
)

select * from final
