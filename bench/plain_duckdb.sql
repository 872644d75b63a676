-- The practical lower bound: the four headline marts straight from the CSV
-- exports with plain DuckDB SQL, the same definitions as the dbt models
-- (dbt_project/README.md), no validation, no history, no pseudonyms, no
-- quarantine, no orchestration. bench/plain_duckdb.py fills in the file lists
-- ({hilfen}, {zahlungen}, ...: DuckDB list literals; Windows-1252 files are
-- transcoded to UTF-8 first) and the code lists of the contract
-- (tables hilfearten, orte), then runs this script statement by statement.
--
-- Bookings of all deltas are taken as they are (union all): the demo exports
-- deliver no booking twice. hilfen: the latest version of each help over all
-- exports; counted are the helps of the newest export.

create temp table hilfen_versionen as
select
    *,
    cast(strptime(regexp_extract(filename, '_(\d{8})[^/]*\.csv$', 1), '%Y%m%d') as date) as stand
from read_csv({hilfen}, delim = ';', quote = '"', escape = '"', header = true, auto_detect = false,
              filename = true, dateformat = '%d.%m.%Y',
              columns = {'hilfe_id': 'VARCHAR', 'fall_id': 'VARCHAR', 'person_id': 'VARCHAR',
                         'geburtsdatum': 'DATE', 'geschlecht': 'VARCHAR', 'auslaendische_herkunft': 'VARCHAR',
                         'deutsch_in_familie': 'VARCHAR', 'wohnort_ags': 'VARCHAR', 'hilfeart': 'VARCHAR',
                         'ort_der_durchfuehrung': 'VARCHAR', 'beginn': 'DATE', 'ende': 'DATE',
                         'beendigungsgrund': 'VARCHAR', 'traeger_id': 'VARCHAR', 'hauptgrund': 'VARCHAR',
                         -- contract v2 (docs/source-exports.md), as the demo writes them
                         'grund_2': 'VARCHAR', 'grund_3': 'VARCHAR', 'aufenthalt_vor_hilfe': 'VARCHAR',
                         'situation_herkunftsfamilie': 'VARCHAR', 'transferleistungen': 'VARCHAR',
                         'anregende_institution': 'VARCHAR', 'sorgerechtsentzug_1666': 'VARCHAR',
                         'geschlossene_unterbringung_1631b': 'VARCHAR', 'anschliessender_aufenthalt': 'VARCHAR',
                         'nachfolgende_hilfe': 'VARCHAR', 'uebernahme_anderes_jugendamt': 'VARCHAR',
                         'gefaehrdungseinschaetzung_8a': 'VARCHAR', 'im_anschluss_an_42': 'VARCHAR',
                         'schulbesuch_ausbildung': 'VARCHAR', 'anlass_42': 'VARCHAR', 'hinweisgeber_42': 'VARCHAR',
                         'unterbringungsform_42': 'VARCHAR', 'jugendamt': 'VARCHAR'});

create temp table hilfen as
select
    h.hilfe_id,
    h.wohnort_ags,
    h.hilfeart,
    h.beginn,
    h.ende,
    h.stand,
    h.stand = (select max(stand) from hilfen_versionen) as aktuell,
    -- § 41: 18 or older (whole years) at beginn
    year(h.beginn) - year(h.geburtsdatum)
        - case when month(h.beginn) * 100 + day(h.beginn) < month(h.geburtsdatum) * 100 + day(h.geburtsdatum)
               then 1 else 0 end >= 18 as p41,
    case when a.setting = 'nach_ort' then coalesce(o.setting, 'ambulant') else a.setting end as setting
from hilfen_versionen h
left join hilfearten a on a.hilfeart = h.hilfeart
left join orte o on o.ort = h.ort_der_durchfuehrung
qualify row_number() over (partition by h.hilfe_id order by h.stand desc) = 1;

