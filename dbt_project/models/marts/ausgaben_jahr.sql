-- Incremental by Haushaltsjahr (README.md, Benchmark: "Incremental builds"): a build
-- recomputes the years in which a booking's figures changed since the last
-- build (int_zahlungen.geaendert_am after this mart's watermark) and replaces
-- them; a monthly delta touches the current year only.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='haushaltsjahr',
        on_schema_change='fail',
        post_hook="{{ inkrement_stand_merken('select max(geaendert_am) from ' ~ ref('int_zahlungen')) }}",
    )
}}

with

zahlungen as (

    select * from {{ ref('int_zahlungen') }}
    {% if is_incremental() %}
    where haushaltsjahr in ({{ geaenderte_haushaltsjahre() }})
    {% endif %}

),

final as (

    select
        -- grain
        haushaltsjahr,
        sozialraum,
        teilplan,

        -- amounts
        {{ eur_sum('ausgabe_eur') }} as ausgaben_eur,
        {{ eur_sum('einnahme_eur') }} as einnahmen_eur,
        {{ eur_sum('netto_eur') }} as netto_eur,
        count(*) as buchungen

    from zahlungen
    group by haushaltsjahr, sozialraum, teilplan

)

select * from final
