-- One row per help: its latest version with type, setting and § 41 flag.
-- Helps dropped from the newest export keep their last version
-- (im_aktuellen_export = false) so that their bookings still find their
-- social space; counts only use helps of the newest export.
-- A planned end (is_planned_end) is not an end: such a help has ende and
-- beendigungsgrund NULL (it is running) and its plan in geplantes_ende.
with

hilfen as (

    select * from {{ ref('stg_raw__hilfen') }}

),

hilfearten as (

    select * from {{ ref('stg_ref__hilfearten') }}

),

orte as (

    select * from {{ ref('stg_ref__orte_der_durchfuehrung') }}

),

stand as (

    select {{ newest_export_date('stand_ab', 'stand_bis') }} as stand_hilfen
    from hilfen

),

letzte_version as (

    select
        hilfen.*,
        -- the newest export that carried this version: the current version is
        -- in the newest export; a dropped help was last seen when it was delivered
        case when hilfen.ist_aktuell then stand.stand_hilfen else hilfen.stand_ab end as exportiert_am
    from hilfen
    cross join stand
    qualify row_number() over (partition by hilfen.hilfe_id order by hilfen.stand_ab desc) = 1

),

final as (

    select
        -- ids
        letzte_version.hilfe_id,
        letzte_version.fall_pseudonym,
        letzte_version.person_pseudonym,
        letzte_version.traeger_id,

        -- dimensions
        letzte_version.wohnort_ags,
        letzte_version.hilfeart,
        hilfearten.paragraph,
        letzte_version.ort_der_durchfuehrung,
        {{ setting_of('hilfearten.setting', 'orte.setting') }} as setting,
        {{ is_paragraph_41('letzte_version.alter_bei_beginn') }} as ist_paragraph_41,
        letzte_version.alter_bei_beginn,
        letzte_version.geschlecht,
        letzte_version.hauptgrund,
        letzte_version.grund_2,
        letzte_version.grund_3,
        -- the office responsible (several offices in one warehouse); NULL = that of meldestelle.yml
        letzte_version.jugendamt,
        case
            when not {{ is_planned_end('letzte_version.ende', 'letzte_version.exportiert_am') }}
                then letzte_version.beendigungsgrund
        end as beendigungsgrund,

        -- dates
        letzte_version.beginn,
        case
            when not {{ is_planned_end('letzte_version.ende', 'letzte_version.exportiert_am') }}
                then letzte_version.ende
        end as ende,
        case
            when {{ is_planned_end('letzte_version.ende', 'letzte_version.exportiert_am') }}
                then letzte_version.ende
        end as geplantes_ende,

        -- history
        letzte_version.ist_aktuell as im_aktuellen_export,
        letzte_version.stand_ab

    from letzte_version
    left join hilfearten
        on letzte_version.hilfeart = hilfearten.hilfeart
    left join orte
        on letzte_version.ort_der_durchfuehrung = orte.ort_der_durchfuehrung

)

select * from final
