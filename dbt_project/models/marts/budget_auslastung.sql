-- Budget use per Haushaltsjahr, social space and Teilplan: cap, net booked so
-- far, year-end forecast (int_budget_prognose), its range and traffic light.
--
-- The range: in every backtested year (prognose_backtest, years with at least
-- one year to learn from) the actual year end deviated from the forecast of
-- the same month by some share; the central var('prognose_spanne_pct', 80) %
-- of those shares of this social space x Teilplan, applied to this year's
-- forecast. With fewer than var('prognose_spanne_min_jahre', 5) backtested
-- years of its own (3 shares do not make an 80 % interval), the range of the
-- same Teilplan in all social spaces at that month is used, widened where the
-- own years reach further (a small Teilplan keeps its wider range, a social
-- space its own misses), and failing those the shares of all.
--
-- THE traffic-light rule (one place; the reports state it and show it):
-- rot when the forecast is above var('ampel_rot_ueber_pct') % of the budget;
-- gelb from var('ampel_gelb_ab_pct') %, or when the upper end of the range
-- reaches the budget; gruen otherwise; NULL without a budget.
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

abweichungen as (

    select
        sozialraum,
        teilplan,
        prognosemonat,
        (ist_jahresende_eur - prognose_jahresende_eur) / prognose_jahresende_eur as anteil

    from {{ ref('prognose_backtest') }}
    where lernjahre > 0
        and prognose_jahresende_eur > 0

),

spanne_eigene as (

    select
        sozialraum,
        teilplan,
        prognosemonat,
        count(*) as jahre,
        {{ spanne_quantile('anteil') }}

    from abweichungen
    group by sozialraum, teilplan, prognosemonat

),

spanne_teilplan as (

    select
        teilplan,
        prognosemonat,
        count(*) as jahre,
        {{ spanne_quantile('anteil') }}

    from abweichungen
    group by teilplan, prognosemonat

),

spanne_alle as (

    select
        prognosemonat,
        count(*) as jahre,
        {{ spanne_quantile('anteil') }}

    from abweichungen
    group by prognosemonat

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
        end as prognose_jahresende_eur,
        case
            when zeilen.haushaltsjahr = year(berichtsstand.letzte_buchung)
                and prognosen.prognose_jahresende_eur is not null
                then case
                    when spanne_eigene.jahre >= {{ var('prognose_spanne_min_jahre', 5) }} then 'eigene'
                    when spanne_teilplan.jahre >= {{ var('prognose_spanne_min_jahre', 5) }} then 'teilplan'
                    when spanne_alle.jahre > 0 then 'alle'
                end
        end as prognose_spanne_basis,
        spanne_eigene.jahre as eigene_jahre,
        spanne_eigene.unten as eigene_unten,
        spanne_eigene.oben as eigene_oben,
        spanne_teilplan.jahre as teilplan_jahre,
        spanne_teilplan.unten as teilplan_unten,
        spanne_teilplan.oben as teilplan_oben,
        spanne_alle.jahre as alle_jahre,
        spanne_alle.unten as alle_unten,
        spanne_alle.oben as alle_oben

    from zeilen
    cross join berichtsstand
    left join prognosen
        on zeilen.haushaltsjahr = prognosen.haushaltsjahr
        and zeilen.sozialraum = prognosen.sozialraum
        and zeilen.teilplan = prognosen.teilplan
        and prognosen.prognosemonat = month(berichtsstand.letzte_buchung)
    left join spanne_eigene
        on zeilen.sozialraum = spanne_eigene.sozialraum
        and zeilen.teilplan = spanne_eigene.teilplan
        and spanne_eigene.prognosemonat = month(berichtsstand.letzte_buchung)
    left join spanne_teilplan
        on zeilen.teilplan = spanne_teilplan.teilplan
        and spanne_teilplan.prognosemonat = month(berichtsstand.letzte_buchung)
    left join spanne_alle
        on spanne_alle.prognosemonat = month(berichtsstand.letzte_buchung)

),

quoten as (

    select
        *,
        case
            when budget_eur > 0
                then cast(round(prognose_jahresende_eur * 100.0 / budget_eur, 1) as decimal(18, 1))
        end as prognose_auslastung_pct,
        -- 'teilplan': the Teilplan's range, widened by the own years' where they reach further
        cast(round(prognose_jahresende_eur * (1 + case prognose_spanne_basis
            when 'eigene' then eigene_unten
            when 'teilplan' then least(coalesce(eigene_unten, teilplan_unten), teilplan_unten)
            when 'alle' then alle_unten
        end), 2) as decimal(18, 2)) as prognose_unten_eur,
        cast(round(prognose_jahresende_eur * (1 + case prognose_spanne_basis
            when 'eigene' then eigene_oben
            when 'teilplan' then greatest(coalesce(eigene_oben, teilplan_oben), teilplan_oben)
            when 'alle' then alle_oben
        end), 2) as decimal(18, 2)) as prognose_oben_eur,
        case prognose_spanne_basis
            when 'eigene' then eigene_jahre when 'teilplan' then teilplan_jahre when 'alle' then alle_jahre
        end as prognose_spanne_jahre

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
            when prognose_oben_eur >= budget_eur then 'gelb'
            else 'gruen'
        end as ampel,
        cast(budget_eur - netto_bis_stand_eur as decimal(18, 2)) as restmittel_eur,

        -- the forecast's range (added after the first columns: consumers select by name)
        prognose_unten_eur,
        prognose_oben_eur,
        prognose_spanne_basis,
        prognose_spanne_jahre

    from quoten

)

select * from final
