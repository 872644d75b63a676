{{ config(materialized='view') }}
-- Year-over-year change per social space (and 'Kreis gesamt') for the key
-- figures of the yearly marts, in long form (one row per figure) for pivoting.
with

fallzahlen as (

    select * from {{ ref('fallzahlen_jahr') }}

),

eckwerte as (

    select * from {{ ref('eckwerte_jahr') }}

),

ausgaben as (

    select * from {{ ref('ausgaben_jahr') }}

),

kosten as (

    select * from {{ ref('kosten_je_fall') }}

),

monate as (

    select jahr, bool_and(jahr_abgeschlossen) as jahr_abgeschlossen
    from {{ ref('int_monate') }}
    group by jahr

),

fall_summen as (

    select
        jahr,
        coalesce(sozialraum, {{ kreis_gesamt() }}) as sozialraum,
        sum(laufend_31_12) as laufend_31_12,
        sum(begonnen) as begonnen,
        sum(beendet) as beendet,
        sum(davon_41) as davon_41

    from fallzahlen
    group by grouping sets ((jahr, sozialraum), (jahr))

),

ausgaben_summen as (

    select
        haushaltsjahr as jahr,
        coalesce(sozialraum, {{ kreis_gesamt() }}) as sozialraum,
        sum(ausgaben_eur) as ausgaben_eur,
        sum(einnahmen_eur) as einnahmen_eur,
        sum(netto_eur) as netto_eur

    from ausgaben
    group by grouping sets ((haushaltsjahr, sozialraum), (haushaltsjahr))

),

kosten_summen as (

    select
        jahr,
        coalesce(sozialraum, {{ kreis_gesamt() }}) as sozialraum,
        sum(fallmonate) as fallmonate,
        sum(netto_periodengerecht_eur) as netto_periodengerecht_eur

    from kosten
    group by grouping sets ((jahr, sozialraum), (jahr))

),

lang as (

    unpivot fall_summen
    on laufend_31_12, begonnen, beendet, davon_41
    into name kennzahl value wert

),

werte as (

    -- one line per key figure: the union's later selects take the names of the first
    -- noqa: disable=AL03,LT14
    select jahr, sozialraum, kennzahl, cast(wert as decimal(18, 2)) as wert from lang

    union all
    select jahr, sozialraum, 'hilfen_summe', cast(hilfen_summe as decimal(18, 2)) from eckwerte
    union all
    select jahr, sozialraum, 'eckwert', eckwert from eckwerte where eckwert is not null
    union all
    select jahr, sozialraum, 'ausgaben_eur', cast(ausgaben_eur as decimal(18, 2)) from ausgaben_summen
    union all
    select jahr, sozialraum, 'einnahmen_eur', cast(einnahmen_eur as decimal(18, 2)) from ausgaben_summen
    union all
    select jahr, sozialraum, 'netto_eur', cast(netto_eur as decimal(18, 2)) from ausgaben_summen
    union all
    select jahr, sozialraum, 'fallmonate', cast(fallmonate as decimal(18, 2)) from kosten_summen
    union all
    select
        jahr, sozialraum, 'eur_je_fallmonat',
        cast(round(netto_periodengerecht_eur / fallmonate, 2) as decimal(18, 2))
    from kosten_summen
    where fallmonate > 0
    -- noqa: enable=AL03,LT14

),

final as (

    select
        -- grain
        werte.jahr,
        werte.sozialraum,
        werte.kennzahl,

        -- figures
        coalesce(monate.jahr_abgeschlossen, true) as jahr_abgeschlossen,
        werte.wert,
        vorjahr.wert as wert_vorjahr,
        cast(werte.wert - vorjahr.wert as decimal(18, 2)) as veraenderung,
        case
            when vorjahr.wert <> 0
                then cast(round((werte.wert - vorjahr.wert) * 100.0 / abs(vorjahr.wert), 1) as decimal(18, 1))
        end as veraenderung_pct

    from werte
    left join werte as vorjahr
        on vorjahr.jahr = werte.jahr - 1
        and vorjahr.sozialraum = werte.sozialraum
        and vorjahr.kennzahl = werte.kennzahl
    left join monate
        on werte.jahr = monate.jahr

)

select * from final
