{#- Canonical delivery statuses (docs/RULES.md, Delivery status) and their precedences. -#}

{#- 1-based position of an expression's value in a list of literals; null when
    the value is not in the list. -#}
{% macro position_in_list(expression, values) -%}
    case {{ expression }}
        {%- for value in values %}
        when '{{ value }}' then {{ loop.index }}
        {%- endfor %}
    end
{%- endmacro %}

{#- Tie-break between final receipts with the same event_at and received_at:
    delivered, hard_bounce, deleted, soft_bounce, not_sent (lower wins). -#}
{% macro final_status_precedence(status) -%}
    {{ position_in_list(status, ['delivered', 'hard_bounce', 'deleted', 'soft_bounce', 'not_sent']) }}
{%- endmacro %}

{#- Per-contact status in a campaign: the best over the contact's messages
    that are not not_sent, delivered > pending > soft_bounce > hard_bounce >
    deleted (lower wins). not_sent has no precedence (null). -#}
{% macro contact_status_order() -%}
    {{ return(['delivered', 'pending', 'soft_bounce', 'hard_bounce', 'deleted']) }}
{%- endmacro %}

{% macro contact_status_precedence(status) -%}
    {{ position_in_list(status, contact_status_order()) }}
{%- endmacro %}

{#- Inverse of contact_status_precedence; a null precedence (no message other
    than not_sent) is not_sent. -#}
{% macro contact_status_from_precedence(precedence) -%}
    case {{ precedence }}
        {%- for value in contact_status_order() %}
        when {{ loop.index }} then '{{ value }}'
        {%- endfor %}
        else 'not_sent'
    end
{%- endmacro %}
