{#- All rows of raw.load_log as loaded, every column (_raw__models.yml says why). -#}

{{ config(materialized='view') }}  {#- a projection of raw: a view on every engine -#}

select * from {{ source('raw', 'load_log') }}  -- noqa: AM04
