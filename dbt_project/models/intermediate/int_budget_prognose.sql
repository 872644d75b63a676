-- Year-end forecast of net expenditure per social space and Teilplan, made
-- from the position at the end of every month k of every Haushaltsjahr (the
-- basis of the current forecast and of the backtest). Method (README.md):
--   prognose = ist_k
--            + laufrate_k * (12 - k) * faktor_faelle     (case bookings)
--            + ist_sonst_k * (1 - anteil_sonst) / anteil_sonst   (other bookings)
-- laufrate_k: monthly net booked in months k-2..k for helps still running at
--   the end of month k (running helps with their monthly cost);
-- faktor_faelle: over the last closed years (var prognose_lernjahre), the
--   case net actually booked after month k divided by laufrate_k * (12 - k),
--   per Teilplan and k (carries new cases, ended cases, payment lags and the
--   seasonal pattern);
-- anteil_sonst: over the same years, the share of the year's net of
--   bookings without a help booked by month k, per Teilplan and k.
-- The first year with bookings is never learnt from. Without a year to learn
-- from, the factor is 1 and the non-case rest follows the straight line.
with

zahlungen as (

    select * from {{ ref('int_zahlungen') }}

),

monate as (

    select * from {{ ref('int_monate') }}

),

gruppen as (

    select distinct sozialraum, teilplan
    from zahlungen

),

netto_monat as (

    select
        sozialraum,
        teilplan,
        buchungsmonat as monat,
        sum(netto_eur) as netto,
        sum(case when hilfe_id is not null then netto_eur else 0 end) as netto_faelle

    from zahlungen
    group by sozialraum, teilplan, buchungsmonat

),

-- every case booking counts for the cut-offs at the end of its own month and
-- of the two following months, if its help is still running then
faelle_versetzt as (

    -- the month of each cut-off as a column of its own, so that the join to
    -- the months is an equality (hash join), not a range join over all rows
    select
        zahlungen.sozialraum,
        zahlungen.teilplan,
        zahlungen.hilfe_beginn,
        zahlungen.hilfe_ende,
        zahlungen.netto_eur,
        cast(zahlungen.buchungsmonat + to_months(versatz.monate_spaeter) as date) as laufmonat

    from zahlungen
    -- LT01 off below: sqlfluff's duckdb dialect reads the alias' column list as a call
    cross join (values (0), (1), (2)) as versatz(monate_spaeter)  -- noqa: LT01
    where zahlungen.hilfe_id is not null
        and zahlungen.hilfe_beginn is not null

),

laufrate as (

    select
        faelle_versetzt.sozialraum,
        faelle_versetzt.teilplan,
        monate.monat,
        -- the exact decimal sum of the three months: every sum over it below is exact, so
        -- the result does not depend on the order DuckDB adds rows in (same input, same bytes)
        sum(faelle_versetzt.netto_eur) as laufrate_3_monate

    from faelle_versetzt
    inner join monate
        on monate.monat = faelle_versetzt.laufmonat
    where {{ is_running_on('faelle_versetzt.hilfe_beginn', 'faelle_versetzt.hilfe_ende', 'monate.stichtag') }}
    group by faelle_versetzt.sozialraum, faelle_versetzt.teilplan, monate.monat

),

raster as (

    select
        gruppen.sozialraum,
        gruppen.teilplan,
        monate.jahr as haushaltsjahr,
        monate.monat_im_jahr as prognosemonat,
        monate.monat,
        monate.jahr_abgeschlossen,
        coalesce(netto_monat.netto, 0) as netto,
        coalesce(netto_monat.netto_faelle, 0) as netto_faelle,
        coalesce(laufrate.laufrate_3_monate, 0) as laufrate_3_monate,
        coalesce(laufrate.laufrate_3_monate, 0) / 3.0 as laufrate

    from gruppen
    cross join monate
    left join netto_monat
        on gruppen.sozialraum = netto_monat.sozialraum
        and gruppen.teilplan = netto_monat.teilplan
        and monate.monat = netto_monat.monat
    left join laufrate
        on gruppen.sozialraum = laufrate.sozialraum
        and gruppen.teilplan = laufrate.teilplan
        and monate.monat = laufrate.monat

),

kumuliert as (

    select
        *,
        sum(netto) over bis_monat as ist,
        sum(netto_faelle) over bis_monat as ist_faelle,
        sum(netto) over ganzes_jahr as ist_jahr,
        sum(netto_faelle) over ganzes_jahr as ist_faelle_jahr

    from raster
    window
        bis_monat as (
            partition by sozialraum, teilplan, haushaltsjahr
            order by prognosemonat rows between unbounded preceding and current row
        ),
        ganzes_jahr as (partition by sozialraum, teilplan, haushaltsjahr)

),

