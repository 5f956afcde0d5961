{#- All rows of raw.messages as loaded, every column (_raw__models.yml says why). -#}

select * from {{ source('raw', 'messages') }}  -- noqa: AM04
