{#- The business rules of the warehouse. Each rule lives here once and every
    model calls it; see README.md "Definitions". -#}

{#- Running on reference date D: beginn <= D and (ende is empty or ende > D). -#}
{% macro is_running_on(beginn, ende, stichtag) -%}
    ({{ beginn }} <= {{ stichtag }} and ({{ ende }} is null or {{ ende }} > {{ stichtag }}))
{%- endmacro %}

{#- The export date of the newest hilfen export: every export opens or closes
    a version on its date (over all versions of raw.hilfen). -#}
{% macro newest_export_date(stand_ab, stand_bis) -%}
    greatest(max({{ stand_ab }}), coalesce(max({{ stand_bis }}), max({{ stand_ab }})))
{%- endmacro %}

{#- A planned end is not an end: an `ende` after the date of the newest export
    that carried it is a plan (case systems record planned ends). Until an
    export dated on or after that day still carries it, the help counts as
    running, everywhere (marts, statistics, reports). -#}
{% macro is_planned_end(ende, exportiert_am) -%}
    ({{ ende }} is not null and {{ ende }} > {{ exportiert_am }})
{%- endmacro %}

{#- Begun / ended in a period [von, bis]: the date lies in it. -#}
{% macro is_in_period(datum, von, bis) -%}
    ({{ datum }} is not null and {{ datum }} >= {{ von }} and {{ datum }} <= {{ bis }})
{%- endmacro %}

{#- Days a help runs within [von, bis] (both inclusive): the days D with
    is_running_on(D), i.e. the overlap of [beginn, ende) with [von, bis]. -#}
{% macro running_days(beginn, ende, von, bis) -%}
    greatest(
        0,
        datediff(
            'day',
            greatest({{ beginn }}, {{ von }}),
            least(coalesce({{ ende }}, {{ bis }} + 1), {{ bis }} + 1)
        )
    )
{%- endmacro %}

{#- § 41 flag: of age at beginn (var volljaehrig_ab; whole years, computed at ingestion). -#}
{% macro is_paragraph_41(alter_bei_beginn) -%}
    ({{ alter_bei_beginn }} >= {{ var('volljaehrig_ab') }})
{%- endmacro %}

{#- Setting: the hilfeart's setting; `nach_ort` takes the setting of the place
    of the help, an empty or unknown place is ambulant. -#}
{% macro setting_of(hilfeart_setting, ort_setting) -%}
    case
        when {{ hilfeart_setting }} = 'nach_ort' then coalesce({{ ort_setting }}, 'ambulant')
        else {{ hilfeart_setting }}
    end
{%- endmacro %}

{#- Amount signs. Income bookings (erstattung, kostenbeitrag) carry a positive
    betrag; a negative leistung is a refund and lowers the expenditure.
    Net expenditure = leistung - (erstattung + kostenbeitrag). -#}
{% macro ausgabe_eur(kostenart, betrag) -%}
    case when {{ kostenart }} = 'leistung' then {{ betrag }} else cast(0 as decimal(18, 2)) end
{%- endmacro %}

{% macro einnahme_eur(kostenart, betrag) -%}
    case when {{ kostenart }} in ('erstattung', 'kostenbeitrag') then {{ betrag }} else cast(0 as decimal(18, 2)) end
{%- endmacro %}

{% macro netto_eur(kostenart, betrag) -%}
    case
        when {{ kostenart }} = 'leistung' then {{ betrag }}
        when {{ kostenart }} in ('erstattung', 'kostenbeitrag') then -{{ betrag }}
    end
{%- endmacro %}

{#- Teilplan = first four digits of the produktkonto. -#}
{% macro teilplan_of(produktkonto) -%}
    left(trim({{ produktkonto }}), 4)
{%- endmacro %}

{#- Sums of money stay DECIMAL(18,2), never float. -#}
{% macro eur_sum(expression) -%}
    cast(coalesce(sum({{ expression }}), 0) as decimal(18, 2))
{%- endmacro %}

{#- Whole cents (BIGINT) back to EUR as DECIMAL(18,2), exactly. -#}
{% macro cents_to_eur(cents) -%}
    cast(cast({{ cents }} as decimal(18, 0)) * 0.01 as decimal(18, 2))
{%- endmacro %}

{#- The social-space mapping in force for municipality `ags` on date `datum`
    (join condition against int_sozialraum_zuordnung aliased `alias`). -#}
{% macro zuordnung_gilt_am(alias, ags, datum) -%}
    {{ alias }}.ags = {{ ags }}
    and {{ zuordnung_in_kraft(alias, datum) }}
{%- endmacro %}

{#- A row of int_sozialraum_zuordnung (aliased `alias`) is in force on `datum`:
    its validity range [gueltig_ab, gueltig_bis) holds the date. -#}
{% macro zuordnung_in_kraft(alias, datum) -%}
    {{ datum }} >= {{ alias }}.gueltig_ab
    and {{ datum }} < {{ alias }}.gueltig_bis
{%- endmacro %}
