with

zahlungen as (

    select * from {{ ref('int_zahlungen') }}

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
