with

hilfen_monate as (

    select * from {{ ref('int_hilfen_monate') }}

),

final as (

    select
        -- grain
        monat,
        sozialraum,
        hilfeart,

        -- reference date of laufend_monatsende (month end, or the cut-off)
        any_value(stichtag) as stichtag,

        -- counts
        count_if(laufend_stichtag) as laufend_monatsende,
        count_if(begonnen) as begonnen,
        count_if(beendet) as beendet

    from hilfen_monate
    group by monat, sozialraum, hilfeart
    having count_if(laufend_stichtag or begonnen or beendet) > 0

)

select * from final
