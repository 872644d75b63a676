with

source as (

    select * from {{ source('ref', 'codelisten') }}

),

renamed as (

    select
        liste,
        code,
        bezeichnung

    from source

)

select * from renamed
