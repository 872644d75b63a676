with

hilfen_jahre as (

    select * from {{ ref('int_hilfen_jahre') }}

),

final as (

    select
        -- grain
        jahr,
        sozialraum,
        hilfeart,

        -- reference date of laufend_31_12 (31.12., or the cut-off in the current year)
        any_value(jahresstichtag) as stichtag,

        -- counts
        count_if(laufend_stichtag) as laufend_31_12,
        count_if(begonnen) as begonnen,
        count_if(beendet) as beendet,
        count_if(im_jahr_gezaehlt and ist_paragraph_41) as davon_41,
        count_if(im_jahr_gezaehlt and setting = 'ambulant') as davon_ambulant,
        count_if(im_jahr_gezaehlt and setting = 'teilstationaer') as davon_teilstationaer,
        count_if(im_jahr_gezaehlt and setting = 'stationaer') as davon_stationaer

    from hilfen_jahre
    group by jahr, sozialraum, hilfeart
    having count_if(laufend_stichtag or begonnen or beendet) > 0

)

select * from final
