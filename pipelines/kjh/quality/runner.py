"""Runs one suite: frames from DuckDB, GX validation, one Pruefergebnis per check.

GX decides pass or fail; its unexpected rows (pandas index labels of the
frame) give the failing records (weighted by `_anzahl`/`_fehlerhaft` where a
frame row stands for many records), the examples and the count per social
space.
"""
import datetime as dt
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kjh.quality import zeilengedaechtnis as zg
from kjh.quality.rules import (
    ANZAHL,
    FEHLERHAFT,
    JAHR,
    MAX_BEFUNDE,
    MAX_BEISPIELE,
    SOZIALRAUM,
    VERBOTENE_SPALTEN,
    Abfrage,
    Bedingung,
    Pruefergebnis,
    Pruefung,
    Suite,
)

OHNE_SOZIALRAUM = "ohne Sozialraum"


@dataclass
class SuiteLauf:
    suite: Suite
    ergebnisse: list[Pruefergebnis] = field(default_factory=list)
    sekunden: dict[str, float] = field(default_factory=dict)
    # frame -> (rows GX validated in this run, rows of the frame): the rest came from kjh.quality.zeilengedaechtnis
    zeilen: dict[str, tuple[int, int]] = field(default_factory=dict)


def read_frame(con, suite: Suite, teil: str) -> pd.DataFrame:
    df = con.execute(suite.teile[teil]).df().reset_index(drop=True)
    verboten = VERBOTENE_SPALTEN & set(df.columns)
    if verboten:  # a programming error: frames are what examples and Data Docs show
        raise ValueError(f"Frame {suite.art}.{teil} enthält personenbezogene Spalten: {sorted(verboten)}")
    return df


def resolve_arguments(con, suite: Suite) -> dict[str, dict]:
    """Arguments of every check with their warehouse queries answered (once per query)."""
    answers: dict[str, list] = {}
    out = {}
    for p in suite.pruefungen:
        args = {}
        for key, value in p.argumente.items():
            if isinstance(value, Abfrage):
                if value.sql not in answers:
                    answers[value.sql] = sorted(r[0] for r in con.execute(value.sql).fetchall() if r[0] is not None)
                value = answers[value.sql]
            args[key] = value
        out[p.name] = args
    return out


def run_suites(con, suites: list[Suite], *, lauf_id: str, reports: Path | None, log=None) -> list[SuiteLauf]:
    """Validate every frame of every suite in one GX context.

    `con` reads the warehouse; nothing is written there but the suites'
    temporary `basis` tables (each built once for all suites, dropped at the end).
    With a reports folder the GX results are kept for the Data Docs, which are
    built once a run when every suite has run (kjh.quality.gx_context.baue_data_docs).
    """
    from kjh.quality.gx_context import GxLauf

    con.execute("set enable_progress_bar = false")  # no progress bars in the run's log
    gx_lauf = GxLauf(reports)
    basis: dict[str, str | None] = {}  # temporary table -> None when built, else why it could not be
    try:
        return _run_suites(con, suites, gx_lauf, basis, lauf_id=lauf_id, log=log)
    finally:
        for name in basis:
            con.execute(f"drop table if exists temp.{name}")


