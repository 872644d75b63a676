-- Every version of every help; renames, casts, empty strings to NULL.
with

source as (

    select * from {{ source('raw', 'hilfen') }}

),

renamed as (

    select
        -- ids
        hilfe_id,
        fall_pseudonym,
        person_pseudonym,
        nullif(trim(traeger_id), '') as traeger_id,

        -- person
        geburtsjahr,
        geburtsmonat,
        alter_bei_beginn,
        geschlecht,
        auslaendische_herkunft,
        deutsch_in_familie,
        wohnort_ags,

        -- help
        hilfeart,
        nullif(trim(ort_der_durchfuehrung), '') as ort_der_durchfuehrung,
        hauptgrund,
        nullif(trim(beendigungsgrund), '') as beendigungsgrund,

        -- dates
        cast(beginn as date) as beginn,
        cast(ende as date) as ende,

        -- history
        cast(stand_ab as date) as stand_ab,
        cast(stand_bis as date) as stand_bis,
        stand_bis is null as ist_aktuell,
        lieferung_id

    from source

)

select * from renamed
