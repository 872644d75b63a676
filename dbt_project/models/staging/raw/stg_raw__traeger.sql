-- Providers, current state of the newest full export (stand_bis is null).
with

source as (

    select * from {{ source('raw', 'traeger') }}

),

current_state as (

    select
        -- ids
        traeger_id,

        -- attributes
        name,
        traegerart,
        nullif(trim(verband), '') as verband,
        sitz_ags,

        -- amounts
        cast(entgelt_tagessatz as decimal(18, 2)) as entgelt_tagessatz,

        -- dates
        cast(gueltig_ab as date) as gueltig_ab,
        cast(gueltig_bis as date) as gueltig_bis,
        cast(stand_ab as date) as stand_ab

    from source
    where stand_bis is null

)

select * from current_state
