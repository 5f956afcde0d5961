{#- All rows of raw.contacts as loaded, without the phone number: no phone
    number leaves raw (_raw__models.yml says why this view exists). -#}

{{ config(materialized='view') }}  {#- a projection of raw: a view on every engine -#}

select
    contact_id,
    account_id,
    country_code,
    carrier,
    created_at,
    updated_at,
    _load_id,
    _source_file,
    _row_number
from {{ source('raw', 'contacts') }}
