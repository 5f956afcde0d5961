{#- One row per account, provider, destination country, carrier and UTC send
    day whose delivery rate fell at least alert_drop_points percentage points
    below its trailing 7-day rate (the 7 days before it, messages-weighted:
    their delivered / their messages sent), with at least alert_min_messages
    messages sent that day. A day without any message in the 7 days before it
    has no trailing rate and raises no alert. The comparison is exact, in
    whole numbers: 100 * (trailing_delivered * messages_sent - delivered *
    trailing_messages_sent) >= alert_drop_points * messages_sent *
    trailing_messages_sent. -#}

{%- set drop_points = non_negative_number_var('alert_drop_points', 15) %}
{%- set min_messages = non_negative_number_var('alert_min_messages', 100) %}

with

daily as (
    select * from {{ ref('fct_deliverability_daily') }}
),

trailing_window as (
    select
        this_day.account_id,
        this_day.provider,
        this_day.country_code,
        this_day.carrier,
        this_day.sent_date,
        sum(prior_day.messages_sent) as trailing_messages_sent,
        sum(prior_day.delivered) as trailing_delivered
    from daily as this_day
    inner join daily as prior_day
        on
            this_day.account_id = prior_day.account_id
            and this_day.provider = prior_day.provider
            and this_day.country_code = prior_day.country_code
            and this_day.carrier = prior_day.carrier
            and this_day.sent_date > prior_day.sent_date
            and {{ dbt.dateadd("day", -7, "this_day.sent_date") }} <= prior_day.sent_date
    where this_day.messages_sent >= {{ min_messages }}
    group by
        this_day.account_id,
        this_day.provider,
        this_day.country_code,
        this_day.carrier,
        this_day.sent_date
),

final as (
    select
        daily.account_id,
        daily.provider,
        daily.country_code,
        daily.carrier,
        daily.sent_date,
        daily.messages_sent,
        daily.delivered,
        daily.delivery_rate,
        cast(trailing_window.trailing_messages_sent as {{ dbt.type_bigint() }}) as trailing_messages_sent,
        cast(trailing_window.trailing_delivered as {{ dbt.type_bigint() }}) as trailing_delivered,
        cast(trailing_window.trailing_delivered as {{ type_double() }})
        / trailing_window.trailing_messages_sent as trailing_delivery_rate,
        100 * (
            cast(trailing_window.trailing_delivered as {{ type_double() }}) / trailing_window.trailing_messages_sent
            - daily.delivery_rate
        ) as drop_points
    from daily
    inner join trailing_window
        on
            daily.account_id = trailing_window.account_id
            and daily.provider = trailing_window.provider
            and daily.country_code = trailing_window.country_code
            and daily.carrier = trailing_window.carrier
            and daily.sent_date = trailing_window.sent_date
    where
        trailing_window.trailing_messages_sent > 0
        and 100 * (
            trailing_window.trailing_delivered * daily.messages_sent
            - daily.delivered * trailing_window.trailing_messages_sent
        ) >= {{ drop_points }} * daily.messages_sent * trailing_window.trailing_messages_sent
)

select * from final
