{#- One row per contact with at least one hard-bounced message: its hard-bounce
    counts and when it reached the suppression threshold (docs/RULES.md, Suppression), under the
    variables suppression_mode and hard_bounce_threshold.

    Set-based: the contact's messages in send order (sent_at, then message_id)
    are cut into streak groups by a running count of deliveries (a delivered
    message opens a new group); the streak after a message is the running
    count of hard bounces within its group. Other statuses neither count nor
    reset. -#}

{%- set threshold = hard_bounce_threshold() %}
{%- if suppression_mode() == 'total' %}
    {#- total: the threshold-th hard bounce by status_at (ties: message_id). #}
    {%- set candidate_filter = 'true' %}
    {%- set candidate_order = 'status_at nulls last, message_id' %}
    {%- set candidate_rank = threshold %}
{%- else %}
    {#- consecutive: the first message in send order whose hard bounce makes
        the streak reach the threshold (at most one per streak group). #}
    {%- set candidate_filter = 'hard_bounce_streak = ' ~ threshold %}
    {%- set candidate_order = 'send_rank' %}
    {%- set candidate_rank = 1 %}
{%- endif %}

with

messages as (
    select * from {{ ref('int_messages_classified') }}
),

bounced_contacts as (
    select distinct contact_id
    from messages
    where delivery_status = 'hard_bounce'
),

contact_messages as (
    select
        messages.message_id,
        messages.campaign_id,
        messages.contact_id,
        messages.sent_at,
        messages.delivery_status,
        messages.status_at
    from messages
    inner join bounced_contacts
        on messages.contact_id = bounced_contacts.contact_id
),

streak_groups as (
    select
        *,
        {{ running_count("delivery_status = 'delivered'", 'contact_id', 'sent_at, message_id') }}
            as streak_group,
        row_number() over (
            partition by contact_id
            order by sent_at, message_id
        ) as send_rank,
        count(*) over (partition by contact_id) as contact_messages
    from contact_messages
),

streaks as (
    select
        *,
        {{ running_count("delivery_status = 'hard_bounce'", 'contact_id, streak_group', 'sent_at, message_id') }}
            as hard_bounce_streak
    from streak_groups
),

threshold_candidates as (
    select
        contact_id,
        message_id,
        status_at,
        row_number() over (
            partition by contact_id
            order by {{ candidate_order }}
        ) as candidate_rank
    from streaks
    where
        delivery_status = 'hard_bounce'
        and {{ candidate_filter }}
),

threshold_messages as (
    select
        contact_id,
        message_id,
        status_at
    from threshold_candidates
    where candidate_rank = {{ candidate_rank }}
),

contact_summaries as (
    select
        contact_id,
        count(*) as messages,
        sum(case when delivery_status = 'hard_bounce' then 1 else 0 end) as hard_bounce_count,
        max(case when send_rank = contact_messages then hard_bounce_streak end) as consecutive_hard_bounces,
        max(sent_at) as last_sent_at,
        max(case when send_rank = contact_messages then campaign_id end) as last_campaign_id
    from streaks
    group by contact_id
),

final as (
    select
        contact_summaries.contact_id,
        cast(contact_summaries.messages as {{ dbt.type_bigint() }}) as messages,
        cast(contact_summaries.hard_bounce_count as {{ dbt.type_bigint() }}) as hard_bounce_count,
        cast(contact_summaries.consecutive_hard_bounces as {{ dbt.type_bigint() }}) as consecutive_hard_bounces,
        contact_summaries.last_sent_at,
        contact_summaries.last_campaign_id,
        threshold_messages.message_id as threshold_message_id,
        threshold_messages.status_at as threshold_reached_at
    from contact_summaries
    left join threshold_messages
        on contact_summaries.contact_id = threshold_messages.contact_id
)

select * from final
