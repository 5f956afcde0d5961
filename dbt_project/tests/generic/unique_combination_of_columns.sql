{#- Fails for every combination of the given columns (or expressions) that
    occurs more than once. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {% for column in combination_of_columns -%}
    {{ column }} as key_{{ loop.index }},
    {% endfor -%}
    count(*) as occurrences
from {{ model }}
group by
    {% for column in combination_of_columns -%}
    {{ column }}{{ ',' if not loop.last }}
    {% endfor -%}
having count(*) > 1

{% endtest %}
