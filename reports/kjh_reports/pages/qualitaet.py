"""Qualität: the deliveries, the quarantine by reason and the results of the quality checks.

External pages show counts only (protected like case counts); the clerk's
messages with examples and the Great Expectations Data Docs are linked only in
internal runs. A quarantined raw line (rohzeile) is never shown.

Per check: what it compares, what it cannot see and how many findings it raised on
the independent test data set (kjh.quality.grenzen); the records it could not
judge ("nicht prüfbar"); for a failing check its findings per social space and
year and (internal only) its first rows with their ids and deviation, and a CSV of
every row in qualitaet/befunde/<check>.csv.

Laid out by the template qualitaet.html; the functions here compute what it shows.
"""
import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd

from kjh.format import datum, datum_zeit, zahl
from kjh.geheimhaltung.regel import einzelzahl
from kjh.quality.grenzen import befunde_fremddaten, grenze
from kjh_reports import html as h
from kjh_reports.pages import Kontext, Seite

_STATUS_KLASSE = {"angenommen": "status-ok", "abgelehnt": "status-fehler"}
BEFUNDE_ORDNER = Path("qualitaet") / "befunde"  # the internal CSVs, relative to the reports folder
ERSTE_ZEILEN = 10


def _anzahl(k: Kontext, wert) -> h.Zelle:
    return h.anzahl(wert, einzelzahl(wert, k.intern))


def seite(k: Kontext) -> Seite:
    d = k.daten
    p = d.pruefergebnisse
    _befunde_csv(k, p)
    pruefungen = []
    if p is not None:
        # the finance controls (finanz.…) have a section of their own; the rest are the data checks
        finanz = p["pruefung"].str.startswith("finanz.")
        pruefungen.append(_pruefungen(k, p[~finanz], "Prüfungen des letzten Laufs", "pruefungen"))
        if finanz.any():
            pruefungen.append(_pruefungen(k, p[finanz], "Finanzkontrollen", "finanzkontrollen"))
    gx = k.extras.get("reports_dir")
    inhalt = h.seite("qualitaet.html", ohne_ergebnisse=p is None, pruefungen=pruefungen,
                     lieferungen=_lieferungen(k), quarantaene=_quarantaene(k),
                     gx=bool(k.intern and gx and (Path(gx) / "qualitaet" / "gx" / "index.html").exists()))
    return Seite("qualitaet.html", "Datenqualität", inhalt, 0, "Qualität")


def _pruefungen(k: Kontext, p: pd.DataFrame, titel: str, anker: str) -> dict:
    """One section of checks: {leer} when none ran, else its tiles, failing and passed checks, details."""
    if p.empty:
        return {"leer": True}
    fehler = p[(~p["bestanden"]) & (p["schweregrad"] == "ERROR")]
    warn = p[(~p["bestanden"]) & (p["schweregrad"] == "WARN")]
    zeit = p["geprueft_am"].max()
    kacheln = h.kacheln(
        h.kachel("Prüfungen", zahl(len(p)), f"letzter Lauf {datum_zeit(zeit)}"),
        h.kachel("Fehler", zahl(len(fehler)), "nicht bestanden, Schweregrad ERROR",
                 klasse="rot" if len(fehler) else "gruen"),
        h.kachel("Warnungen", zahl(len(warn)), "nicht bestanden, Schweregrad WARN",
                 klasse="gelb" if len(warn) else "gruen"),
        h.kachel("bestanden", zahl(int(p["bestanden"].sum())), "Prüfungen ohne Befund"),
    )
    kopf = ["Prüfung", "Tabelle", "Schweregrad", "Ergebnis", "fehlerhafte Datensätze", "geprüfte Datensätze",
            "nicht prüfbar", "Was geprüft wird", "Was sie vergleicht", "Was sie nicht sieht",
            "Befunde auf unabhängigen Testdaten"]
    if k.intern:
        kopf += ["Meldung (intern)"]
    zeilen, bestanden, einzelheiten = [], [], []
    for r in p.itertuples(index=False):
        if r.schweregrad == "INFO":
            ergebnis = h.Zelle("Statistik", "status-ok")
        elif r.bestanden:
            ergebnis = h.Zelle("bestanden", "status-ok")
        else:
            ergebnis = h.Zelle("Fehler" if r.schweregrad == "ERROR" else "Warnung",
                               "status-fehler" if r.schweregrad == "ERROR" else "status-warn")
        g = grenze(r.pruefung, getattr(r, "beschreibung", "") or "")
        z = [h.Zelle(r.pruefung), h.text(r.asset), h.text(r.schweregrad), ergebnis,
             _anzahl(k, r.fehlerhafte_zeilen), _anzahl(k, r.geprueft_zeilen),
             _anzahl(k, int(_wert(r, "nicht_pruefbar_zeilen", 0) or 0)),
             h.text(getattr(r, "beschreibung", "") or ""), h.text(g.vergleicht), h.text(g.sieht_nicht),
             h.text(zahl(befunde_fremddaten(r.pruefung)), "zahl")]
        if k.intern:
            z.append(h.text(_meldung_intern(r)))
        (bestanden if r.bestanden else zeilen).append(z)
        if not r.bestanden:
            e = _einzelheiten(k, r)
            if e is not None:
                einzelheiten.append(e)
    text = ("Fehler (ERROR) machen eine amtliche Zahl falsch und halten die Statistiklieferung an; Warnungen (WARN) "
            "sind auffällig und werden nur gelistet. Die nicht bestandenen Prüfungen stehen oben.")
    if not k.intern:
        text += " Beispiele und Meldungen mit Einzelheiten stehen nur in der internen Fassung."
    return {"leer": False, "titel": titel, "anker": anker, "einleitung": text, "kacheln": kacheln,
            "nicht_bestanden": h.tabelle(kopf, zeilen, beschriftung="Nicht bestandene Prüfungen") if zeilen else None,
            "einzelheiten": einzelheiten, "bestanden": h.tabelle(kopf, bestanden) if bestanden else None,
            "n_bestanden": len(bestanden)}