create temp table zuordnung as
with versionen as (
    select
        ags,
        trim(sozialraum) as sozialraum,
        cast(strptime(regexp_extract(filename, '_(\d{8})[^/]*\.csv$', 1), '%Y%m%d') as date) as stand
    from read_csv({sozialraeume}, delim = ';', quote = '"', escape = '"', header = true, auto_detect = false,
                  filename = true,
                  columns = {'ags': 'VARCHAR', 'gemeinde': 'VARCHAR', 'sozialraum': 'VARCHAR', 'region': 'VARCHAR'})
),
geordnet as (
    select
        *,
        row_number() over (partition by ags order by stand) as nr,
        lead(stand) over (partition by ags order by stand) as naechster
    from versionen
)
select
    ags,
    sozialraum,
    case when nr = 1 then date '0001-01-01' else stand end as gueltig_ab,
    coalesce(naechster, date '9999-12-31') as gueltig_bis
from geordnet;

-- every booking with its amounts by sign rule, Teilplan, month and social space
create temp table zahlungen as
select
    year(z.buchungsdatum) as haushaltsjahr,
    cast(date_trunc('month', z.buchungsdatum) as date) as buchungsmonat,
    left(trim(z.produktkonto), 4) as teilplan,
    z.hilfe_id is not null as mit_hilfe,
    h.beginn as hilfe_beginn,
    h.ende as hilfe_ende,
    case when z.hilfe_id is null then 'ohne Sozialraum'
         else coalesce(zu.sozialraum, 'nicht zugeordnet') end as sozialraum,
    case when z.kostenart = 'leistung' then z.betrag else cast(0 as decimal(18, 2)) end as ausgabe,
    case when z.kostenart in ('erstattung', 'kostenbeitrag') then z.betrag else cast(0 as decimal(18, 2)) end as einnahme,
    case when z.kostenart = 'leistung' then z.betrag
         when z.kostenart in ('erstattung', 'kostenbeitrag') then -z.betrag end as netto,
    z.buchungsdatum
from read_csv({zahlungen}, delim = ';', quote = '"', escape = '"', header = true, auto_detect = false,
              dateformat = '%d.%m.%Y', decimal_separator = ',', thousands = '.',
              columns = {'buchung_id': 'VARCHAR', 'hilfe_id': 'VARCHAR', 'buchungsdatum': 'DATE',
                         'zeitraum_von': 'DATE', 'zeitraum_bis': 'DATE', 'betrag': 'DECIMAL(18,2)',
                         'produktkonto': 'VARCHAR', 'kostenart': 'VARCHAR', 'traeger_id': 'VARCHAR',
                         'jugendamt': 'VARCHAR'}) z
left join hilfen h on h.hilfe_id = z.hilfe_id
left join zuordnung zu
    on zu.ags = h.wohnort_ags and z.buchungsdatum >= zu.gueltig_ab and z.buchungsdatum < zu.gueltig_bis;

-- cut-off: the latest export date; first year: both sources have data
create temp table stand as
with h as (
    select max(stand) as stand_hilfen, min(beginn) filter (where aktuell) as erster_beginn from hilfen
),
z as (
    select
        (select max(cast(strptime(regexp_extract(f, '_(\d{8})[^/]*\.csv$', 1), '%Y%m%d') as date))
         from unnest({zahlungen}) as t(f)) as stand_zahlungen,
        min(buchungsdatum) as erste_buchung,
        max(buchungsdatum) as letzte_buchung
    from zahlungen
)
select
    z.letzte_buchung,
    greatest(h.stand_hilfen, z.stand_zahlungen, z.letzte_buchung) as berichtsstand,
    greatest(year(h.erster_beginn), year(z.erste_buchung)) as erstes_jahr
from h, z;

create temp table monate as
select
    cast(t.m as date) as monat,
    year(t.m) as jahr,
    month(t.m) as monat_im_jahr,
    least(last_day(t.m), s.berichtsstand) as stichtag,
    least(make_date(year(t.m), 12, 31), s.berichtsstand) as jahresstichtag,
    make_date(year(t.m), 12, 31) <= s.berichtsstand as jahr_abgeschlossen
from stand s,
    unnest(generate_series(make_date(s.erstes_jahr, 1, 1), cast(date_trunc('month', s.berichtsstand) as date),
                           interval 1 month)) as t(m);

