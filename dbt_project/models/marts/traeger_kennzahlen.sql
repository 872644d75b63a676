-- Per year and provider: helps counted in the year (running on 31.12. or
-- ended in the year), case-months, net booked (cash, Haushaltsjahr) and the
-- provider's share of the net booked to all providers that year.
with

hilfen_jahre as (

    select * from {{ ref('int_hilfen_jahre') }}
    where traeger_id is not null

),

zahlungen as (

    select * from {{ ref('int_zahlungen') }}
    where traeger_id is not null

),

traeger as (

    select * from {{ ref('stg_raw__traeger') }}

),

traegerarten as (

    select * from {{ ref('stg_ref__codelisten') }}
    where liste = 'traegerart'

),

hilfen as (

    select
        jahr,
        traeger_id,
        count_if(im_jahr_gezaehlt) as hilfen,
        sum(fallmonate) as fallmonate

    from hilfen_jahre
    group by jahr, traeger_id

),

netto as (

    select
        haushaltsjahr as jahr,
        traeger_id,
        {{ eur_sum('netto_eur') }} as netto_eur

    from zahlungen
    group by haushaltsjahr, traeger_id

),

zusammen as (

    select
        coalesce(hilfen.jahr, netto.jahr) as jahr,
        coalesce(hilfen.traeger_id, netto.traeger_id) as traeger_id,
        coalesce(hilfen.hilfen, 0) as hilfen,
        cast(round(coalesce(hilfen.fallmonate, 0), 2) as decimal(18, 2)) as fallmonate,
        coalesce(netto.netto_eur, cast(0 as decimal(18, 2))) as netto_eur

    from hilfen
    full outer join netto
        on hilfen.jahr = netto.jahr
        and hilfen.traeger_id = netto.traeger_id

),

final as (

    select
        -- grain
        zusammen.jahr,
        zusammen.traeger_id,

        -- provider
        traeger.name,
        traeger.traegerart,
        traegerarten.bezeichnung as traegerart_bezeichnung,
        traeger.verband,

        -- figures
        zusammen.hilfen,
        zusammen.fallmonate,
        zusammen.netto_eur,
        case
            when sum(zusammen.netto_eur) over (partition by zusammen.jahr) <> 0
                then cast(round(
                    zusammen.netto_eur * 100.0 / sum(zusammen.netto_eur) over (partition by zusammen.jahr), 2
                ) as decimal(18, 2))
        end as anteil_netto_pct

    from zusammen
    left join traeger
        on zusammen.traeger_id = traeger.traeger_id
    left join traegerarten
        on traeger.traegerart = traegerarten.code

)

select * from final
