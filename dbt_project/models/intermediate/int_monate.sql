-- Month spine: every month from January of the first reported year to the
-- month of the reporting cut-off, with the reference date (stichtag) of each.
with

berichtsstand as (

    select * from {{ ref('int_berichtsstand') }}

),

spine as (

    select
        cast(t.monat as date) as monat,
        berichtsstand.berichtsstand
    from berichtsstand,
        unnest(generate_series(
            make_date(berichtsstand.erstes_jahr, 1, 1),
            berichtsstand.berichtsmonat,
            interval 1 month
        -- LT01 off below: sqlfluff's duckdb dialect reads the alias' column list as a call
        )) as t(monat)  -- noqa: LT01

),

final as (

    select
        monat,
        year(monat) as jahr,
        month(monat) as monat_im_jahr,
        last_day(monat) as monatsende,
        -- reference date: the month end, or the cut-off in the month of the cut-off
        least(last_day(monat), berichtsstand) as stichtag,
        -- reference date of the year: 31.12., or the cut-off in the current year
        least(make_date(year(monat), 12, 31), berichtsstand) as jahresstichtag,
        day(last_day(monat)) as tage_im_monat,
        month(monat) = 12 or last_day(monat) >= berichtsstand as ist_letzter_monat_des_jahres,
        make_date(year(monat), 12, 31) <= berichtsstand as jahr_abgeschlossen

    from spine

)

select * from final
