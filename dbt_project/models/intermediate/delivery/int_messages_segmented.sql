{#- One row per message: its number of segments (docs/RULES.md, Segments). The given segments
    win; else an MMS is 1; else the SMS text is the message body or, when that
    is null or empty, the campaign body. A message whose campaign is not known
    yet is counted as an SMS. -#}

-- depends_on: {{ ref('int_messages_touched') }}

{{ config(
    materialized=touched_scope_materialization(),
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
    pre_hook="{{ delete_touched_rows(in_touched_messages()) }}"
) }}

with

messages as (
    select * from {{ ref('stg_raw__messages') }}
    {%- if is_incremental() %}
        where {{ in_touched_messages() }}
    {%- endif %}
),

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

{# Segment the campaign body once per campaign, not once per message. #}
campaign_bodies as (
    select
        campaign_id,
        message_type,
        body,
        {{ sms_encoding('body') }} as encoding,
        {{ sms_segments('body') }} as segments
    from campaigns
),

messages_with_campaigns as (
    select
        messages.message_id,
        messages.segments as given_segments,
        nullif(messages.body, '') as message_body,
        campaign_bodies.message_type,
        nullif(campaign_bodies.body, '') as campaign_body,
        campaign_bodies.encoding as campaign_encoding,
        campaign_bodies.segments as campaign_segments
    from messages
    left join campaign_bodies
        on messages.campaign_id = campaign_bodies.campaign_id
),

sources_chosen as (
    select
        *,
        case
            when given_segments is not null then 'given'
            when message_type = 'MMS' then 'mms'
            when message_body is not null then 'message_body'
            when campaign_body is not null then 'campaign_body'
            else 'no_body'
        end as segments_source
    from messages_with_campaigns
),

final as (
    select
        message_id,
        message_type,
        segments_source,
        case segments_source
            when 'message_body' then {{ sms_encoding('message_body') }}
            when 'campaign_body' then campaign_encoding
        end as encoding,
        cast(
            case segments_source
                when 'given' then given_segments
                when 'mms' then 1
                when 'message_body' then {{ sms_segments('message_body') }}
                when 'campaign_body' then campaign_segments
                else 1
            end
            as {{ dbt.type_int() }}
        ) as segments
    from sources_chosen
)

select * from final
