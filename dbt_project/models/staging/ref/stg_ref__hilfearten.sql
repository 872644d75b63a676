with

source as (

    select * from {{ source('ref', 'hilfearten') }}

),

renamed as (

    select
        hilfeart,
        paragraph,
        bezeichnung,
        setting,
        statistik_code

    from source

)

select * from renamed
