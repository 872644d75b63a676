-- Bookings (append-only); renames, casts, empty strings to NULL.
with

source as (

    select * from {{ source('raw', 'zahlungen') }}

),

renamed as (

    select
        -- ids
        buchung_id,
        nullif(trim(hilfe_id), '') as hilfe_id,
        nullif(trim(traeger_id), '') as traeger_id,
        nullif(trim(jugendamt), '') as jugendamt,  -- contract v2; NULL = the office of meldestelle.yml

        -- codes
        trim(produktkonto) as produktkonto,
        kostenart,

        -- amounts
        cast(betrag as decimal(18, 2)) as betrag,

        -- dates
        cast(buchungsdatum as date) as buchungsdatum,
        cast(zeitraum_von as date) as zeitraum_von,
        cast(zeitraum_bis as date) as zeitraum_bis,

        -- delivery
        cast(stand as date) as geliefert_stand,
        lieferung_id

    from source

)

select * from renamed
