-- HZE: one record per help running on 31.12. of the reporting year or ended
-- in it; a Sozialpädagogische Familienhilfe (hilfeart {{ spfh }}) is one record
-- per family: the SPFH helps of one case file (fall) with the same beginn are
-- one family help. The rules are the warehouse's (is_running_on,
-- is_in_period, int_hilfen_episoden: latest version, § 41 flag), on the
-- state of the recorded inputs. No pseudonym leaves this query.
-- The Merkmale of contract v2 come out under their contract column names
-- (grund_2, …, jugendamt) for the layout's `quelle`; those only an ended help
-- has (anschliessender_aufenthalt, nachfolgende_hilfe) are those of the help
-- that ended last, like the reason for ending.
with

episoden as (

    select * from {{ ref('int_hilfen_episoden') }}
    where im_aktuellen_export

),

versionen as (

    select * from {{ ref('stg_raw__hilfen') }}

),

traeger as (

    select * from {{ ref('stg_raw__traeger') }}

),

codes as (

    select * from {{ codes }}

),

hilfen as (

    select
        episoden.hilfe_id,
        episoden.hilfeart,
        codes.statistik_code as art_der_hilfe,
        episoden.ort_der_durchfuehrung,
        episoden.ist_paragraph_41,
        episoden.alter_bei_beginn,
        episoden.geschlecht,
        episoden.hauptgrund,
        episoden.beendigungsgrund,
        episoden.traeger_id,
        episoden.beginn,
        episoden.ende,
        episoden.fall_pseudonym,
        episoden.person_pseudonym,
        versionen.geburtsjahr,
        versionen.geburtsmonat,
        versionen.auslaendische_herkunft,
        versionen.deutsch_in_familie,
        versionen.grund_2,
        versionen.grund_3,
        versionen.aufenthalt_vor_hilfe,
        versionen.situation_herkunftsfamilie,
        versionen.transferleistungen,
        versionen.anregende_institution,
        versionen.sorgerechtsentzug_1666,
        versionen.geschlossene_unterbringung_1631b,
        versionen.anschliessender_aufenthalt,
        versionen.nachfolgende_hilfe,
        versionen.uebernahme_anderes_jugendamt,
        versionen.gefaehrdungseinschaetzung_8a,
        versionen.im_anschluss_an_42,
        versionen.schulbesuch_ausbildung,
        versionen.jugendamt,
        case
            when episoden.hilfeart = '{{ spfh }}'
                then 'F|' || episoden.fall_pseudonym || '|' || cast(episoden.beginn as varchar)
            else 'H|' || episoden.hilfe_id
        end as einheit,
        {{ is_running_on('episoden.beginn', 'episoden.ende', stichtag) }}
            or {{ is_in_period('episoden.ende', jahresbeginn, stichtag) }} as einzeln_gezaehlt

    from episoden
    inner join versionen
        on versionen.hilfe_id = episoden.hilfe_id
        and versionen.stand_ab = episoden.stand_ab
    inner join codes
        on codes.hilfeart = episoden.hilfeart
    where codes.statistik_code is not null

),

einheiten as (

    select
        einheit,
        min(hilfe_id) as hilfe_id,
        count(*) as hilfen,
        count_if(einzeln_gezaehlt) as hilfen_gezaehlt,
        -- the family help runs until its last help ends
        case when bool_or(ende is null) then null else max(ende) end as ende

    from hilfen
    group by einheit

),

letzte as (

    -- reason for ending of a unit: that of the help that ended last (smallest hilfe_id on a tie)
    select
        einheit,
        beendigungsgrund as beendigungsgrund_letzte,
        anschliessender_aufenthalt as anschliessender_aufenthalt_letzte,
        nachfolgende_hilfe as nachfolgende_hilfe_letzte

    from hilfen
    qualify row_number() over (partition by einheit order by ende desc nulls first, hilfe_id) = 1

),

