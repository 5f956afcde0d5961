{#- PII rule (docs/RULES.md, Warehouse layout): no raw phone number outside the raw schema. Fails for
    every column named like a phone number that is not a hash or a mask. -#}
-- depends_on: {{ ref('stg_raw__contacts') }}
-- depends_on: {{ ref('stg_raw__orders') }}
-- depends_on: {{ ref('stg_raw__unsubscribes') }}
-- depends_on: {{ ref('dim_contacts') }}
-- depends_on: {{ ref('fct_campaign_overview') }}
-- depends_on: {{ ref('orphan_receipts') }}
-- depends_on: {{ ref('orphan_clicks') }}
-- depends_on: {{ ref('unmapped_statuses') }}

with

warehouse_columns as (
    {{ warehouse_columns(['staging', 'intermediate', 'marts', 'audit']) }}
),

final as (
    select
        table_schema,
        table_name,
        column_name
    from warehouse_columns
    where
        lower(table_schema) in ('staging', 'intermediate', 'marts', 'audit')
        and (lower(column_name) like '%phone%' or lower(column_name) like '%msisdn%')
        and {{ dbt.right('lower(column_name)', 5) }} <> '_hash'
        and {{ dbt.right('lower(column_name)', 7) }} <> '_masked'
)

select * from final
