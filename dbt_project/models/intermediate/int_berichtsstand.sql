-- One row: the reporting cut-off and the years to report.
with

hilfen as (

    select * from {{ ref('stg_raw__hilfen') }}

),

zahlungen as (

    select * from {{ ref('stg_raw__zahlungen') }}

),

hilfen_stand as (

    select
        -- the newest hilfen export: a version begins or ends on each export date
        {{ newest_export_date('stand_ab', 'stand_bis') }} as stand_hilfen,
        min(case when ist_aktuell then beginn end) as erster_beginn

    from hilfen

),

zahlungen_stand as (

    select
        max(geliefert_stand) as stand_zahlungen,
        min(buchungsdatum) as erste_buchung,
        max(buchungsdatum) as letzte_buchung

    from zahlungen

),

combined as (

    select
        hilfen_stand.stand_hilfen,
        zahlungen_stand.stand_zahlungen,
        zahlungen_stand.letzte_buchung,
        -- reporting cut-off: the latest export date (a booking is never later than its export)
        greatest(
            hilfen_stand.stand_hilfen,
            zahlungen_stand.stand_zahlungen,
            zahlungen_stand.letzte_buchung
        ) as berichtsstand,
        coalesce(
            cast({{ var('erstes_berichtsjahr') if var('erstes_berichtsjahr') is not none else 'null' }} as integer),
            -- both sources present: before the first booking the case history is usually incomplete too
            greatest(year(hilfen_stand.erster_beginn), year(zahlungen_stand.erste_buchung))
        ) as erstes_jahr

    from hilfen_stand
    cross join zahlungen_stand

),

final as (

    select
        stand_hilfen,
        stand_zahlungen,
        letzte_buchung,
        berichtsstand,
        erstes_jahr,
        year(berichtsstand) as letztes_jahr,
        cast(date_trunc('month', berichtsstand) as date) as berichtsmonat

    from combined
    -- no exports loaded yet: no row, so every mart is empty instead of wrong
    where berichtsstand is not null and erstes_jahr is not null

)

select * from final
