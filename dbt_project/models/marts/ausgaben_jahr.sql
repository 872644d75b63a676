with

zahlungen as (

    select * from {{ ref('int_zahlungen') }}

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
