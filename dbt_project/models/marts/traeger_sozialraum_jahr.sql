-- Per Haushaltsjahr, social space and provider: net booked (cash view) and the
-- number of helps with a booking; bookings without a provider (paid directly,
-- e.g. foster care allowance) form the row with an empty traeger_id, bookings
-- without a help the social space 'ohne Sozialraum'. The provider table of the
-- social-space pages of the report site.
with

zahlungen as (

    select * from {{ ref('int_zahlungen') }}

),

final as (

    select
        -- grain
        haushaltsjahr as jahr,
        sozialraum,
        traeger_id,

        -- figures
        {{ eur_sum('netto_eur') }} as netto_eur,
        count(distinct hilfe_id) as hilfen

    from zahlungen
    group by haushaltsjahr, sozialraum, traeger_id

)

select * from final
