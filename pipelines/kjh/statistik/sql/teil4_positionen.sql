-- Teil IV: the reporting year's bookings (cash view: year of buchungsdatum)
-- by Teilplan and position (the booking's help's hilfeart and § 41 flag), with
-- the warehouse's sign rules (ausgabe_eur, einnahme_eur) and Teilplan rule;
-- a booking's help is its latest version (int_hilfen_episoden), as in int_zahlungen.
-- The office of a booking (several offices in one warehouse): its own
-- `jugendamt`, else its help's; NULL = the office of meldestelle.yml.
with

zahlungen as (

    select * from {{ ref('stg_raw__zahlungen') }}
    where year(buchungsdatum) = {{ berichtsjahr }}

),

hilfen as (

    select * from {{ ref('int_hilfen_episoden') }}

),

gebucht as (

    select
        {{ teilplan_of('zahlungen.produktkonto') }} as teilplan,
        case
            when zahlungen.hilfe_id is null then 'ohne_hilfe'
            when hilfen.hilfe_id is null then 'nicht_zugeordnet'
            else hilfen.hilfeart
        end as position,
        case when coalesce(hilfen.ist_paragraph_41, false) then 'ja' else 'nein' end as paragraph_41,
        coalesce(zahlungen.jugendamt, hilfen.jugendamt) as jugendamt,
        zahlungen.kostenart,
        {{ ausgabe_eur('zahlungen.kostenart', 'zahlungen.betrag') }} as ausgabe_eur,
        {{ einnahme_eur('zahlungen.kostenart', 'zahlungen.betrag') }} as einnahme_eur

    from zahlungen
    left join hilfen
        on zahlungen.hilfe_id = hilfen.hilfe_id

),

final as (

    select
        jugendamt,
        teilplan,
        position,
        paragraph_41,
        cast({{ eur_sum('ausgabe_eur') }} * 100 as bigint) as ausgaben_cent,
        cast({{ eur_sum("case when kostenart = 'kostenbeitrag' then einnahme_eur end") }} * 100 as bigint)
            as kostenbeitraege_cent,
        cast({{ eur_sum("case when kostenart = 'erstattung' then einnahme_eur end") }} * 100 as bigint)
            as erstattungen_cent,
        cast({{ eur_sum('einnahme_eur') }} * 100 as bigint) as einnahmen_cent,
        count(*) as buchungen

    from gebucht
    group by jugendamt, teilplan, position, paragraph_41

)

select * from final
order by jugendamt nulls first, teilplan, position, paragraph_41
