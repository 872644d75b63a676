-- Accrual view: every booking's net amount spread over its service period
-- (zeitraum_von..zeitraum_bis, both inclusive) pro rata by days, one row per
-- booking and month. Exact to the cent: a month gets the difference of the
-- rounded cumulative shares, so the months add up to the booking.
--
-- A view: its only consumer (kosten_je_fall) aggregates it at once, and the
-- arithmetic is cheap next to writing some ten million rows per Land.
{{ config(materialized='view') }}

with

-- (int_zahlungen is read in the FROM below, not in an import CTE: a filter on
-- its columns, such as the tests' restriction to the latest build, then
-- reaches the table scan instead of a materialized copy of all bookings)
monate as (

    select
        zahlungen.buchung_id,
        zahlungen.hilfe_id,
        zahlungen.wohnort_ags,
        zahlungen.hilfeart,
        zahlungen.kostenart,
        zahlungen.teilplan,
        zahlungen.traeger_id,
        zahlungen.zeitraum_von,
        zahlungen.zeitraum_bis,
        cast(zahlungen.netto_eur * 100 as bigint) as netto_cent,
        datediff('day', zahlungen.zeitraum_von, zahlungen.zeitraum_bis) + 1 as tage_gesamt,
        cast(t.monat as date) as monat,
        zahlungen.aktualisiert_am

    from {{ ref('int_zahlungen') }} as zahlungen,
        unnest(generate_series(
            cast(date_trunc('month', zahlungen.zeitraum_von) as date),
            cast(date_trunc('month', zahlungen.zeitraum_bis) as date),
            interval 1 month
        -- LT01 off below: sqlfluff's duckdb dialect reads the alias' column list as a call
        )) as t(monat)  -- noqa: LT01

),

tage as (

    select
        *,
        -- days of the period before this month / up to the end of this month
        datediff('day', zeitraum_von, greatest(monat, zeitraum_von)) as tage_vorher,
        datediff('day', zeitraum_von, least(last_day(monat), zeitraum_bis)) + 1 as tage_bis_monatsende

    from monate

),

anteile as (

    select
        *,
        -- cumulative share rounded half away from zero, in whole cents
        sign(netto_cent) * ((abs(netto_cent) * tage_bis_monatsende * 2 + tage_gesamt) // (2 * tage_gesamt))
        - sign(netto_cent) * ((abs(netto_cent) * tage_vorher * 2 + tage_gesamt) // (2 * tage_gesamt))
            as anteil_cent

    from tage

),

final as (

    select
        -- ids
        buchung_id,
        monat,
        hilfe_id,
        traeger_id,

        -- dimensions
        year(monat) as jahr,
        wohnort_ags,
        hilfeart,
        kostenart,
        teilplan,

        -- amounts
        tage_bis_monatsende - tage_vorher as tage_im_zeitraum,
        {{ cents_to_eur('anteil_cent') }} as netto_periodengerecht_eur,

        -- bookkeeping: when the booking's row in int_zahlungen was built
        aktualisiert_am

    from anteile

)

select * from final
