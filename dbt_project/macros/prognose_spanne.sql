{#- The forecast's range (budget_auslastung): the central var('prognose_spanne_pct', 80) % of the
    deviations `anteil` = (actual - forecast) / forecast of the backtested years in a group, as
    its lower (`unten`) and upper (`oben`) quantile; 80 % gives the 10 % and the 90 % quantile.
    Two select-list items: use inside an aggregating select. -#}
{% macro spanne_quantile(anteil) -%}
    quantile_cont({{ anteil }}, (100 - {{ var('prognose_spanne_pct', 80) }}) / 200.0) as unten,
    quantile_cont({{ anteil }}, 1 - (100 - {{ var('prognose_spanne_pct', 80) }}) / 200.0) as oben
{%- endmacro %}