-- helps of the newest export per year: running on the year's reference date
-- (31.12. or the cut-off), begun, ended; social space on that date
create temp table hilfen_jahre as
with jahre as (
    select jahr, any_value(jahresstichtag) as jahresstichtag from monate group by jahr
)
select
    j.jahr,
    j.jahresstichtag,
    coalesce(zu.sozialraum, 'nicht zugeordnet') as sozialraum,
    h.hilfeart,
    h.setting,
    h.p41,
    h.beginn <= j.jahresstichtag and (h.ende is null or h.ende > j.jahresstichtag) as laufend,
    h.beginn between make_date(j.jahr, 1, 1) and j.jahresstichtag as begonnen,
    coalesce(h.ende between make_date(j.jahr, 1, 1) and j.jahresstichtag, false) as beendet
from hilfen h
join jahre j
    on date_trunc('month', h.beginn) <= date_trunc('month', j.jahresstichtag)
    and date_trunc('month', coalesce(h.ende, date '9999-12-31')) >= make_date(j.jahr, 1, 1)
left join zuordnung zu
    on zu.ags = h.wohnort_ags and j.jahresstichtag >= zu.gueltig_ab and j.jahresstichtag < zu.gueltig_bis
where h.aktuell;

create table fallzahlen_jahr as
select
    jahr,
    sozialraum,
    hilfeart,
    any_value(jahresstichtag) as stichtag,
    count_if(laufend) as laufend_31_12,
    count_if(begonnen) as begonnen,
    count_if(beendet) as beendet,
    count_if((laufend or beendet) and p41) as davon_41,
    count_if((laufend or beendet) and setting = 'ambulant') as davon_ambulant,
    count_if((laufend or beendet) and setting = 'teilstationaer') as davon_teilstationaer,
    count_if((laufend or beendet) and setting = 'stationaer') as davon_stationaer
from hilfen_jahre
group by jahr, sozialraum, hilfeart
having count_if(laufend or begonnen or beendet) > 0;

create table eckwerte_jahr as
with hilfen_summe as (
    select jahr, sozialraum, count_if(laufend or beendet) as hilfen_summe
    from hilfen_jahre
    group by jahr, sozialraum
),
bevoelkerung as (
    select *
    from read_csv({bevoelkerung_neueste}, delim = ';', quote = '"', escape = '"', header = true, auto_detect = false,
                  columns = {'ags': 'VARCHAR', 'jahr': 'INTEGER', 'altersgruppe': 'VARCHAR', 'anzahl': 'INTEGER'})
),
einwohner as (
    select b.jahr, coalesce(zu.sozialraum, 'nicht zugeordnet') as sozialraum, sum(b.anzahl) as einwohner_0_20
    from bevoelkerung b
    join (select distinct jahr from monate) j on j.jahr = b.jahr
    left join zuordnung zu
        on zu.ags = b.ags and make_date(b.jahr, 12, 31) >= zu.gueltig_ab and make_date(b.jahr, 12, 31) < zu.gueltig_bis
    group by 1, 2
),
sozialraeume as (
    select
        coalesce(h.jahr, e.jahr) as jahr,
        coalesce(h.sozialraum, e.sozialraum) as sozialraum,
        coalesce(h.hilfen_summe, 0) as hilfen_summe,
        e.einwohner_0_20
    from hilfen_summe h
    full outer join einwohner e on h.jahr = e.jahr and h.sozialraum = e.sozialraum
),
zusammen as (
    select * from sozialraeume
    union all
    select jahr, 'Kreis gesamt', sum(hilfen_summe), sum(einwohner_0_20) from sozialraeume group by jahr
)
select
    jahr,
    sozialraum,
    cast(hilfen_summe as bigint) as hilfen_summe,
    cast(einwohner_0_20 as bigint) as einwohner_0_20,
    case when einwohner_0_20 > 0
         then cast(round(hilfen_summe * 1000.0 / einwohner_0_20, 2) as decimal(18, 2)) end as eckwert
from zusammen;

