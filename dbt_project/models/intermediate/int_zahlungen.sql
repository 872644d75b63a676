-- One row per booking with its amounts split by sign rule, its Teilplan and
-- Haushaltsjahr, and its help: type, setting and social space. The social
-- space is the mapping in force on buchungsdatum for the help's wohnort_ags;
-- a booking without a help belongs to 'ohne Sozialraum'.
--
-- Incremental (README.md, Benchmark: "Incremental builds"): bookings are never changed, so a
-- row only needs building again when the booking is new (a delivery after the
-- newest one taken in), when anything it takes from its help changed (the
-- help's fingerprint `hilfe_merkmale` differs: a new export version, a type's
-- setting) or when the social-space mapping changed (then every row).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='buchung_id',
        on_schema_change='append_new_columns',
    )
}}
{%- set inkrementell = inkrementell_moeglich('geaendert_am') %}

with

zahlungen as (

    select * from {{ ref('stg_raw__zahlungen') }}

),

hilfen as (

    select
        *,
        -- fingerprint of everything a booking row takes from its help
        hash(traeger_id, wohnort_ags, hilfeart, setting, ist_paragraph_41, beginn, ende) as merkmale

    from {{ ref('int_hilfen_episoden') }}

),

zuordnung as (

    select * from {{ ref('int_sozialraum_zuordnung') }}

),

zuordnung_stand as (

    -- fingerprint of the whole social-space mapping
    select
        hash(string_agg(concat_ws('|', ags, sozialraum, gueltig_ab, gueltig_bis), ',' order by ags, gueltig_ab))
            as zuordnung_stand

    from zuordnung

),

{% if inkrementell %}

bisher as (

    select
        coalesce(max(lieferung_id), -1) as letzte_lieferung,
        coalesce(bool_or(zuordnung_stand <> (select zuordnung_stand.zuordnung_stand from zuordnung_stand)), false)
            as zuordnung_geaendert

    from {{ this }}

),

geaenderte_hilfen as (

    select distinct bisherige.hilfe_id

    from {{ this }} as bisherige
    left join hilfen
        on bisherige.hilfe_id = hilfen.hilfe_id
    where bisherige.hilfe_id is not null
        and bisherige.hilfe_merkmale is distinct from hilfen.merkmale

),

zu_bauen as (

    select *
    from zahlungen
    where lieferung_id > (select bisher.letzte_lieferung from bisher)
        or hilfe_id in (select geaenderte_hilfen.hilfe_id from geaenderte_hilfen)
        or (select bisher.zuordnung_geaendert from bisher)

),

{% else %}

zu_bauen as (

    select * from zahlungen

),

{% endif %}

-- ST03 off for neu and alt: final uses them; sqlfluff lints one rendering of the if/else at a time
neu as (  -- noqa: ST03

    select
        -- ids
        zu_bauen.buchung_id,
        zu_bauen.hilfe_id,
        -- provider of the booking; the help's provider when the booking names none
        coalesce(zu_bauen.traeger_id, hilfen.traeger_id) as traeger_id,

        -- dimensions
        year(zu_bauen.buchungsdatum) as haushaltsjahr,
        cast(date_trunc('month', zu_bauen.buchungsdatum) as date) as buchungsmonat,
        zu_bauen.kostenart,
        zu_bauen.produktkonto,
        {{ teilplan_of('zu_bauen.produktkonto') }} as teilplan,
        case
            when zu_bauen.hilfe_id is null then {{ ohne_sozialraum() }}
            else coalesce(zuordnung.sozialraum, {{ sozialraum_nicht_zugeordnet() }})
        end as sozialraum,
        hilfen.wohnort_ags,
        hilfen.hilfeart,
        hilfen.setting,
        hilfen.ist_paragraph_41,
        hilfen.beginn as hilfe_beginn,
        hilfen.ende as hilfe_ende,

        -- amounts
        zu_bauen.betrag,
        {{ ausgabe_eur('zu_bauen.kostenart', 'zu_bauen.betrag') }} as ausgabe_eur,
        {{ einnahme_eur('zu_bauen.kostenart', 'zu_bauen.betrag') }} as einnahme_eur,
        {{ netto_eur('zu_bauen.kostenart', 'zu_bauen.betrag') }} as netto_eur,

        -- dates
        zu_bauen.buchungsdatum,
        zu_bauen.zeitraum_von,
        -- a period that ends before it starts is taken as its first day
        greatest(zu_bauen.zeitraum_bis, zu_bauen.zeitraum_von) as zeitraum_bis,

        -- bookkeeping of the incremental build
        zu_bauen.lieferung_id,
        hilfen.merkmale as hilfe_merkmale,
        (select zuordnung_stand.zuordnung_stand from zuordnung_stand) as zuordnung_stand,
        {{ lauf_zeitpunkt() }} as aktualisiert_am

    from zu_bauen
    left join hilfen
        on zu_bauen.hilfe_id = hilfen.hilfe_id
    left join zuordnung
        on {{ zuordnung_gilt_am('zuordnung', 'hilfen.wohnort_ags', 'zu_bauen.buchungsdatum') }}

),

{% if inkrementell %}

alt as (  -- noqa: ST03

    -- the rows being replaced: did the figures the expenditure marts read change?
    select
        buchung_id, haushaltsjahr, buchungsmonat, sozialraum, teilplan, hilfeart,
        ausgabe_eur, einnahme_eur, netto_eur, geaendert_am

    from {{ this }}
    where buchung_id in (select zu_bauen.buchung_id from zu_bauen)

),

final as (

    select
        neu.*,
        case
            when alt.buchung_id is not null
                and neu.haushaltsjahr is not distinct from alt.haushaltsjahr
                and neu.buchungsmonat is not distinct from alt.buchungsmonat
                and neu.sozialraum is not distinct from alt.sozialraum
                and neu.teilplan is not distinct from alt.teilplan
                and neu.hilfeart is not distinct from alt.hilfeart
                and neu.ausgabe_eur is not distinct from alt.ausgabe_eur
                and neu.einnahme_eur is not distinct from alt.einnahme_eur
                and neu.netto_eur is not distinct from alt.netto_eur
                then alt.geaendert_am
            else neu.aktualisiert_am
        end as geaendert_am

    from neu
    left join alt
        on neu.buchung_id = alt.buchung_id

)

{% else %}

final as (

    select
        neu.*,
        neu.aktualisiert_am as geaendert_am

    from neu

)

{% endif %}

select * from final
