{#- A Teilplan is four digits (the first four of a produktkonto). -#}
{% test is_teilplan(model, column_name) %}
select {{ column_name }} as teilplan
from {{ model }}
where {{ column_name }} is not null
  and not regexp_full_match({{ column_name }}, '[0-9]{4}')
{% endtest %}
