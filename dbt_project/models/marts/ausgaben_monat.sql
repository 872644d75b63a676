-- Incremental by Haushaltsjahr like ausgaben_jahr: the months of every year
-- in which a booking's figures changed are recomputed (the cumulated net
-- runs within the Haushaltsjahr) and replace the stored months of that year.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='monat',
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

monate as (

    select
        buchungsmonat as monat,
        haushaltsjahr,
        sozialraum,
        teilplan,
        hilfeart,
        {{ eur_sum('ausgabe_eur') }} as ausgaben_eur,
        {{ eur_sum('einnahme_eur') }} as einnahmen_eur,
        {{ eur_sum('netto_eur') }} as netto_eur

    from zahlungen
    group by buchungsmonat, haushaltsjahr, sozialraum, teilplan, hilfeart

),

final as (

    select
        -- grain
        monat,
        sozialraum,
        teilplan,
        hilfeart,

        -- amounts
        ausgaben_eur,
        einnahmen_eur,
        netto_eur,
        cast(sum(netto_eur) over (
            partition by haushaltsjahr, sozialraum, teilplan, hilfeart
            order by monat rows between unbounded preceding and current row
        ) as decimal(18, 2)) as netto_kumuliert_eur

    from monate

)

select * from final
