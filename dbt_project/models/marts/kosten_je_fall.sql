-- Cost per case-month, accrual view: net amounts of bookings with a help spread
-- over their service period by days, per year of the service month, the
-- help's type and the social space on the year's reference date; divided by
-- the case-months (days running / days of the month) of the same cell.
-- post-hook: every row test of int_zahlungen and int_zahlungen_periodengerecht
-- passed in this build (else dbt build skips this model): record how far the
-- booking rows have been checked (macro zahlungen_zu_pruefen).
{{
    config(
        post_hook="{{ inkrement_stand_merken('select max(aktualisiert_am) from ' ~ ref('int_zahlungen'), 'intermediate.int_zahlungen geprueft') }}",
    )
}}

with

hilfen_jahre as (

    select * from {{ ref('int_hilfen_jahre') }}

),

periodengerecht as (

    select * from {{ ref('int_zahlungen_periodengerecht') }}
    where hilfe_id is not null
        and hilfeart is not null

),

monate as (

    select * from {{ ref('int_monate') }}

),

zuordnung as (

    select * from {{ ref('int_sozialraum_zuordnung') }}

),

fallmonate as (

    select
        jahr,
        sozialraum,
        hilfeart,
        sum(fallmonate) as fallmonate

    from hilfen_jahre
    group by jahr, sozialraum, hilfeart

),

kosten as (

    select
        periodengerecht.jahr,
        coalesce(zuordnung.sozialraum, {{ sozialraum_nicht_zugeordnet() }}) as sozialraum,
        periodengerecht.hilfeart,
        {{ eur_sum('periodengerecht.netto_periodengerecht_eur') }} as netto_periodengerecht_eur

    from periodengerecht
    -- only service months within the reported period
    inner join monate
        on periodengerecht.monat = monate.monat
    left join zuordnung
        on {{ zuordnung_gilt_am('zuordnung', 'periodengerecht.wohnort_ags', 'monate.jahresstichtag') }}
    group by
        periodengerecht.jahr,
        coalesce(zuordnung.sozialraum, {{ sozialraum_nicht_zugeordnet() }}),
        periodengerecht.hilfeart

),

final as (

    select
        -- grain
        coalesce(fallmonate.jahr, kosten.jahr) as jahr,
        coalesce(fallmonate.sozialraum, kosten.sozialraum) as sozialraum,
        coalesce(fallmonate.hilfeart, kosten.hilfeart) as hilfeart,

        -- figures
        cast(round(coalesce(fallmonate.fallmonate, 0), 2) as decimal(18, 2)) as fallmonate,
        coalesce(kosten.netto_periodengerecht_eur, cast(0 as decimal(18, 2))) as netto_periodengerecht_eur,
        case
            when fallmonate.fallmonate > 0
                then cast(round(kosten.netto_periodengerecht_eur / fallmonate.fallmonate, 2) as decimal(18, 2))
        end as eur_je_fallmonat

    from fallmonate
    full outer join kosten
        on fallmonate.jahr = kosten.jahr
        and fallmonate.sozialraum = kosten.sozialraum
        and fallmonate.hilfeart = kosten.hilfeart

)

select * from final
