{#- One row per vonage_dlr row of the current file versions, as a delivery
    receipt of the generic model (macros/provider_receipts.sql). -#}

{{ stg_provider_receipts_sql('vonage_dlr') }}