def _wert(r, spalte: str, vorgabe=None):
    """A column of audit.pruefergebnisse that an older warehouse may not have yet."""
    v = getattr(r, spalte, vorgabe)
    try:
        return vorgabe if pd.isna(v) else v
    except (TypeError, ValueError):
        return v


def _json(v, vorgabe):
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return vorgabe
    return vorgabe if v is None else v


def _einzelheiten(k: Kontext, r) -> dict | None:
    """A failing check's findings per social space and year; internal: its first rows and the CSV."""
    je_tabelle, befunde_tabelle, csv_link = None, None, None
    je = _json(_wert(r, "je_sozialraum_jahr"), [])
    if je:
        zeilen = [[h.text(sr or "ohne Sozialraum"), h.text("" if jahr is None else str(jahr)), _anzahl(k, n)]
                  for sr, jahr, n in je]
        je_tabelle = h.tabelle(["Sozialraum", "Jahr", "Befunde"], zeilen, kopf_zahl_ab=2,
                               beschriftung="Befunde je Sozialraum und Jahr")
    if k.intern:
        befunde = _json(_wert(r, "befunde"), [])
        if befunde:
            spalten = list(befunde[0])
            befunde_tabelle = h.tabelle(spalten, [[h.text(_zelle(b.get(c))) for c in spalten]
                                                  for b in befunde[:ERSTE_ZEILEN]],
                                        beschriftung=f"Die ersten {min(ERSTE_ZEILEN, len(befunde))} von "
                                                     f"{zahl(r.fehlerhafte_zeilen)} Befunden (intern)")
            csv_link = (BEFUNDE_ORDNER / f"{r.pruefung}.csv").as_posix()
    if je_tabelle is None and befunde_tabelle is None:
        return None
    return {"pruefung": r.pruefung, "tabellen": [t for t in (je_tabelle, befunde_tabelle) if t is not None],
            "csv": csv_link}


def _zelle(v) -> str:
    return "" if v is None else str(v)


def _befunde_csv(k: Kontext, p: pd.DataFrame | None) -> None:
    """Internal run: every failing row of each check as CSV; an external run leaves none behind."""
    wurzel = k.extras.get("reports_dir")
    if not wurzel:
        return
    ordner = Path(wurzel) / BEFUNDE_ORDNER
    if ordner.exists():
        shutil.rmtree(ordner)
    if not k.intern or p is None or "befunde" not in p:
        return
    for r in p.itertuples(index=False):
        befunde = _json(_wert(r, "befunde"), [])
        if r.bestanden or not befunde:
            continue
        spalten = list(dict.fromkeys(c for b in befunde for c in b))
        puffer = io.StringIO()
        w = csv.writer(puffer, delimiter=";", lineterminator="\n")
        w.writerow(spalten)
        w.writerows([_zelle(b.get(c)) for c in spalten] for b in befunde)
        ordner.mkdir(parents=True, exist_ok=True)
        (ordner / f"{r.pruefung}.csv").write_text(puffer.getvalue(), encoding="utf-8")


def _meldung_intern(r) -> str:
    text = r.meldung or ""
    try:
        beispiele = json.loads(r.beispiele) if isinstance(r.beispiele, str) else (r.beispiele or [])
    except ValueError:
        beispiele = []
    if beispiele and not r.bestanden:
        text += " Beispiele: " + "; ".join(", ".join(f"{a}={b}" for a, b in x.items()) if isinstance(x, dict)
                                            else str(x) for x in beispiele[:5])
    return text


def _lieferungen(k: Kontext) -> h.Tabelle | None:
    lf = k.daten.lieferungen
    if lf.empty:
        return None
    kopf = ["Datei", "Art", "Exportdatum", "Datensätze", "geladen", "Quarantäne", "übersprungen", "Status",
            "Meldung", "geladen am"]
    zeilen = []
    for r in lf.itertuples(index=False):
        zeilen.append([h.Zelle(r.datei), h.text(r.art or ""), h.text(datum(r.exportdatum) if pd.notna(r.exportdatum) else ""),
                       _anzahl(k, r.zeilen), _anzahl(k, r.geladen), _anzahl(k, r.quarantaene),
                       _anzahl(k, r.uebersprungen), h.Zelle(r.status, _STATUS_KLASSE.get(r.status, "status-warn")),
                       h.text(r.meldung), h.text(datum_zeit(r.geladen_am))])
    return h.tabelle(kopf, zeilen, kopf_zahl_ab=3)


def _quarantaene(k: Kontext) -> h.Tabelle | None:
    q = k.daten.quarantaene_gruende
    if q.empty:
        return None
    zeilen = [[h.Zelle(r.grund), h.text(r.art), h.text(r.grund_code), _anzahl(k, r.zeilen), _anzahl(k, r.dateien)]
              for r in q.itertuples(index=False)]
    return h.tabelle(["Grund", "Art", "Code", "Datensätze", "Dateien"], zeilen, kopf_zahl_ab=3)
