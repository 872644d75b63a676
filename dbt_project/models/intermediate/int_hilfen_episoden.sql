-- One row per help: its latest version with type, setting and § 41 flag.
-- Helps dropped from the newest export keep their last version
-- (im_aktuellen_export = false) so that their bookings still find their
-- social space; counts only use helps of the newest export.
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

letzte_version as (

    select *
    from hilfen
    qualify row_number() over (partition by hilfe_id order by stand_ab desc) = 1

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
        letzte_version.beendigungsgrund,

        -- dates
        letzte_version.beginn,
        letzte_version.ende,

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
