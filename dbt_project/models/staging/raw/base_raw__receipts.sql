{#- All rows of raw.receipts as loaded, every column (_raw__models.yml says why). -#}

{{ config(materialized='view') }}  {#- a projection of raw: a view on every engine -#}

select * from {{ source('raw', 'receipts') }}  -- noqa: AM04
