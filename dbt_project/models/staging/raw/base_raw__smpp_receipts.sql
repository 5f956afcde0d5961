{#- All rows of raw.smpp_receipts as loaded, every column (_raw__models.yml says why). -#}

select * from {{ source('raw', 'smpp_receipts') }}  -- noqa: AM04
