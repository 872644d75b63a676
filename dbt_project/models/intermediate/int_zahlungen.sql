-- One row per booking with its amounts split by sign rule, its Teilplan and
-- Haushaltsjahr, and its help: type, setting and social space. The social
-- space is the mapping in force on buchungsdatum for the help's wohnort_ags;
-- a booking without a help belongs to 'ohne Sozialraum'.
with

zahlungen as (

    select * from {{ ref('stg_raw__zahlungen') }}

),

hilfen as (

    select * from {{ ref('int_hilfen_episoden') }}

),

zuordnung as (

    select * from {{ ref('int_sozialraum_zuordnung') }}

),

final as (

    select
        -- ids
        zahlungen.buchung_id,
        zahlungen.hilfe_id,
        -- provider of the booking; the help's provider when the booking names none
        coalesce(zahlungen.traeger_id, hilfen.traeger_id) as traeger_id,

        -- dimensions
        year(zahlungen.buchungsdatum) as haushaltsjahr,
        cast(date_trunc('month', zahlungen.buchungsdatum) as date) as buchungsmonat,
        zahlungen.kostenart,
        zahlungen.produktkonto,
        {{ teilplan_of('zahlungen.produktkonto') }} as teilplan,
        case
            when zahlungen.hilfe_id is null then {{ ohne_sozialraum() }}
            else coalesce(zuordnung.sozialraum, {{ sozialraum_nicht_zugeordnet() }})
        end as sozialraum,
        hilfen.wohnort_ags,
        hilfen.hilfeart,
        hilfen.setting,
        hilfen.ist_paragraph_41,
        hilfen.beginn as hilfe_beginn,
        hilfen.ende as hilfe_ende,

        -- amounts
        zahlungen.betrag,
        {{ ausgabe_eur('zahlungen.kostenart', 'zahlungen.betrag') }} as ausgabe_eur,
        {{ einnahme_eur('zahlungen.kostenart', 'zahlungen.betrag') }} as einnahme_eur,
        {{ netto_eur('zahlungen.kostenart', 'zahlungen.betrag') }} as netto_eur,

        -- dates
        zahlungen.buchungsdatum,
        zahlungen.zeitraum_von,
        -- a period that ends before it starts is taken as its first day
        greatest(zahlungen.zeitraum_bis, zahlungen.zeitraum_von) as zeitraum_bis

    from zahlungen
    left join hilfen
        on zahlungen.hilfe_id = hilfen.hilfe_id
    left join zuordnung
        on {{ zuordnung_gilt_am('zuordnung', 'hilfen.wohnort_ags', 'zahlungen.buchungsdatum') }}

)

select * from final