saetze as (

    select
        hilfen.hilfe_id,
        hilfen.hilfeart,
        hilfen.art_der_hilfe,
        hilfen.ort_der_durchfuehrung,
        hilfen.alter_bei_beginn,
        case when hilfen.ist_paragraph_41 then 'ja' else 'nein' end as paragraph_41,
        hilfen.geschlecht,
        hilfen.hauptgrund,
        hilfen.geburtsjahr,
        hilfen.geburtsmonat,
        hilfen.auslaendische_herkunft,
        hilfen.deutsch_in_familie,
        hilfen.grund_2,
        hilfen.grund_3,
        hilfen.aufenthalt_vor_hilfe,
        hilfen.situation_herkunftsfamilie,
        hilfen.transferleistungen,
        hilfen.anregende_institution,
        hilfen.sorgerechtsentzug_1666,
        hilfen.geschlossene_unterbringung_1631b,
        hilfen.uebernahme_anderes_jugendamt,
        hilfen.gefaehrdungseinschaetzung_8a,
        hilfen.im_anschluss_an_42,
        hilfen.schulbesuch_ausbildung,
        hilfen.jugendamt,
        letzte.anschliessender_aufenthalt_letzte,
        letzte.nachfolgende_hilfe_letzte,
        case when hilfen.traeger_id is null then 'oeffentlich' else traeger.traegerart end as traegerart,
        case
            when traeger.traegerart = 'frei_gemeinnuetzig' then coalesce(lower(nullif(trim(traeger.verband), '')), 'ohne')
        end as verband,
        hilfen.beginn,
        einheiten.ende,
        einheiten.hilfen_gezaehlt,
        {{ is_running_on('hilfen.beginn', 'einheiten.ende', stichtag) }} as laufend,
        {{ is_in_period('einheiten.ende', jahresbeginn, stichtag) }} as beendet,
        letzte.beendigungsgrund_letzte as beendigungsgrund_quelle,
        count(*) over (partition by hilfen.person_pseudonym, hilfen.art_der_hilfe, hilfen.beginn) > 1 as doppelt

    from einheiten
    inner join hilfen
        on hilfen.hilfe_id = einheiten.hilfe_id
    inner join letzte
        on letzte.einheit = einheiten.einheit
    left join traeger
        on traeger.traeger_id = hilfen.traeger_id

),

final as (

    select
        hilfe_id,
        hilfeart,
        art_der_hilfe,
        ort_der_durchfuehrung,
        alter_bei_beginn,
        paragraph_41,
        traegerart,
        verband,
        hauptgrund,
        geschlecht,
        geburtsmonat,
        geburtsjahr,
        auslaendische_herkunft,
        deutsch_in_familie,
        -- Träger (HZE pos. 32-33): the association of a free provider, else the kind of provider
        coalesce(verband, traegerart) as traeger,
        grund_2,
        grund_3,
        aufenthalt_vor_hilfe,
        situation_herkunftsfamilie,
        transferleistungen,
        anregende_institution,
        sorgerechtsentzug_1666,
        geschlossene_unterbringung_1631b,
        uebernahme_anderes_jugendamt,
        gefaehrdungseinschaetzung_8a,
        im_anschluss_an_42,
        schulbesuch_ausbildung,
        jugendamt,
        beginn,
        month(beginn) as beginn_monat,
        year(beginn) as beginn_jahr,
        case when laufend then null else ende end as ende,
        case when laufend then null else month(ende) end as ende_monat,
        case when laufend then null else year(ende) end as ende_jahr,
        case when laufend then null else beendigungsgrund_quelle end as beendigungsgrund,
        case when laufend then null else anschliessender_aufenthalt_letzte end as anschliessender_aufenthalt,
        case when laufend then null else nachfolgende_hilfe_letzte end as nachfolgende_hilfe,
        case when laufend then 'j' else 'n' end as fortdauer,
        laufend,
        beendet,
        hilfen_gezaehlt,
        doppelt

    from saetze
    where laufend or beendet

)

select * from final
order by art_der_hilfe, beginn, hilfe_id
