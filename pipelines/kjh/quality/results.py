"""audit.pruefergebnisse: every check's result of every run, for the quality page.

One row per run (lauf_id = Dagster run id) and check (pruefung, a stable
name). Running the same check again in the same run replaces its row.
"""
import datetime as dt
import json

from kjh.quality.rules import Pruefergebnis

DDL = """
create schema if not exists audit;
create table if not exists audit.pruefergebnisse (
    lauf_id            varchar   not null,  -- Dagster run id
    geprueft_am        timestamp not null,
    pruefung           varchar   not null,  -- stable name, e.g. hilfen.hilfeart_codeliste
    asset              varchar   not null,  -- raw/hilfen, raw/zahlungen, ...
    dagster_check      varchar   not null,  -- the Dagster asset check carrying it
    schweregrad        varchar   not null,  -- ERROR (blocks the statutory export) | WARN (listed only) | INFO (a statistic)
    bestanden          boolean   not null,
    fehlerhafte_zeilen bigint    not null,  -- records failing the check
    geprueft_zeilen    bigint    not null,  -- records the check looked at
    beispiele          json,                -- up to 5 failing records: ids, file, line, value; never personal data
    je_sozialraum      json,                -- failing records per social space, where a record has one
    meldung            varchar   not null,  -- German, for the clerk: what is wrong, where, what to do
    beschreibung       varchar   not null,  -- what the check tests
    erwartung          varchar   not null,  -- the Great Expectations expectation
    gx_suite           varchar   not null   -- the GX suite in the Data Docs
);
-- added later (issue 12): an older warehouse gets them on its next run
alter table audit.pruefergebnisse add column if not exists nicht_pruefbar_zeilen bigint default 0;
alter table audit.pruefergebnisse add column if not exists je_sozialraum_jahr json;
alter table audit.pruefergebnisse add column if not exists befunde json;
"""

_COLUMNS = ("lauf_id", "geprueft_am", "pruefung", "asset", "dagster_check", "schweregrad", "bestanden",
            "fehlerhafte_zeilen", "geprueft_zeilen", "beispiele", "je_sozialraum", "meldung", "beschreibung",
            "erwartung", "gx_suite", "nicht_pruefbar_zeilen", "je_sozialraum_jahr", "befunde")


def ensure_table(con) -> None:
    con.execute(DDL)


def write(con, lauf_id: str, ergebnisse: list[Pruefergebnis], check_names: dict[str, str]) -> None:
    """Replace the rows of these checks in this run; one transaction. Caller holds the writer lock."""
    ensure_table(con)
    now = dt.datetime.now()
    rows = [
        (lauf_id, now, e.pruefung, e.asset, check_names[e.schweregrad], e.schweregrad, e.bestanden,
         e.fehlerhafte_zeilen, e.geprueft_zeilen, json.dumps(e.beispiele, ensure_ascii=False),
         json.dumps(e.je_sozialraum, ensure_ascii=False), e.meldung, e.beschreibung, e.erwartung, e.gx_suite,
         e.nicht_pruefbar_zeilen, json.dumps(e.je_sozialraum_jahr, ensure_ascii=False),
         json.dumps(e.befunde, ensure_ascii=False, default=str))
        for e in ergebnisse
    ]
    con.begin()
    try:
        con.execute("delete from audit.pruefergebnisse where lauf_id = ? and pruefung in (select unnest(?))",
                    [lauf_id, [e.pruefung for e in ergebnisse]])
        if rows:
            marks = ", ".join("?" * len(_COLUMNS))
            con.executemany(f"insert into audit.pruefergebnisse ({', '.join(_COLUMNS)}) values ({marks})", rows)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def read(con, lauf_id: str, pruefungen: list[str]) -> list[Pruefergebnis] | None:
    """This run's stored results of these checks, or None when any of them is missing.

    A check step whose results an earlier step of the same run already wrote
    (the quality results asset, the statutory export) reports those instead of
    running the check again: same run, same data.
    """
    ensure_table(con)
    rows = con.execute(
        "select pruefung, asset, schweregrad, bestanden, fehlerhafte_zeilen, geprueft_zeilen, beispiele,"
        " je_sozialraum, meldung, beschreibung, erwartung, gx_suite, nicht_pruefbar_zeilen, je_sozialraum_jahr,"
        " befunde"
        " from audit.pruefergebnisse where lauf_id = ? and pruefung in (select unnest(?))",
        [lauf_id, list(pruefungen)]).fetchall()
    if {r[0] for r in rows} != set(pruefungen):
        return None
    by_name = {r[0]: r for r in rows}
    return [Pruefergebnis(pruefung=r[0], asset=r[1], schweregrad=r[2], bestanden=r[3], fehlerhafte_zeilen=r[4],
                     geprueft_zeilen=r[5], beispiele=json.loads(r[6]) if r[6] else [],
                     je_sozialraum=json.loads(r[7]) if r[7] else {}, meldung=r[8], beschreibung=r[9],
                     erwartung=r[10], gx_suite=r[11], nicht_pruefbar_zeilen=int(r[12] or 0),
                     je_sozialraum_jahr=json.loads(r[13]) if r[13] else [],
                     befunde=json.loads(r[14]) if r[14] else [])
            for r in (by_name[p] for p in pruefungen)]
