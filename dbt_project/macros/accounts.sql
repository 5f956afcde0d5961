{#- Account settings an accounts file may leave out, and their defaults
    (docs/RULES.md, "Input"): the one place they are written. A model that
    reads an account's setting wraps it as coalesce(setting, account_default(...)),
    so an account not loaded yet gets the same defaults as one that left the
    column empty. The loader's default region for phone numbers
    (orchestration/ingestion/phones.py, DEFAULT_REGION) must match. -#}
{% macro account_default(setting) -%}
    {%- set defaults = {
        'currency': "'GBP'",
        'default_region': "'GB'",
        'hard_bounce_suppression': 'true',
    } -%}
    {%- if setting not in defaults -%}
        {{ exceptions.raise_compiler_error("no account default for '" ~ setting ~ "'") }}
    {%- endif -%}
    {{ return(defaults[setting]) }}
{%- endmacro %}
