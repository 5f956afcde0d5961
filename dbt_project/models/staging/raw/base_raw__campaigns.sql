{#- All rows of raw.campaigns as loaded, every column (_raw__models.yml says why). -#}

select * from {{ source('raw', 'campaigns') }}  -- noqa: AM04
