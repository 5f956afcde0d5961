{#- fct_clicks holds exactly the clicks the overview counts: per campaign of
    the overview, its rows add up to fct_campaign_overview.total_clicks
    (clicks of a campaign not loaded yet have no overview row to match). -#}

with

overview as (
    select * from {{ ref('fct_campaign_overview') }}
),

clicks as (
    select * from {{ ref('fct_clicks') }}
),

click_totals as (
    select
        campaign_id,
        count(*) as total_clicks
    from clicks
    group by campaign_id
),

final as (
    select
        overview.campaign_id,
        overview.total_clicks,
        click_totals.total_clicks as fct_clicks_rows
    from overview
    left join click_totals
        on overview.campaign_id = click_totals.campaign_id
    where overview.total_clicks <> coalesce(click_totals.total_clicks, 0)
)

select * from final
