-- Every version of the municipality -> social space mapping.
with

source as (

    select * from {{ source('raw', 'sozialraeume') }}

),

renamed as (

    select
        -- ids
        ags,

        -- attributes
        gemeinde,
        trim(sozialraum) as sozialraum,
        trim(region) as region,

        -- history
        cast(stand_ab as date) as stand_ab,
        cast(stand_bis as date) as stand_bis

    from source

)

select * from renamed
