{#- All rows of raw.contacts as loaded, every column (_raw__models.yml says why). -#}

select * from {{ source('raw', 'contacts') }}  -- noqa: AM04
