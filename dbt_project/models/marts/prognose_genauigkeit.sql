-- How far to trust the forecast, per month of forecast: weighted absolute
-- percentage error (sum |forecast - actual| / sum |actual|) over all backtested
-- years that had at least one earlier closed year to learn from, for the
-- forecast and for the straight line; per social space x Teilplan and for
-- the county total per Teilplan.
with

backtest as (

    select * from {{ ref('prognose_backtest') }}
    where lernjahre > 0

),

kreis as (

    select
        haushaltsjahr,
        teilplan,
        prognosemonat,
        sum(prognose_jahresende_eur) as prognose,
        sum(prognose_linear_eur) as linear,
        sum(ist_jahresende_eur) as ist

    from backtest
    group by haushaltsjahr, teilplan, prognosemonat

),

ebenen as (

    select
        'sozialraum_teilplan' as ebene,
        prognosemonat,
        haushaltsjahr,
        prognose_jahresende_eur as prognose,
        prognose_linear_eur as linear,
        ist_jahresende_eur as ist

    from backtest

    union all

    select
        'kreis_teilplan' as ebene,
        prognosemonat,
        haushaltsjahr,
        prognose,
        linear,
        ist

    from kreis

),

final as (

    select
        -- grain
        ebene,
        prognosemonat,

        -- sample
        count(*) as prognosen,
        min(haushaltsjahr) as erstes_jahr,
        max(haushaltsjahr) as letztes_jahr,

        -- accuracy
        cast(round(sum(abs(prognose - ist)) * 100.0 / nullif(sum(abs(ist)), 0), 2) as decimal(18, 2))
            as wape_pct,
        cast(round(sum(abs(linear - ist)) * 100.0 / nullif(sum(abs(ist)), 0), 2) as decimal(18, 2))
            as wape_linear_pct,
        cast(round(sum(prognose - ist) * 100.0 / nullif(sum(abs(ist)), 0), 2) as decimal(18, 2))
            as bias_pct,
        cast(round(max(abs(prognose - ist) * 100.0 / nullif(abs(ist), 0)), 2) as decimal(18, 2))
            as max_abs_fehler_pct

    from ebenen
    group by ebene, prognosemonat

)

select * from final
