-- Tables that ingestion writes. dbt reads them as sources (schema raw, ref);
-- other tools of the office read audit.*. Column names here are an interface.
--
-- History: full exports (hilfen, traeger and the reference files) keep every
-- version of a record. A version is valid from the export date (Stand) of the
-- delivery that brought it (stand_ab) until the export date of the delivery
-- that changed or dropped it (stand_bis, NULL = current). The state as of an
-- export date X is:  stand_ab <= X and (stand_bis is null or stand_bis > X).

create schema if not exists raw;
create schema if not exists audit;
create schema if not exists ref;

create sequence if not exists audit.lieferung_seq start 1;

create table if not exists audit.lieferungen (
    lieferung_id   integer primary key,
    datei          varchar not null,   -- file name as delivered
    art            varchar,            -- kind (hilfen, zahlungen, ...); NULL when the name matches no kind
    exportdatum    date,               -- export date (Stand) from the file name
    sha256         varchar not null,
    kodierung      varchar,            -- detected encoding (utf-8, utf-8-sig, windows-1252)
    zeilen         bigint not null,    -- records in the file (header excluded)
    geladen        bigint not null,
    quarantaene    bigint not null,
    uebersprungen  bigint not null,    -- records skipped as already loaded
    status         varchar not null,   -- angenommen | abgelehnt | ersetzt | zurueckgezogen
    grund_code     varchar,            -- for a rejected file: the fault class
    meldung        varchar not null,   -- message a clerk can act on
    geladen_am     timestamp not null,
    lauf_id        varchar,            -- Dagster run id
    unbekannte_spalten varchar         -- names of the columns outside the contract, dropped at ingestion
);
-- warehouses from before unknown columns were dropped
alter table audit.lieferungen add column if not exists unbekannte_spalten varchar;

-- sha256 of accepted files, by where they lie and how they look on disk: an unchanged file
-- (same path, size, modification time and inode) is not read again only to learn that it was
-- delivered already. Any write to a file changes its modification time.
create table if not exists audit.pruefsummen (
    pfad           varchar not null,
    groesse        bigint  not null,
    geaendert_ns   bigint  not null,   -- st_mtime_ns
    inode          bigint  not null,
    sha256         varchar not null
);

create table if not exists audit.quarantaene (
    lieferung_id   integer not null,
    datei          varchar not null,
    zeile          bigint not null,    -- physical line where the record starts, header = line 1
    art            varchar not null,
    grund_code     varchar not null,   -- one stable code per fault class (kjh.ingest.faults)
    grund          varchar not null,   -- reason a clerk can act on
    rohzeile       varchar not null    -- the record, personal values masked
);

create table if not exists raw.hilfen (
    hilfe_id               varchar not null,
    fall_pseudonym         varchar not null,  -- HMAC-SHA256 of fall_id
    person_pseudonym       varchar not null,  -- HMAC-SHA256 of person_id
    geburtsjahr            integer not null,
    geburtsmonat           integer not null,
    alter_bei_beginn       integer not null,  -- whole years at beginn (negative: begun before birth)
    geschlecht             varchar not null,
    auslaendische_herkunft varchar not null,
    deutsch_in_familie     varchar not null,
    wohnort_ags            varchar not null,
    hilfeart               varchar not null,
    ort_der_durchfuehrung  varchar,
    beginn                 date not null,
    ende                   date,
    beendigungsgrund       varchar,
    traeger_id             varchar,
    hauptgrund             varchar not null,
    zusatzspalten          json,              -- extra columns a mapping keeps on purpose (zusatzspalten_behalten)
    zeilen_hash            varchar not null,  -- hash of the contract columns after parsing
    stand_ab               date not null,
    stand_bis              date,
    lieferung_id           integer not null,
    zeile                  bigint not null
);

create table if not exists raw.traeger (
    traeger_id        varchar not null,
    name              varchar not null,
    traegerart        varchar not null,
    verband           varchar,
    sitz_ags          varchar not null,
    entgelt_tagessatz decimal(18, 2),
    gueltig_ab        date not null,
    gueltig_bis       date,
    zusatzspalten     json,
    zeilen_hash       varchar not null,
    stand_ab          date not null,
    stand_bis         date,
    lieferung_id      integer not null,
    zeile             bigint not null
);