create table ausgaben_jahr as
select
    haushaltsjahr,
    sozialraum,
    teilplan,
    cast(coalesce(sum(ausgabe), 0) as decimal(18, 2)) as ausgaben_eur,
    cast(coalesce(sum(einnahme), 0) as decimal(18, 2)) as einnahmen_eur,
    cast(coalesce(sum(netto), 0) as decimal(18, 2)) as netto_eur,
    count(*) as buchungen
from zahlungen
group by haushaltsjahr, sozialraum, teilplan;

-- year-end forecast from the end of every month (dbt: int_budget_prognose)
create temp table prognose as
with gruppen as (
    select distinct sozialraum, teilplan from zahlungen
),
netto_monat as (
    select sozialraum, teilplan, buchungsmonat as monat, sum(netto) as netto,
           sum(case when mit_hilfe then netto else 0 end) as netto_faelle
    from zahlungen
    group by sozialraum, teilplan, buchungsmonat
),
versetzt as (
    -- each case booking at the cut-off of its month and of the two following
    -- (the month as a column: an equality join, not a range join over all rows)
    select z.sozialraum, z.teilplan, z.hilfe_beginn, z.hilfe_ende, z.netto,
           cast(z.buchungsmonat + to_months(v.k) as date) as laufmonat
    from zahlungen z
    cross join (values (0), (1), (2)) as v(k)
    where z.mit_hilfe and z.hilfe_beginn is not null
),
laufrate as (
    select f.sozialraum, f.teilplan, m.monat, sum(f.netto) / 3.0 as laufrate
    from versetzt f
    join monate m on m.monat = f.laufmonat
    where f.hilfe_beginn <= m.stichtag and (f.hilfe_ende is null or f.hilfe_ende > m.stichtag)
    group by f.sozialraum, f.teilplan, m.monat
),
raster as (
    select g.sozialraum, g.teilplan, m.jahr as haushaltsjahr, m.monat_im_jahr as prognosemonat,
           m.jahr_abgeschlossen,
           coalesce(n.netto, 0) as netto, coalesce(n.netto_faelle, 0) as netto_faelle,
           coalesce(l.laufrate, 0) as laufrate
    from gruppen g
    cross join monate m
    left join netto_monat n on n.sozialraum = g.sozialraum and n.teilplan = g.teilplan and n.monat = m.monat
    left join laufrate l on l.sozialraum = g.sozialraum and l.teilplan = g.teilplan and l.monat = m.monat
),
kumuliert as (
    select *,
        sum(netto) over bis_monat as ist,
        sum(netto_faelle) over bis_monat as ist_faelle,
        sum(netto) over ganzes_jahr as ist_jahr,
        sum(netto_faelle) over ganzes_jahr as ist_faelle_jahr
    from raster
    window
        bis_monat as (partition by sozialraum, teilplan, haushaltsjahr order by prognosemonat
                      rows between unbounded preceding and current row),
        ganzes_jahr as (partition by sozialraum, teilplan, haushaltsjahr)
),
lernbar as (
    select k.*,
        k.jahr_abgeschlossen
            and k.haushaltsjahr > (select min(haushaltsjahr) from kumuliert where netto <> 0) as ist_lernbar
    from kumuliert k
),
lernjahre as (
    select teilplan, haushaltsjahr, prognosemonat,
        bool_or(ist_lernbar and ist_jahr <> 0) as ist_lernjahr,
        sum(case when ist_lernbar then ist_faelle_jahr - ist_faelle else 0 end) as rest_faelle,
        sum(case when ist_lernbar then laufrate * (12 - prognosemonat) else 0 end) as rest_faelle_laufrate,
        sum(case when ist_lernbar then ist - ist_faelle else 0 end) as ist_sonst,
        sum(case when ist_lernbar then ist_jahr - ist_faelle_jahr else 0 end) as ist_sonst_jahr
    from lernbar
    group by teilplan, haushaltsjahr, prognosemonat
),
kalibrierung as (
    select teilplan, haushaltsjahr, prognosemonat,
        sum(rest_faelle) over frueher / nullif(sum(rest_faelle_laufrate) over frueher, 0) as faktor_faelle,
        sum(ist_sonst) over frueher / nullif(sum(ist_sonst_jahr) over frueher, 0) as anteil_sonst
    from lernjahre
    window frueher as (partition by teilplan, prognosemonat order by haushaltsjahr
                       rows between {prognose_lernjahre} preceding and 1 preceding)
)
select
    k.sozialraum, k.teilplan, k.haushaltsjahr, k.prognosemonat,
    cast(round(
        k.ist
        + k.laufrate * (12 - k.prognosemonat) * coalesce(c.faktor_faelle, 1)
        + case when c.anteil_sonst > 0 then (k.ist - k.ist_faelle) * (1 - c.anteil_sonst) / c.anteil_sonst
               else (k.ist - k.ist_faelle) * (12 - k.prognosemonat) / k.prognosemonat end,
        2) as decimal(18, 2)) as prognose_jahresende_eur
