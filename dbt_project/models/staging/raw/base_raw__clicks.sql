{#- All rows of raw.clicks as loaded, every column (_raw__models.yml says why). -#}

select * from {{ source('raw', 'clicks') }}  -- noqa: AM04
