{#- Body in macros/staging.sql, shared with the incremental models, which
    filter the raw rows by their touched keys before the dedupe window. -#}

{{ stg_raw_clicks_sql() }}
