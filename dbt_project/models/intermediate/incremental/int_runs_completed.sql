{#- The watermark of the incremental models: one row per completed run, with
    the highest load_id it processed and the fingerprint of the seed and
    variables it used. It depends on every incremental model, so a run where
    one of them (or a test on it) fails adds no row and the next run
    re-derives the same loads again. -#}

-- depends_on: {{ ref('int_receipts_mapped') }}
-- depends_on: {{ ref('int_messages_classified') }}
-- depends_on: {{ ref('int_messages_segmented') }}
-- depends_on: {{ ref('int_clicks_matched') }}
-- depends_on: {{ ref('int_campaign_contacts_classified') }}
-- depends_on: {{ ref('fct_messages') }}
-- depends_on: {{ ref('fct_campaign_contacts') }}

{{ config(materialized='incremental', incremental_strategy='append') }}

with

loads as (
    select * from {{ ref('int_loads_changed') }}
),

load_log as (
    select * from {{ ref('base_raw__load_log') }}
),

final as (
    select
        coalesce(max(load_log.load_id), 0) as max_load_id,
        {{ incremental_fingerprint() }} as fingerprint,
        (select count(*) from loads) as loads_changed,
        cast(now() as {{ dbt.type_timestamp() }}) as completed_at
    from load_log
)

select * from final
