{#- Every non-empty value is a code of list `liste` in ref.codelisten (the one
    place for code lists; no copy of a list in yml). -#}
{% test in_codeliste(model, column_name, liste) %}
select {{ column_name }} as code
from {{ model }}
where {{ column_name }} is not null
  and {{ column_name }} not in (
      select code from {{ ref('stg_ref__codelisten') }} where liste = '{{ liste }}'
  )
{% endtest %}