from kumuliert k
left join kalibrierung c
    on c.teilplan = k.teilplan and c.haushaltsjahr = k.haushaltsjahr and c.prognosemonat = k.prognosemonat;

create table budget_auslastung as
with budgets as (
    select trim(sozialraum) as sozialraum, haushaltsjahr, trim(teilplan) as teilplan, budget_eur
    from read_csv({budgets_neueste}, delim = ';', quote = '"', escape = '"', header = true, auto_detect = false,
                  decimal_separator = ',', thousands = '.',
                  columns = {'sozialraum': 'VARCHAR', 'haushaltsjahr': 'INTEGER', 'teilplan': 'VARCHAR',
                             'budget_eur': 'DECIMAL(18,2)'})
),
ist as (
    select haushaltsjahr, sozialraum, teilplan, cast(coalesce(sum(netto), 0) as decimal(18, 2)) as netto_eur
    from zahlungen
    group by haushaltsjahr, sozialraum, teilplan
),
zeilen as (
    select
        coalesce(b.haushaltsjahr, i.haushaltsjahr) as haushaltsjahr,
        coalesce(b.sozialraum, i.sozialraum) as sozialraum,
        coalesce(b.teilplan, i.teilplan) as teilplan,
        b.budget_eur,
        coalesce(i.netto_eur, cast(0 as decimal(18, 2))) as netto_bis_stand_eur
    from budgets b
    full outer join ist i
        on b.haushaltsjahr = i.haushaltsjahr and b.sozialraum = i.sozialraum and b.teilplan = i.teilplan
),
mit_prognose as (
    select
        z.*,
        s.letzte_buchung as stand,
        case when z.haushaltsjahr < year(s.letzte_buchung) then 'ist'
             when z.haushaltsjahr = year(s.letzte_buchung) then 'prognose' end as prognose_basis,
        case when z.haushaltsjahr < year(s.letzte_buchung) then z.netto_bis_stand_eur
             when z.haushaltsjahr = year(s.letzte_buchung)
                 then coalesce(p.prognose_jahresende_eur, z.netto_bis_stand_eur) end as prognose_jahresende_eur
    from zeilen z
    cross join stand s
    left join prognose p
        on p.haushaltsjahr = z.haushaltsjahr and p.sozialraum = z.sozialraum and p.teilplan = z.teilplan
        and p.prognosemonat = month(s.letzte_buchung)
),
quoten as (
    select *,
        case when budget_eur > 0
             then cast(round(prognose_jahresende_eur * 100.0 / budget_eur, 1) as decimal(18, 1)) end
            as prognose_auslastung_pct
    from mit_prognose
)
select
    haushaltsjahr,
    sozialraum,
    teilplan,
    budget_eur,
    netto_bis_stand_eur,
    stand,
    prognose_basis,
    prognose_jahresende_eur,
    prognose_auslastung_pct,
    -- no traffic light: kjh's also turns yellow when the forecast range (from the backtest) reaches the
    -- budget; the baseline computes the figures, not the range
    cast(budget_eur - netto_bis_stand_eur as decimal(18, 2)) as restmittel_eur
from quoten;
