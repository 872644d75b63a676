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

        -- contract v2: Merkmale of the state statistics (NULL = not in the export)
        nullif(trim(grund_2), '') as grund_2,
        nullif(trim(grund_3), '') as grund_3,
        nullif(trim(aufenthalt_vor_hilfe), '') as aufenthalt_vor_hilfe,
        nullif(trim(situation_herkunftsfamilie), '') as situation_herkunftsfamilie,
        nullif(trim(transferleistungen), '') as transferleistungen,
        nullif(trim(anregende_institution), '') as anregende_institution,
        nullif(trim(sorgerechtsentzug_1666), '') as sorgerechtsentzug_1666,
        nullif(trim(geschlossene_unterbringung_1631b), '') as geschlossene_unterbringung_1631b,
        nullif(trim(anschliessender_aufenthalt), '') as anschliessender_aufenthalt,
        nullif(trim(nachfolgende_hilfe), '') as nachfolgende_hilfe,
        nullif(trim(uebernahme_anderes_jugendamt), '') as uebernahme_anderes_jugendamt,
        nullif(trim(gefaehrdungseinschaetzung_8a), '') as gefaehrdungseinschaetzung_8a,
        nullif(trim(im_anschluss_an_42), '') as im_anschluss_an_42,
        nullif(trim(schulbesuch_ausbildung), '') as schulbesuch_ausbildung,
        nullif(trim(anlass_42), '') as anlass_42,
        nullif(trim(hinweisgeber_42), '') as hinweisgeber_42,
        nullif(trim(unterbringungsform_42), '') as unterbringungsform_42,
        nullif(trim(jugendamt), '') as jugendamt,

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
