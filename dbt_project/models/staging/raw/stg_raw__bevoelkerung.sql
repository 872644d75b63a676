-- Young residents (31.12. of jahr), current state of the newest file.
with

source as (

    select * from {{ source('raw', 'bevoelkerung') }}

),

current_state as (

    select
        -- ids
        ags,
        jahr,
        altersgruppe,

        -- figures
        anzahl,

        -- history
        cast(stand_ab as date) as stand_ab

    from source
    where stand_bis is null

)

select * from current_state
