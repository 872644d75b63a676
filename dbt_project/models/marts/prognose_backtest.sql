-- Backtest of the year-end forecast: every closed Haushaltsjahr forecast from
-- the end of each month 1..11, compared with the actual year-end net.
with

prognosen as (

    select * from {{ ref('int_budget_prognose') }}
    where jahr_abgeschlossen
        and prognosemonat < 12

),

jahre_mit_buchungen as (

    select haushaltsjahr
    from prognosen
    group by haushaltsjahr
    having bool_or(ist_jahresende_eur <> 0)

),

final as (

    select
        -- grain
        prognosen.haushaltsjahr,
        prognosen.sozialraum,
        prognosen.teilplan,
        prognosen.prognosemonat,

        -- forecast
        prognosen.lernjahre,
        prognosen.ist_bis_monat_eur,
        prognosen.prognose_jahresende_eur,
        prognosen.prognose_linear_eur,
        prognosen.ist_jahresende_eur,

        -- errors (forecast minus actual)
        cast(prognosen.prognose_jahresende_eur - prognosen.ist_jahresende_eur as decimal(18, 2)) as fehler_eur,
        cast(prognosen.prognose_linear_eur - prognosen.ist_jahresende_eur as decimal(18, 2)) as fehler_linear_eur,
        case
            when prognosen.ist_jahresende_eur <> 0 then cast(round(
                (prognosen.prognose_jahresende_eur - prognosen.ist_jahresende_eur) * 100.0
                / abs(prognosen.ist_jahresende_eur), 2) as decimal(18, 2))
        end as fehler_pct,
        case
            when prognosen.ist_jahresende_eur <> 0 then cast(round(
                (prognosen.prognose_linear_eur - prognosen.ist_jahresende_eur) * 100.0
                / abs(prognosen.ist_jahresende_eur), 2) as decimal(18, 2))
        end as fehler_linear_pct

    from prognosen
    inner join jahre_mit_buchungen
        on prognosen.haushaltsjahr = jahre_mit_buchungen.haushaltsjahr

)

select * from final
