{#- The MetricFlow time spine: one row per day. The range covers any send log this
    product will see; widen it here if yours starts earlier or runs later. -#}
with

days as (
    {{ days_between('2015-01-01', '2045-12-31') }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
