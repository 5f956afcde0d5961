{#- SMS segment counting (docs/RULES.md, Segments).

    Text made only of GSM-7 characters (3GPP TS 23.038 basic character set
    plus its extension table) is 1 segment up to 160 septets, else
    ceil(n / 153); each extension character (form feed ^ { } \ [ ~ ] | €)
    takes 2 septets. Any other text is UCS-2: 1 segment up to 70 code units,
    else ceil(n / 67); a character outside the Basic Multilingual Plane (most
    emoji) takes 2 code units (a UTF-16 surrogate pair). Empty or null text is
    1 segment.

    The character classes are regular-expression classes inside a SQL string
    literal: the quote is doubled, backslashes are regex escapes. -#}

{% macro gsm7_character_class() -%}
    [@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&''()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà\f^{}\\\[~\]|€]
{%- endmacro %}

{% macro gsm7_extension_character_class() -%}
    [\f^{}\\\[~\]|€]
{%- endmacro %}

{% macro non_bmp_character_class() -%}
    {{ return(adapter.dispatch('non_bmp_character_class')()) }}
{%- endmacro %}

{% macro default__non_bmp_character_class() -%}
    [\U00010000-\U0010FFFF]
{%- endmacro %}

{% macro duckdb__non_bmp_character_class() -%}
    [\x{10000}-\x{10FFFF}]
{%- endmacro %}

{% macro spark__non_bmp_character_class() -%}
    {{ duckdb__non_bmp_character_class() }}
{%- endmacro %}

{#- True when the text is made only of GSM-7 characters. -#}
{% macro is_gsm7(text) -%}
    {{ regexp_full_match(text, (gsm7_character_class() | trim) ~ '*') }}
{%- endmacro %}

{#- Length of a GSM-7 text in septets (extension characters count 2). -#}
{% macro gsm7_length(text) -%}
    ({{ dbt.length(text) }} + {{ regexp_count_chars(text, gsm7_extension_character_class() | trim) }})
{%- endmacro %}

{#- Length of a text in UCS-2/UTF-16 code units (non-BMP characters count 2). -#}
{% macro ucs2_length(text) -%}
    ({{ dbt.length(text) }} + {{ regexp_count_chars(text, non_bmp_character_class() | trim) }})
{%- endmacro %}

{#- 'gsm7' or 'ucs2': the encoding an SMS text is sent in; null for empty text. -#}
{% macro sms_encoding(text) -%}
    case
        when {{ text }} is null or {{ text }} = '' then null
        when {{ is_gsm7(text) }} then 'gsm7'
        else 'ucs2'
    end
{%- endmacro %}

{#- Number of segments of an SMS text (an integer expression). -#}
{% macro sms_segments(text) -%}
    cast(
        case
            when {{ text }} is null or {{ text }} = '' then 1
            when {{ is_gsm7(text) }}
                then case
                    when {{ gsm7_length(text) }} <= 160 then 1
                    else ceil({{ gsm7_length(text) }} / 153.0)
                end
            when {{ ucs2_length(text) }} <= 70 then 1
            else ceil({{ ucs2_length(text) }} / 67.0)
        end
        as {{ dbt.type_int() }}
    )
{%- endmacro %}
