{#- One row per twilio_messages row of the current file versions, as a delivery
    receipt of the generic model (macros/provider_receipts.sql). -#}

{{ stg_provider_receipts_sql('twilio_messages') }}
