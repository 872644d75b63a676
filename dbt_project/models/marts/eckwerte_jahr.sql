-- Eckwert = (helps running on 31.12. + helps ended in the year) per 1,000
-- residents aged 0 to 20 on 31.12. of the year, per social space and for the
-- county. Residents are mapped to social spaces by the mapping in force on
-- 31.12. of their year, like the helps.
with

hilfen_jahre as (

    select * from {{ ref('int_hilfen_jahre') }}

),

bevoelkerung as (

    select * from {{ ref('stg_raw__bevoelkerung') }}

),

jahre as (

    select distinct jahr from {{ ref('int_monate') }}

),

zuordnung as (

    select * from {{ ref('int_sozialraum_zuordnung') }}

),

hilfen as (

    select
        jahr,
        sozialraum,
        count_if(im_jahr_gezaehlt) as hilfen_summe

    from hilfen_jahre
    group by jahr, sozialraum

),

einwohner as (

    select
        bevoelkerung.jahr,
        coalesce(zuordnung.sozialraum, {{ sozialraum_nicht_zugeordnet() }}) as sozialraum,
        sum(bevoelkerung.anzahl) as einwohner_0_20

    from bevoelkerung
    inner join jahre
        on bevoelkerung.jahr = jahre.jahr
    left join zuordnung
        on {{ zuordnung_gilt_am('zuordnung', 'bevoelkerung.ags', 'make_date(bevoelkerung.jahr, 12, 31)') }}
    group by bevoelkerung.jahr, coalesce(zuordnung.sozialraum, {{ sozialraum_nicht_zugeordnet() }})

),

sozialraeume as (

    select
        coalesce(hilfen.jahr, einwohner.jahr) as jahr,
        coalesce(hilfen.sozialraum, einwohner.sozialraum) as sozialraum,
        coalesce(hilfen.hilfen_summe, 0) as hilfen_summe,
        einwohner.einwohner_0_20

    from hilfen
    full outer join einwohner
        on hilfen.jahr = einwohner.jahr
        and hilfen.sozialraum = einwohner.sozialraum

),

kreis as (

    select
        jahr,
        {{ kreis_gesamt() }} as sozialraum,
        sum(hilfen_summe) as hilfen_summe,
        sum(einwohner_0_20) as einwohner_0_20

    from sozialraeume
    group by jahr

),

zusammen as (

    select * from sozialraeume
    union all
    select * from kreis

),

final as (

    select
        -- grain
        jahr,
        sozialraum,

        -- figures
        cast(hilfen_summe as bigint) as hilfen_summe,
        cast(einwohner_0_20 as bigint) as einwohner_0_20,
        case
            when einwohner_0_20 > 0
                then cast(round(hilfen_summe * 1000.0 / einwohner_0_20, 2) as decimal(18, 2))
        end as eckwert

    from zusammen

)

select * from final
