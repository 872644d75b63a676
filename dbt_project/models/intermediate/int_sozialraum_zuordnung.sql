-- Municipality -> social space with validity ranges [gueltig_ab, gueltig_bis).
-- A version takes effect from the export date of its file (stand_ab) until the
-- next version of the same municipality; the first version of a municipality
-- also covers everything before it, its last version everything after it.
with

versionen as (

    select * from {{ ref('stg_raw__sozialraeume') }}

),

geordnet as (

    select
        *,
        row_number() over (partition by ags order by stand_ab) as versions_nr,
        lead(stand_ab) over (partition by ags order by stand_ab) as naechster_stand_ab

    from versionen

),

final as (

    select
        -- ids
        ags,
        versions_nr,

        -- attributes
        gemeinde,
        sozialraum,
        region,

        -- validity
        case when versions_nr = 1 then date '0001-01-01' else stand_ab end as gueltig_ab,
        coalesce(naechster_stand_ab, date '9999-12-31') as gueltig_bis

    from geordnet

)

select * from final
