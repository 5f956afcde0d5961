{#- The ids named by every row of the provider-native entities (twilio_messages,
    twilio_status_callbacks, vonage_dlr, sinch_delivery_reports), all file
    versions, as loaded: what the nightly's touched-key models need of them,
    so that only staging reads raw. -#}

{{ config(materialized='view') }}  {#- a projection of raw: a view on every engine -#}

{{ raw_provider_receipt_ids() }}
