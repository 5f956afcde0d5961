{#- All rows of raw.load_log as loaded, every column (_raw__models.yml says why). -#}

select * from {{ source('raw', 'load_log') }}  -- noqa: AM04
