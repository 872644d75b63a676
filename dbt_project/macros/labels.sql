{#- Fixed labels that several models write and reports filter on. -#}
{% macro ohne_sozialraum() %}'ohne Sozialraum'{% endmacro %}
{% macro sozialraum_nicht_zugeordnet() %}'nicht zugeordnet'{% endmacro %}
{% macro kreis_gesamt() %}'Kreis gesamt'{% endmacro %}
