"""Set-based SQL checks on the dbt layers (staging / intermediate / marts).

The Great Expectations suites (kjh.quality.suites) check the raw tables one
record at a time. The plausibility checks of the state statistics office
(kjh.quality.plausibilitaet) and the finance controls (kjh.quality.finanzkontrollen)
compare records with each other (overlapping helps, duplicate bookings, a year
with its previous year, an amount with the rate × days): one DuckDB query each,
no GX.

A check is plain data: `fehler_sql` returns one row per failing record (its
columns are the examples shown to the clerk: ids, dates, amounts, never
pseudonyms or birth data; optional columns `_sozialraum` and `_jahr` feed the
results per social space and year), `geprueft_sql` returns the number of records
looked at, `nicht_pruefbar_sql` the number the exports cannot judge (counted
apart, never flagged: e.g. a booking from before the first provider agreement any
export shows). An INFO check is a statistic: its `fehler_sql` returns the rows
of a distribution (a label and a count), it always passes. Its
result is a kjh.quality.rules.Pruefergebnis, written to audit.pruefergebnisse like
the results of the GX suites.

`basis` names intermediate results both queries read (e.g. every help-month
with its cost): each is computed once per check into a temporary table of
that name, instead of once per query (at Land scale a spread of ten million
bookings over their months takes seconds). The failing rows are likewise
computed once and then counted, sampled and grouped.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kjh.quality.rules import (
    HART,
    INFO,
    JAHR,
    MAX_BEFUNDE,
    MAX_BEISPIELE,
    SCHWEREGRADE,
    SOZIALRAUM,
    VERBOTENE_SPALTEN,
    WEICH,
    Pruefergebnis,
)

ERWARTUNG = "SQL (DuckDB)"


@dataclass(frozen=True, eq=False)
class SqlPruefung:
    name: str          # stable, with the section prefix: "plausi.…" or "finanz.…"
    schweregrad: str   # ERROR | WARN | INFO
    asset: str         # the dbt model it is attached to, e.g. "intermediate/int_hilfen_episoden"
    einheit: str       # what one checked record is, plural ("Hilfen", "Buchungen")
    beschreibung: str  # what is checked, with its threshold, in German
    fehler_sql: str    # one row per failing record; columns = example fields (+ optional _sozialraum)
    geprueft_sql: str  # one value: records looked at
    fehlertext: str    # on failure; placeholders {n} {geprueft} {einheit} {beispiele}
    basis: tuple[tuple[str, str], ...] = ()  # (temporary table, SQL) built first, read by both queries
    # Relations read besides `asset` ("intermediate.int_berichtsstand", "raw.traeger"): the Dagster
    # check runs after them (kjh.defs.plausibilitaet); tests/test_plausibilitaet_checks.py holds the
    # declaration to the SQL.
    liest: tuple[str, ...] = ()
    nicht_pruefbar_sql: str = ""  # one value: records the exports cannot judge (counted apart, never flagged)
    # For the statutory statistics (kjh.statistik.befunde): HART / WEICH when a failing row is a
    # finding of a record (the rows must carry hilfe_id), the column holding the value concerned,
    # and what the clerk should do. None: not a finding of a record.
    statistik: str | None = None
    statistik_feld: str | None = None
    statistik_hinweis: str = ""

    @property
    def alle_sql(self) -> str:
        """Every statement of the check (the test compares the relations they read with `liest`)."""
        return " ".join([sql for _, sql in self.basis] + [self.fehler_sql, self.geprueft_sql,
                                                          self.nicht_pruefbar_sql])

    def __post_init__(self):
        if self.schweregrad not in SCHWEREGRADE:
            raise ValueError(f"{self.name}: Schweregrad {self.schweregrad!r}")
        if not self.name.startswith(("plausi.", "finanz.")):
            raise ValueError(f"{self.name}: Name ohne Abschnitt (plausi./finanz.)")
        if self.statistik not in (None, HART, WEICH):
            raise ValueError(f"{self.name}: Klasse {self.statistik!r} (hart/weich)")


def _wert(v):
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def _beispiel_text(b: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in b.items() if v is not None)


_FEHLER = "_kjh_pruefung_fehler"


def run(con, pruefung: SqlPruefung) -> Pruefergebnis:
    """Run one check on the warehouse and return its result (nothing written but temporary tables)."""
    try:
        for name, sql in pruefung.basis:
            con.execute(f"create or replace temp table {name} as {sql}")
        con.execute(f"create or replace temp table {_FEHLER} as {pruefung.fehler_sql.strip().rstrip(';')}")
        return _auswerten(con, pruefung)
    finally:
        for name in [_FEHLER] + [n for n, _ in pruefung.basis]:
            con.execute(f"drop table if exists temp.{name}")


def _auswerten(con, pruefung: SqlPruefung) -> Pruefergebnis:
    geprueft = int(con.execute(pruefung.geprueft_sql).fetchone()[0] or 0)
    nicht_pruefbar = int(con.execute(pruefung.nicht_pruefbar_sql).fetchone()[0] or 0) \
        if pruefung.nicht_pruefbar_sql else 0
    if pruefung.schweregrad == INFO:
        return _statistik(con, pruefung, geprueft, nicht_pruefbar)
    n = int(con.execute(f"select count(*) from {_FEHLER}").fetchone()[0])
    beispiele: list[dict] = []
    befunde: list[dict] = []
    je_sozialraum: dict[str, int] = {}
    je_sozialraum_jahr: list[list] = []
    if n:
        cur = con.execute(f"select * from {_FEHLER} order by all limit {MAX_BEFUNDE}")
        spalten = [d[0] for d in cur.description]
        verboten = VERBOTENE_SPALTEN.intersection(spalten) | {s for s in spalten if "pseudonym" in s}
        if verboten:  # a programming error, never shown to anyone
            raise ValueError(f"{pruefung.name}: personenbezogene Spalten in den Beispielen: {sorted(verboten)}")
        for row in cur.fetchall():
            befunde.append({s.lstrip("_"): _wert(v) for s, v in zip(spalten, row)})
            if len(beispiele) < MAX_BEISPIELE:
                beispiele.append({s: _wert(v) for s, v in zip(spalten, row) if s not in (SOZIALRAUM, JAHR)})
        if SOZIALRAUM in spalten:
            je_sozialraum = {str(s): int(c) for s, c in con.execute(
                f"select {SOZIALRAUM}, count(*) from {_FEHLER} group by all order by all").fetchall()}
            jahr = JAHR if JAHR in spalten else "null"
            je_sozialraum_jahr = [[str(s) if s is not None else None, j, int(c)] for s, j, c in con.execute(
                f"select {SOZIALRAUM}, {jahr}, count(*) from {_FEHLER} group by all order by all").fetchall()]
        meldung = pruefung.fehlertext.format(
            n=n, geprueft=geprueft, einheit=pruefung.einheit,
            beispiele="; ".join(_beispiel_text(b) for b in beispiele) + (" …" if n > len(beispiele) else ""))
    else:
        meldung = f"Bestanden: {geprueft} {pruefung.einheit} geprüft, keine Auffälligkeiten."
    if nicht_pruefbar:
        meldung += (f" {nicht_pruefbar} {pruefung.einheit} sind mit den gelieferten Daten nicht prüfbar "
                    "(nicht gezählt, nicht gemeldet).")
    return Pruefergebnis(
        pruefung=pruefung.name, asset=pruefung.asset, schweregrad=pruefung.schweregrad, bestanden=n == 0,
        fehlerhafte_zeilen=n, geprueft_zeilen=geprueft, beispiele=beispiele, je_sozialraum=je_sozialraum,
        meldung=meldung, beschreibung=pruefung.beschreibung, erwartung=ERWARTUNG, gx_suite="",
        nicht_pruefbar_zeilen=nicht_pruefbar, je_sozialraum_jahr=je_sozialraum_jahr, befunde=befunde,
    )


def _statistik(con, pruefung: SqlPruefung, geprueft: int, nicht_pruefbar: int) -> Pruefergebnis:
    """An INFO check: its rows are a distribution (first column the class, last the count)."""
    cur = con.execute(f"select * from {_FEHLER}")
    spalten = [d[0] for d in cur.description]
    verteilung = [{s: _wert(v) for s, v in zip(spalten, row)} for row in cur.fetchall()]
    text = "; ".join(f"{list(v.values())[0]}: {list(v.values())[-1]}" for v in verteilung) or "keine"
    return Pruefergebnis(
        pruefung=pruefung.name, asset=pruefung.asset, schweregrad=INFO, bestanden=True, fehlerhafte_zeilen=0,
        geprueft_zeilen=geprueft, beispiele=verteilung, je_sozialraum={},
        meldung=pruefung.fehlertext.format(n=0, geprueft=geprueft, einheit=pruefung.einheit, beispiele=text,
                                           verteilung=text),
        beschreibung=pruefung.beschreibung, erwartung=ERWARTUNG, gx_suite="", nicht_pruefbar_zeilen=nicht_pruefbar,
    )


def fehlerzeilen(con, pruefung: SqlPruefung) -> list[dict]:
    """Every failing row of one check, as dicts (ids and values of the example columns, no pseudonyms)."""
    try:
        for name, sql in pruefung.basis:
            con.execute(f"create or replace temp table {name} as {sql}")
        cur = con.execute(pruefung.fehler_sql.strip().rstrip(";"))
        spalten = [d[0] for d in cur.description]
        return [{s: _wert(v) for s, v in zip(spalten, row)} for row in cur.fetchall()]
    finally:
        for name, _ in pruefung.basis:
            con.execute(f"drop table if exists temp.{name}")


def run_all(con, pruefungen) -> list[Pruefergebnis]:
    return [run(con, p) for p in pruefungen]
