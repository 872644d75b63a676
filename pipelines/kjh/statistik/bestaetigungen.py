"""The clerk's confirmations of soft findings: who, when, why (audit.statistik_bestaetigungen).

A soft finding (kjh.statistik.befunde, klasse `weich`) is unusual but
possible. The statistics clerk looks at it and confirms it with a reason:

    kjh statistik --warehouse FILE --bestaetigen REGEL HILFE_ID --grund "…" [--wer NAME]

A confirmation applies to the finding as it was (rule, help, field, value): when
the value changes (a new planned end, another overlapping help) the finding
is new and shows again. Hard findings cannot be confirmed: they are corrected
in the case system and come back with the next export. Confirmations are
never deleted: a later one for the same finding adds a row, the history stays.
"""
import datetime as dt
import getpass
import os

DDL = """
create schema if not exists audit;
create table if not exists audit.statistik_bestaetigungen (
    regel          varchar   not null,  -- the check's stable name, e.g. plausi.ende_nach_exportdatum
    hilfe_id       varchar   not null,
    feld           varchar   not null,
    wert           varchar   not null,  -- the value the finding was about ('' when none)
    grund          varchar   not null,  -- why it is right as it is (the clerk's words)
    wer            varchar   not null,
    bestaetigt_am  timestamp not null,
    berichtsjahr   integer             -- the delivery year the finding was seen in
);
"""


class BestaetigungAbgelehnt(ValueError):
    """The confirmation was refused (one line for the clerk)."""


def ensure_table(con) -> None:
    con.execute(DDL)


def bestaetigt(con) -> set[tuple]:
    """The keys (regel, hilfe_id, feld, wert) of every confirmed finding (read-only connections too)."""
    import duckdb

    try:
        return {tuple(r) for r in con.execute(
            "select distinct regel, hilfe_id, feld, wert from audit.statistik_bestaetigungen").fetchall()}
    except duckdb.CatalogException:  # no confirmation yet
        return set()


def wer_default() -> str:
    try:
        return os.environ.get("KJH_USER") or getpass.getuser()
    except Exception:  # no user name in a container: say so instead of failing
        return "unbekannt"


def bestaetigen(con, befunde: list, regel: str, hilfe_id: str, grund: str, *, wer: str | None = None,
                berichtsjahr: int | None = None, jetzt: dt.datetime | None = None) -> list:
    """Confirms every soft finding of rule `regel` on help `hilfe_id` in `befunde` (the latest draft's)."""
    grund = (grund or "").strip()
    if len(grund) < 5:
        raise BestaetigungAbgelehnt("Bitte mit --grund begründen, warum der Befund richtig ist (mindestens 5 Zeichen).")
    passend = [b for b in befunde if b.regel == regel and b.hilfe_id == hilfe_id]
    if not passend:
        raise BestaetigungAbgelehnt(f"Im neuesten Entwurf gibt es keinen Befund {regel} zu Hilfe {hilfe_id} "
                                    "(Arbeitsliste prüfen; nach einer Korrektur ist er vielleicht schon weg).")
    harte = [b for b in passend if b.klasse != "weich"]
    if harte:
        raise BestaetigungAbgelehnt(f"{regel} ist ein harter Fehler: das Landesamt weist den Satz zurück. Er lässt "
                                    "sich nicht bestätigen, nur im Fachverfahren korrigieren.")
    ensure_table(con)
    jetzt = (jetzt or dt.datetime.now()).replace(microsecond=0)
    wer = (wer or wer_default()).strip() or "unbekannt"
    for b in passend:
        con.execute("insert into audit.statistik_bestaetigungen values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [*b.schluessel, grund, wer, jetzt, berichtsjahr])
    return passend


def alle(con) -> list[dict]:
    import duckdb

    try:
        cur = con.execute("select * from audit.statistik_bestaetigungen order by bestaetigt_am, regel, hilfe_id")
    except duckdb.CatalogException:
        return []
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