def _run_suites(con, suites: list[Suite], gx_lauf, basis: dict[str, str | None], *, lauf_id: str,
                log=None) -> list[SuiteLauf]:
    laeufe = []
    for suite in suites:
        lauf = SuiteLauf(suite)
        t0 = time.perf_counter()
        for name, sql in suite.basis:
            if name not in basis:
                try:
                    con.execute(f"create or replace temp table {name} as {sql}")
                    basis[name] = None
                except duckdb.Error as exc:
                    basis[name] = str(exc).splitlines()[0][:300]
        frames, kaputt = {}, {}
        for teil in suite.teile:
            fehlt = next((basis[n] for n, _ in suite.basis if basis[n] and n in suite.teile[teil]), None)
            if fehlt:  # its shared part could not be built: the same reason for every frame reading it
                kaputt[teil] = fehlt
                continue
            try:
                frames[teil] = read_frame(con, suite, teil)
            except duckdb.Error as exc:  # a table far from its schema: the other parts still run
                kaputt[teil] = str(exc).splitlines()[0][:300]
        argumente = resolve_arguments(con, suite)
        lauf.sekunden["sql"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        gx_lauf.forget(f"raw_{suite.art}")
        for teil in suite.teile:
            pruefungen = [p for p in suite.pruefungen if p.teil == teil]
            if not pruefungen:
                continue
            name = suite.gx_suite_name(teil)
            if teil in kaputt:
                lauf.ergebnisse += [nicht_ausfuehrbar(suite, p, kaputt[teil], name) for p in pruefungen]
                continue
            frame = frames[teil]
            result, by_name, neu = _validieren(con, gx_lauf, name, frame, pruefungen, argumente)
            lauf.zeilen[teil] = (neu, len(frame))
            for p in pruefungen:
                lauf.ergebnisse.append(auswerten(suite, p, by_name[p.name], frame, name))
            gx_lauf.store(name, result, lauf_id)
        lauf.sekunden["gx"] = time.perf_counter() - t0
        if log:
            failed = sum(not e.bestanden for e in lauf.ergebnisse)
            neu, alle = (sum(x) for x in zip(*lauf.zeilen.values())) if lauf.zeilen else (0, 0)
            log(f"raw/{suite.art}: {len(lauf.ergebnisse)} Prüfungen, {failed} nicht bestanden "
                f"(SQL {lauf.sekunden['sql']:.2f} s, GX {lauf.sekunden['gx']:.2f} s; "
                f"GX hat {neu} von {alle} Zeilen geprüft, die übrigen unverändert seit einem früheren Lauf)")
        laeufe.append(lauf)
    return laeufe


def _validieren(con, gx_lauf, name: str, frame: pd.DataFrame, pruefungen: list[Pruefung], argumente: dict):
    """GX on one frame, each row check once per distinct value it reads and only on values not judged
    before (kjh.quality.zeilengedaechtnis); the checks comparing rows with each other on the whole
    frame. Returns the result for the Data Docs (what GX validated in this run), {check name: result
    on the whole frame} and the number of frame rows GX looked at."""
    zeilen = [p for p in pruefungen if p.erwartung in zg.ZEILENPRUEFUNGEN]
    ganze = [p for p in pruefungen if p.erwartung not in zg.ZEILENPRUEFUNGEN]
    gruppen = zg.gruppen(zeilen)
    try:
        hashes = {g: zg.hashes(frame, g) for g in gruppen}
    except (KeyError, TypeError):  # a column missing or unhashable (far from its schema): GX on every row says so
        return *gx_lauf.validate(name, frame, pruefungen, argumente), len(frame)
    gedaechtnis = zg.Gedaechtnis(con, name)
    bekannt, neu = {}, {}
    for gruppe, mine in gruppen.items():
        definition = zg.definition(name, gruppe, mine, argumente, gx_lauf.version)
        bekannt[gruppe] = (definition, *gedaechtnis.bekannt(gruppe, definition))
        neu[gruppe] = zg.erstmals(hashes[gruppe], bekannt[gruppe][1])
    results, by_name, ausnahme = [], {}, False
    # One GX call per set of rows: the groups with few new values together on the union of their rows
    # (a GX call costs a fixed amount), a group with many new values (e.g. every pair of dates in a full
    # load) on its own rows, so the others are not validated on all of them too.
    viele = [g for g in gruppen if neu[g].sum() > zg.EIGENER_AUFRUF_AB]
    wenige = [g for g in gruppen if g not in viele]
    aufrufe = [(wenige, np.logical_or.reduce([neu[g] for g in wenige]) if wenige else None)]
    aufrufe += [([g], neu[g]) for g in viele]
    gesehen = np.zeros(len(frame), dtype=bool)
    for gs, zeilen_maske in aufrufe:
        if not gs:
            continue
        gesehen |= zeilen_maske
        mine = [p for g in gs for p in gruppen[g]]
        # even with no new value GX runs (on no rows): the Data Docs list every check of the run
        result, gx_by_name = gx_lauf.validate(name, frame.loc[zeilen_maske], mine, argumente)
        results.append(result)
        for g in gs:
            h, (definition, _, fehler) = hashes[g], bekannt[g]
            fehlerhaft = {}
            for p in gruppen[g]:
                r = gx_by_name[p.name]
                if _exception(r):
                    by_name[p.name], ausnahme = r, True
                    continue
                labels = [i for i in (r.result.get("unexpected_index_list") or []) if not isinstance(i, dict)]
                alt = fehler.get(p.name, np.empty(0, np.uint64))
                by_name[p.name] = zg.ergebnis(h, np.concatenate([alt, h[labels]]))
                fehlerhaft[p.name] = by_name[p.name].result["unexpected_index_list"]
            gedaechtnis.merken(g, definition, h, fehlerhaft)
    if not ausnahme:  # a check that could not run has no outcome to remember
        gedaechtnis.speichern(con)
    if ganze:
        result, gx_by_name = gx_lauf.validate(name, frame, ganze, argumente)
        results.append(result)
        by_name.update(gx_by_name)
    return gx_lauf.zusammen(name, results, pruefungen, argumente), by_name, int(gesehen.sum())


# --- one result -------------------------------------------------------------

def auswerten(suite: Suite, p: Pruefung, r, frame: pd.DataFrame, gx_suite: str) -> Pruefergebnis:
    gewicht = frame[ANZAHL] if ANZAHL in frame else pd.Series(1, index=frame.index)
    geprueft = int(gewicht[_maske(frame, p.bedingungen)].sum())
    einheit = suite.einheiten.get(p.teil, "Zeilen")
    nicht_pruefbar = int(gewicht[_maske(frame, p.nicht_pruefbar)].sum()) if p.nicht_pruefbar else 0
    e = Pruefergebnis(pruefung=p.name, asset=suite.asset, schweregrad=p.schweregrad, bestanden=bool(r.success),
                 fehlerhafte_zeilen=0, geprueft_zeilen=geprueft, beschreibung=p.beschreibung,
                 erwartung=p.erwartung, gx_suite=gx_suite, nicht_pruefbar_zeilen=nicht_pruefbar)
    fehler = _exception(r)
    if fehler:
        return nicht_ausfuehrbar(suite, p, fehler, gx_suite)
    if e.bestanden:
        e.meldung = f"In Ordnung: {zahl(geprueft)} {einheit} geprüft."
        if nicht_pruefbar:
            e.meldung += (f" {zahl(nicht_pruefbar)} {einheit} sind mit den gelieferten Daten nicht prüfbar "
                          "(nicht gezählt, nicht gemeldet).")
        return e

    index = [i for i in (r.result.get("unexpected_index_list") or []) if not isinstance(i, dict)]
    rows = frame.loc[index] if index else frame.iloc[0:0]
    fehlgewicht = rows[FEHLERHAFT] if FEHLERHAFT in frame else gewicht.loc[rows.index]
    e.fehlerhafte_zeilen = int(fehlgewicht.sum()) if len(rows) else int(r.result.get("unexpected_count") or 0)
    spalten = [c for c in p.beispiel_spalten if c in frame.columns]
    e.beispiele = [{c: json_wert(row[c]) for c in spalten} for _, row in rows.head(MAX_BEISPIELE).iterrows()]
    extra = [c for c in (SOZIALRAUM, JAHR) if c in frame.columns]
    e.befunde = [{c.lstrip("_"): json_wert(row[c]) for c in spalten + extra}
                 for _, row in rows.head(MAX_BEFUNDE).iterrows()]
    if SOZIALRAUM in frame and len(rows):
        sr = rows[SOZIALRAUM].fillna(OHNE_SOZIALRAUM)
        je = fehlgewicht.groupby(sr).sum()
        e.je_sozialraum = {str(k): int(v) for k, v in je.sort_values(ascending=False).items() if v}
        jahr = rows[JAHR] if JAHR in rows else pd.Series(-1, index=rows.index)
        je_jahr = fehlgewicht.groupby([sr, jahr.fillna(-1)]).sum()
        e.je_sozialraum_jahr = [[str(k[0]), None if int(k[1]) == -1 else int(k[1]), int(v)]
                                for k, v in je_jahr.items() if v]
    e.meldung = p.fehlertext.format(n=zahl(e.fehlerhafte_zeilen), geprueft=zahl(geprueft),
                                    beispiele=beispieltext(e.beispiele) or "keine Beispiele")
    return e


def nicht_ausfuehrbar(suite: Suite, p: Pruefung, fehler: str, gx_suite: str) -> Pruefergebnis:
    return Pruefergebnis(pruefung=p.name, asset=suite.asset, schweregrad=p.schweregrad, bestanden=False,
                    fehlerhafte_zeilen=0, geprueft_zeilen=0, beschreibung=p.beschreibung, erwartung=p.erwartung,
                    gx_suite=gx_suite,
                    meldung=(f"Prüfung konnte nicht ausgeführt werden ({fehler}). Das Ergebnis ist unbekannt: "
                             f"raw.{suite.art} weicht vermutlich vom Schema ab (siehe {suite.art}.spalten_und_typen); "
                             "dem IT-Betrieb melden."))


def _exception(r) -> str | None:
    info = r.exception_info or {}
    candidates = [info] if "raised_exception" in info else list(info.values())
    for c in candidates:
        if isinstance(c, dict) and c.get("raised_exception"):
            return (c.get("exception_message") or "unbekannter Fehler").splitlines()[0][:300]
    return None


def _maske(frame: pd.DataFrame, bedingungen: tuple[Bedingung, ...]) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for b in bedingungen:
        col = frame[b.spalte]
        mask &= {
            "==": lambda: col == b.wert, "!=": lambda: col != b.wert, "<": lambda: col < b.wert,
            "<=": lambda: col <= b.wert, ">": lambda: col > b.wert, ">=": lambda: col >= b.wert,
            "in": lambda: col.isin(b.wert), "not_in": lambda: ~col.isin(b.wert),
            "null": lambda: col.isna(), "not_null": lambda: col.notna(),
        }[b.op]().fillna(False).astype(bool)
    return mask


# --- values for people ---------------------------------------------------------

def json_wert(v):
    """A frame value as JSON (dates ISO); never Decimal, NaN or pd.NA (Dagster rejects them)."""
    if v is None or v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat() if v == v.normalize() else v.isoformat()
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalar
        v = v.item()
    if isinstance(v, float):
        return int(v) if v.is_integer() else round(v, 2)
    return v if isinstance(v, (int, str, bool)) else str(v)


def zahl(n) -> str:
    return f"{int(n):,}".replace(",", ".")


def _text(key: str, v) -> str:
    if v is None:
        return "leer"
    if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
        return f"{v[8:10]}.{v[5:7]}.{v[0:4]}"
    if isinstance(v, float) and not math.isnan(v):
        return f"{v:,.2f}".replace(",", "x").replace(".", ",").replace("x", ".")
    return str(v)


def beispieltext(beispiele: list[dict], hoechstens: int = 3) -> str:
    """'hilfe_id „H-7“, hilfeart „36“ (hilfen_20261031.csv, Zeile 4)'; examples joined by '; '."""
    teile = []
    for b in beispiele[:hoechstens]:
        werte = ", ".join(f"{k} „{_text(k, v)}“" for k, v in b.items() if k not in ("datei", "zeile"))
        ort = ", ".join(x for x in (b.get("datei"), f"Zeile {b['zeile']}" if b.get("zeile") is not None else None) if x)
        teile.append(werte + (f" ({ort})" if ort else ""))
    return "; ".join(teile)
