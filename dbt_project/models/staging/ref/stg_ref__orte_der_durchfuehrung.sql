with

source as (

    select * from {{ source('ref', 'orte_der_durchfuehrung') }}

),

renamed as (

    select
        ort as ort_der_durchfuehrung,
        bezeichnung,
        setting

    from source

)

select * from renamed
