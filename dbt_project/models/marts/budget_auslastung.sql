-- Budget use per Haushaltsjahr, social space and Teilplan: cap, net booked so
-- far, year-end forecast (int_budget_prognose) and traffic light.
with

budgets as (

    select * from {{ ref('stg_raw__budgets') }}

),

zahlungen as (

    select * from {{ ref('int_zahlungen') }}

),

berichtsstand as (

    select * from {{ ref('int_berichtsstand') }}

),

prognosen as (

    select * from {{ ref('int_budget_prognose') }}

),

ist as (

    select
        haushaltsjahr,
        sozialraum,
        teilplan,
        {{ eur_sum('netto_eur') }} as netto_eur

    from zahlungen
    group by haushaltsjahr, sozialraum, teilplan

),

zeilen as (

    select
        coalesce(budgets.haushaltsjahr, ist.haushaltsjahr) as haushaltsjahr,
        coalesce(budgets.sozialraum, ist.sozialraum) as sozialraum,
        coalesce(budgets.teilplan, ist.teilplan) as teilplan,
        budgets.budget_eur,
        coalesce(ist.netto_eur, cast(0 as decimal(18, 2))) as netto_bis_stand_eur

    from budgets
    full outer join ist
        on budgets.haushaltsjahr = ist.haushaltsjahr
        and budgets.sozialraum = ist.sozialraum
        and budgets.teilplan = ist.teilplan

),

mit_prognose as (

    select
        zeilen.*,
        berichtsstand.letzte_buchung as stand,
        case
            when zeilen.haushaltsjahr < year(berichtsstand.letzte_buchung) then 'ist'
            when zeilen.haushaltsjahr = year(berichtsstand.letzte_buchung) then 'prognose'
        end as prognose_basis,
        case
            when zeilen.haushaltsjahr < year(berichtsstand.letzte_buchung) then zeilen.netto_bis_stand_eur
            when zeilen.haushaltsjahr = year(berichtsstand.letzte_buchung)
                then coalesce(prognosen.prognose_jahresende_eur, zeilen.netto_bis_stand_eur)
        end as prognose_jahresende_eur

    from zeilen
    cross join berichtsstand
    left join prognosen
        on zeilen.haushaltsjahr = prognosen.haushaltsjahr
        and zeilen.sozialraum = prognosen.sozialraum
        and zeilen.teilplan = prognosen.teilplan
        and prognosen.prognosemonat = month(berichtsstand.letzte_buchung)

),

quoten as (

    select
        *,
        case
            when budget_eur > 0
                then cast(round(prognose_jahresende_eur * 100.0 / budget_eur, 1) as decimal(18, 1))
        end as prognose_auslastung_pct

    from mit_prognose

),

final as (

    select
        -- grain
        haushaltsjahr,
        sozialraum,
        teilplan,

        -- amounts
        budget_eur,
        netto_bis_stand_eur,
        stand,
        prognose_basis,
        prognose_jahresende_eur,
        prognose_auslastung_pct,
        case
            when prognose_auslastung_pct is null then null
            when prognose_auslastung_pct > {{ var('ampel_rot_ueber_pct') }} then 'rot'
            when prognose_auslastung_pct >= {{ var('ampel_gelb_ab_pct') }} then 'gelb'
            else 'gruen'
        end as ampel,
        cast(budget_eur - netto_bis_stand_eur as decimal(18, 2)) as restmittel_eur

    from quoten

)

select * from final