-- Bookings are never edited: append-only, one row per buchung_id.
create table if not exists raw.zahlungen (
    buchung_id    varchar not null,
    hilfe_id      varchar,
    buchungsdatum date not null,
    zeitraum_von  date not null,
    zeitraum_bis  date not null,
    betrag        decimal(18, 2) not null,
    produktkonto  varchar not null,
    kostenart     varchar not null,
    traeger_id    varchar,
    zusatzspalten json,
    zeilen_hash   varchar not null,
    stand         date not null,     -- export date of the delivery that brought the booking
    lieferung_id  integer not null,
    zeile         bigint not null
);

-- Contract v2 (docs/source-exports.md): optional columns of the state statistics, added
-- with `alter table` so that warehouses made before v2 gain them too (NULL = not in the export).
alter table raw.hilfen add column if not exists grund_2 varchar;
alter table raw.hilfen add column if not exists grund_3 varchar;
alter table raw.hilfen add column if not exists aufenthalt_vor_hilfe varchar;
alter table raw.hilfen add column if not exists situation_herkunftsfamilie varchar;
alter table raw.hilfen add column if not exists transferleistungen varchar;
alter table raw.hilfen add column if not exists anregende_institution varchar;
alter table raw.hilfen add column if not exists sorgerechtsentzug_1666 varchar;
alter table raw.hilfen add column if not exists geschlossene_unterbringung_1631b varchar;
alter table raw.hilfen add column if not exists anschliessender_aufenthalt varchar;
alter table raw.hilfen add column if not exists nachfolgende_hilfe varchar;
alter table raw.hilfen add column if not exists uebernahme_anderes_jugendamt varchar;
alter table raw.hilfen add column if not exists gefaehrdungseinschaetzung_8a varchar;
alter table raw.hilfen add column if not exists im_anschluss_an_42 varchar;
alter table raw.hilfen add column if not exists schulbesuch_ausbildung varchar;
alter table raw.hilfen add column if not exists anlass_42 varchar;
alter table raw.hilfen add column if not exists hinweisgeber_42 varchar;
alter table raw.hilfen add column if not exists unterbringungsform_42 varchar;
alter table raw.hilfen add column if not exists jugendamt varchar;
alter table raw.zahlungen add column if not exists jugendamt varchar;

create table if not exists raw.sozialraeume (
    ags          varchar not null,
    gemeinde     varchar not null,
    sozialraum   varchar not null,
    region       varchar not null,
    zusatzspalten json,
    zeilen_hash  varchar not null,
    stand_ab     date not null,
    stand_bis    date,
    lieferung_id integer not null,
    zeile        bigint not null
);

create table if not exists raw.bevoelkerung (
    ags          varchar not null,
    jahr         integer not null,
    altersgruppe varchar not null,
    anzahl       integer not null,
    zusatzspalten json,
    zeilen_hash  varchar not null,
    stand_ab     date not null,
    stand_bis    date,
    lieferung_id integer not null,
    zeile        bigint not null
);

create table if not exists raw.budgets (
    sozialraum    varchar not null,
    haushaltsjahr integer not null,
    teilplan      varchar not null,
    budget_eur    decimal(18, 2) not null,
    zusatzspalten json,
    zeilen_hash   varchar not null,
    stand_ab      date not null,
    stand_bis     date,
    lieferung_id  integer not null,
    zeile         bigint not null
);

-- Code lists, rewritten from sources/contract/codelisten.yml on every run.
create table if not exists ref.codelisten (
    liste       varchar not null,
    code        varchar not null,
    bezeichnung varchar not null
);

create table if not exists ref.hilfearten (
    hilfeart        varchar not null,  -- contract code: 19, 27.2, 28, ..., 35a, 42
    paragraph       varchar not null,
    bezeichnung     varchar not null,
    setting         varchar not null,  -- ambulant | teilstationaer | stationaer | nach_ort
    statistik_code  varchar            -- Art der Hilfe in the HZE record (EF4)
);

create table if not exists ref.orte_der_durchfuehrung (
    ort         varchar not null,      -- 01..12
    bezeichnung varchar not null,
    setting     varchar not null       -- setting of a `nach_ort` help given at this place
);
