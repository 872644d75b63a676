-- § 42 (VSM): one record per Inobhutnahme ended in the reporting year
-- (is_in_period on ende), on the state of the recorded inputs. The § 42
-- Merkmale of contract v2 come out under their contract column names.
with

episoden as (

    select * from {{ ref('int_hilfen_episoden') }}
    where im_aktuellen_export and hilfeart = '{{ inobhutnahme }}'

),

versionen as (

    select * from {{ ref('stg_raw__hilfen') }}

),

traeger as (

    select * from {{ ref('stg_raw__traeger') }}

),

final as (

    select
        episoden.hilfe_id,
        episoden.beginn,
        episoden.ende,
        month(episoden.beginn) as beginn_monat,
        year(episoden.beginn) as beginn_jahr,
        month(episoden.ende) as ende_monat,
        year(episoden.ende) as ende_jahr,
        datediff('day', episoden.beginn, episoden.ende) as dauer_tage,
        episoden.geschlecht,
        episoden.alter_bei_beginn,
        versionen.auslaendische_herkunft,
        versionen.deutsch_in_familie,
        case when episoden.traeger_id is null then 'oeffentlich' else traeger.traegerart end as traegerart,
        versionen.anlass_42,
        versionen.hinweisgeber_42,
        versionen.unterbringungsform_42,
        versionen.aufenthalt_vor_hilfe,
        versionen.gefaehrdungseinschaetzung_8a,
        versionen.jugendamt,
        count(*) over (partition by episoden.person_pseudonym, episoden.beginn) > 1 as doppelt

    from episoden
    inner join versionen
        on versionen.hilfe_id = episoden.hilfe_id
        and versionen.stand_ab = episoden.stand_ab
    left join traeger
        on traeger.traeger_id = episoden.traeger_id
    where {{ is_in_period('episoden.ende', jahresbeginn, stichtag) }}

)

select * from final
order by beginn, ende, hilfe_id