-- what each closed year teaches, per Teilplan and month k; the first year
-- with bookings is left out (an export usually starts in the middle of the
-- payment stream: arrears of the year before are missing)
erstes_buchungsjahr as (

    select min(haushaltsjahr) as haushaltsjahr
    from kumuliert
    where netto <> 0

),

lernbar as (

    select
        kumuliert.*,
        kumuliert.jahr_abgeschlossen
            and kumuliert.haushaltsjahr > erstes_buchungsjahr.haushaltsjahr as ist_lernbar

    from kumuliert
    cross join erstes_buchungsjahr

),

lernjahre as (

    select
        teilplan,
        haushaltsjahr,
        prognosemonat,
        bool_or(ist_lernbar and ist_jahr <> 0) as ist_lernjahr,
        sum(case when ist_lernbar then ist_faelle_jahr - ist_faelle else 0 end) as rest_faelle,
        sum(case when ist_lernbar then laufrate_3_monate * (12 - prognosemonat) else 0 end) as rest_faelle_laufrate_3,
        sum(case when ist_lernbar then ist - ist_faelle else 0 end) as ist_sonst,
        sum(case when ist_lernbar then ist_jahr - ist_faelle_jahr else 0 end) as ist_sonst_jahr

    from lernbar
    group by teilplan, haushaltsjahr, prognosemonat

),

-- factors for year Y learnt from the last closed years before Y only
kalibrierung as (

    select
        teilplan,
        haushaltsjahr,
        prognosemonat,
        coalesce(sum(case when ist_lernjahr then 1 else 0 end) over frueher, 0) as lernjahre,
        sum(rest_faelle) over frueher / nullif(sum(rest_faelle_laufrate_3) over frueher / 3.0, 0) as faktor_faelle,
        sum(ist_sonst) over frueher / nullif(sum(ist_sonst_jahr) over frueher, 0) as anteil_sonst

    from lernjahre
    window frueher as (
        partition by teilplan, prognosemonat
        order by haushaltsjahr
        rows between {{ var('prognose_lernjahre') }} preceding and 1 preceding
    )

),

prognose as (

    select
        kumuliert.*,
        kalibrierung.lernjahre,
        kalibrierung.faktor_faelle,
        kalibrierung.anteil_sonst,
        kumuliert.ist - kumuliert.ist_faelle as ist_sonst,
        kumuliert.laufrate * (12 - kumuliert.prognosemonat) * coalesce(kalibrierung.faktor_faelle, 1) as rest_faelle,
        case
            when kalibrierung.anteil_sonst > 0
                then (kumuliert.ist - kumuliert.ist_faelle) * (1 - kalibrierung.anteil_sonst)
                    / kalibrierung.anteil_sonst
            else (kumuliert.ist - kumuliert.ist_faelle) * (12 - kumuliert.prognosemonat) / kumuliert.prognosemonat
        end as rest_sonst

    from kumuliert
    left join kalibrierung
        on kumuliert.teilplan = kalibrierung.teilplan
        and kumuliert.haushaltsjahr = kalibrierung.haushaltsjahr
        and kumuliert.prognosemonat = kalibrierung.prognosemonat

),

final as (

    select
        -- ids
        haushaltsjahr,
        sozialraum,
        teilplan,
        prognosemonat,

        -- position
        monat,
        jahr_abgeschlossen,
        cast(ist as decimal(18, 2)) as ist_bis_monat_eur,
        cast(ist_faelle as decimal(18, 2)) as ist_faelle_bis_monat_eur,
        cast(ist_sonst as decimal(18, 2)) as ist_sonst_bis_monat_eur,
        case when jahr_abgeschlossen then cast(ist_jahr as decimal(18, 2)) end as ist_jahresende_eur,

        -- forecast inputs
        cast(round(laufrate, 2) as decimal(18, 2)) as laufrate_faelle_eur,
        faktor_faelle,
        anteil_sonst,
        lernjahre,

        -- forecasts
        cast(round(ist + rest_faelle + rest_sonst, 2) as decimal(18, 2)) as prognose_jahresende_eur,
        cast(round(ist * 12.0 / prognosemonat, 2) as decimal(18, 2)) as prognose_linear_eur

    from prognose

)

select * from final
