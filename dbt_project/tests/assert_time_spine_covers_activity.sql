{#- The semantic layer's time spine covers every day with activity: a send,
    an order or a campaign's last send outside it would drop out of queries
    by metric_time. Warns: widen the range in metricflow_time_spine. -#}
{{ config(severity='warn') }}

with

spine as (
    select
        min(date_day) as first_day,
        max(date_day) as last_day
    from {{ ref('metricflow_time_spine') }}
),

activity as (
    select cast(sent_at as date) as activity_day from {{ ref('fct_messages') }}
    union all
    select cast(ordered_at as date) as activity_day from {{ ref('fct_order_attribution') }}
),

final as (
    select activity.activity_day
    from activity
    cross join spine
    where
        activity.activity_day < spine.first_day
        or activity.activity_day > spine.last_day
)

select * from final
