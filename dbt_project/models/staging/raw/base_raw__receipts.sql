{#- All rows of raw.receipts as loaded, every column (_raw__models.yml says why). -#}

select * from {{ source('raw', 'receipts') }}  -- noqa: AM04
