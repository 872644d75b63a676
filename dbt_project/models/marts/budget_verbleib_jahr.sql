-- Kreis Segeberg rule: where a social space ends a Haushaltsjahr under its cap
-- (sum of its Teilplan budgets), at least half of the unspent amount stays in
-- that region for case-independent work. Closed years use the actual year-end
-- net, the current year the forecast.
with

auslastung as (

    select * from {{ ref('budget_auslastung') }}

),

zuordnung as (

    select * from {{ ref('int_sozialraum_zuordnung') }}

),

regionen as (

    -- region of each social space in its newest mapping version
    select
        sozialraum,
        arg_max(region, gueltig_ab) as region

    from zuordnung
    group by sozialraum

),

je_sozialraum as (

    select
        haushaltsjahr,
        sozialraum,
        any_value(prognose_basis) as basis,
        {{ eur_sum('budget_eur') }} as budget_eur,
        {{ eur_sum('prognose_jahresende_eur') }} as netto_jahresende_eur

    from auslastung
    -- the cap covers the Teilplaene that have a budget
    where prognose_basis is not null
        and budget_eur is not null
    group by haushaltsjahr, sozialraum

),

final as (

    select
        -- grain
        je_sozialraum.haushaltsjahr,
        je_sozialraum.sozialraum,

        -- dimensions
        regionen.region,
        je_sozialraum.basis,

        -- amounts
        je_sozialraum.budget_eur,
        je_sozialraum.netto_jahresende_eur,
        cast(greatest(je_sozialraum.budget_eur - je_sozialraum.netto_jahresende_eur, 0) as decimal(18, 2))
            as unterschreitung_eur,
        -- rounded up to the cent: "at least" the share
        {{ cents_to_eur(
            'ceil(greatest(je_sozialraum.budget_eur - je_sozialraum.netto_jahresende_eur, 0) * 100 * '
            ~ var('verbleib_region_anteil') ~ ')'
        ) }} as verbleib_region_mindestens_eur

    from je_sozialraum
    left join regionen
        on je_sozialraum.sozialraum = regionen.sozialraum

)

select * from final
