-- Budget caps, current state of the newest file (an amended budget replaces the old one).
with

source as (

    select * from {{ source('raw', 'budgets') }}

),

current_state as (

    select
        -- ids
        trim(sozialraum) as sozialraum,
        haushaltsjahr,
        trim(teilplan) as teilplan,

        -- amounts
        cast(budget_eur as decimal(18, 2)) as budget_eur,

        -- history
        cast(stand_ab as date) as stand_ab

    from source
    where stand_bis is null

)

select * from current_state
