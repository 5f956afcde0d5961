{#- One row per sinch_delivery_reports row of the current file versions, as a delivery
    receipt of the generic model (macros/provider_receipts.sql). -#}

{{ stg_provider_receipts_sql('sinch_delivery_reports') }}
