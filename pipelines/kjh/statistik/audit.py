"""audit.statistik_lieferungen: every statutory delivery, made or withheld.

One row per delivery. `eingaben` holds what it was made from (as-of dates,
input deliveries with sha256, office identification, Art-der-Hilfe codes),
`layouts` the record layouts (file, version, sha256), `ausgaben` the files
written (name, sha256, bytes), `pruefung` the check results and the
reconciliation with the marts at creation time (the validation report is
rendered from it, also on reproduction). Column names are an interface.
"""
import datetime as dt
import json
from dataclasses import dataclass

DDL = """
create schema if not exists audit;
create sequence if not exists audit.statistik_lieferung_seq start 1;
create table if not exists audit.statistik_lieferungen (
    statistik_lieferung_id integer primary key,
    berichtsjahr           integer   not null,
    layout_version         varchar   not null,  -- e.g. 'HZE 1, VSM 1, TEIL4 1'
    layouts                json      not null,  -- [{erhebung, version, datei, sha256}]
    eingaben               json      not null,  -- as-of dates, input deliveries (lieferung_id, datei, sha256), office, codes
    ausgaben               json      not null,  -- [{datei, sha256, bytes, saetze}]
    pruefung               json      not null,  -- check results and reconciliation at creation
    status                 varchar   not null,  -- entwurf | freigegeben | zurueckgehalten
    meldung                varchar   not null,  -- German: what was made, released or why it was withheld
    zurueckgehalten_wegen  json      not null,  -- names of the failed ERROR checks (empty: the draft can be released)
    created_at             timestamp not null,  -- written into the files; a reproduction uses it again
    lauf_id                varchar,             -- Dagster run id (NULL for `kjh statistik`)
    ausgabe_ordner         varchar              -- where the files were written at creation
);
"""

# A draft (`kjh run`) holds every record without a hard error and the work list; released
# (`kjh statistik --freigeben ID`, only without hard errors) are the files for the Landesamt;
# withheld: Dagster stopped the run before any record was made (a blocking check upstream).
ENTWURF = "entwurf"
FREIGEGEBEN = "freigegeben"
ZURUECKGEHALTEN = "zurueckgehalten"


def ensure_table(con) -> None:
    con.execute(DDL)


@dataclass
class Eintrag:
    statistik_lieferung_id: int
    berichtsjahr: int
    layout_version: str
    layouts: list[dict]
    eingaben: str          # JSON text, exactly as recorded
    ausgaben: list[dict]
    pruefung: dict
    status: str
    meldung: str
    zurueckgehalten_wegen: list[str]
    created_at: dt.datetime
    lauf_id: str | None
    ausgabe_ordner: str | None


_COLUMNS = ("statistik_lieferung_id", "berichtsjahr", "layout_version", "layouts", "eingaben", "ausgaben", "pruefung",
            "status", "meldung", "zurueckgehalten_wegen", "created_at", "lauf_id", "ausgabe_ordner")


def _from_row(row) -> Eintrag:
    d = dict(zip(_COLUMNS, row))
    for k in ("layouts", "ausgaben", "pruefung", "zurueckgehalten_wegen"):
        d[k] = json.loads(d[k]) if isinstance(d[k], str) else d[k]
    return Eintrag(**d)


def lesen(con, statistik_lieferung_id: int) -> Eintrag | None:
    try:
        rows = con.execute(f"select {', '.join(_COLUMNS)} from audit.statistik_lieferungen "
                           "where statistik_lieferung_id = ?", [statistik_lieferung_id]).fetchall()
    except Exception as exc:  # table missing in an old warehouse
        if "statistik_lieferungen" in str(exc):
            return None
        raise
    return _from_row(rows[0]) if rows else None


def alle(con, berichtsjahr: int | None = None) -> list[Eintrag]:
    try:
        where, params = ("where berichtsjahr = ?", [berichtsjahr]) if berichtsjahr is not None else ("", [])
        rows = con.execute(f"select {', '.join(_COLUMNS)} from audit.statistik_lieferungen {where} "
                           "order by statistik_lieferung_id", params).fetchall()
    except Exception as exc:
        if "statistik_lieferungen" in str(exc):
            return []
        raise
    return [_from_row(r) for r in rows]


def naechste_id(con) -> int:
    return int(con.execute("select nextval('audit.statistik_lieferung_seq')").fetchall()[0][0])


def schreiben(con, e: Eintrag) -> None:
    values = [e.statistik_lieferung_id, e.berichtsjahr, e.layout_version, json.dumps(e.layouts, ensure_ascii=False),
              e.eingaben, json.dumps(e.ausgaben, ensure_ascii=False), json.dumps(e.pruefung, ensure_ascii=False),
              e.status, e.meldung, json.dumps(e.zurueckgehalten_wegen, ensure_ascii=False), e.created_at, e.lauf_id,
              e.ausgabe_ordner]
    con.execute(f"insert into audit.statistik_lieferungen ({', '.join(_COLUMNS)}) values "
                f"({', '.join('?' * len(_COLUMNS))})", values)
