{#- The columns together identify one row (the grain of a model). NULL counts
    as a value, so `hilfeart` empty for bookings without a help is fine. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as anzahl
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
