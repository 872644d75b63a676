"""Qualität: the deliveries, the quarantine by reason and the results of the quality checks.

External pages show counts only (protected like case counts); the clerk's
messages with examples and the Great Expectations Data Docs are linked only in
internal runs. A quarantined raw line (rohzeile) is never shown.
"""
import json
from pathlib import Path

import pandas as pd

from kjh_reports import geheimhaltung as gh
from kjh_reports import html as h
from kjh_reports.format import datum, datum_zeit, zahl
from kjh_reports.pages import Kontext, Seite

_STATUS_KLASSE = {"angenommen": "status-ok", "abgelehnt": "status-fehler"}


def _anzahl(k: Kontext, wert) -> h.Zelle:
    return h.anzahl(wert, gh.einzelzahl(wert, k.intern))


def seite(k: Kontext) -> Seite:
    d = k.daten
    teile = []
    p = d.pruefergebnisse
    if p is None:
        teile.append(h.hinweis(
            "Die Ergebnisse der Qualitätsprüfungen (Tabelle audit.pruefergebnisse) liegen in diesem Warehouse noch "
            "nicht vor: Die Prüfungen sind noch nicht gelaufen. Sobald sie laufen, stehen ihre Ergebnisse hier.",
            "hinweis warnung"))
    else:
        # the finance controls (finanz.…) have a section of their own; the rest are the data checks
        finanz = p["pruefung"].str.startswith("finanz.")
        teile.append(_pruefungen(k, p[~finanz], "Prüfungen des letzten Laufs", "pruefungen"))
        if finanz.any():
            teile.append(_pruefungen(k, p[finanz], "Finanzkontrollen", "finanzkontrollen"))
    teile.append(_lieferungen(k))
    teile.append(_quarantaene(k))
    gx = k.extras.get("reports_dir")
    if k.intern and gx and (Path(gx) / "qualitaet" / "gx" / "index.html").exists():
        teile.append(h.abschnitt("Technische Einzelheiten", '<p><a href="qualitaet/gx/index.html">Great Expectations '
                                 "Data Docs</a>: jede Erwartung mit ihrem Ergebnis (intern).</p>"))
    return Seite("qualitaet.html", "Datenqualität", "\n".join(teile), 0, "Qualität")


def _pruefungen(k: Kontext, p: pd.DataFrame, titel: str, anker: str) -> str:
    if p.empty:
        return h.abschnitt("Prüfungen", h.hinweis("Im letzten Lauf wurden keine Prüfungen ausgeführt."))
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
            "Was geprüft wird"]
    if k.intern:
        kopf += ["Meldung (intern)"]
    zeilen, bestanden = [], []
    for r in p.itertuples(index=False):
        ergebnis = h.Zelle("bestanden", "status-ok") if r.bestanden else \
            h.Zelle("Fehler" if r.schweregrad == "ERROR" else "Warnung",
                    "status-fehler" if r.schweregrad == "ERROR" else "status-warn")
        z = [h.Zelle(r.pruefung), h.text(r.asset), h.text(r.schweregrad), ergebnis,
             _anzahl(k, r.fehlerhafte_zeilen), _anzahl(k, r.geprueft_zeilen),
             h.text(getattr(r, "beschreibung", "") or "")]
        if k.intern:
            z.append(h.text(_meldung_intern(r)))
        (bestanden if r.bestanden else zeilen).append(z)
    text = ("Fehler (ERROR) machen eine amtliche Zahl falsch und halten die Statistiklieferung an; Warnungen (WARN) "
            "sind auffällig und werden nur gelistet. Die nicht bestandenen Prüfungen stehen oben.")
    if not k.intern:
        text += " Beispiele und Meldungen mit Einzelheiten stehen nur in der internen Fassung."
    inhalt = kacheln
    if zeilen:
        inhalt += h.tabelle(kopf, zeilen, beschriftung="Nicht bestandene Prüfungen")
    else:
        inhalt += h.hinweis("Alle Prüfungen des letzten Laufs sind bestanden.")
    if bestanden:
        inhalt += (f'<details class="bestanden"><summary>Bestandene Prüfungen ({len(bestanden)}) anzeigen</summary>'
                   + h.tabelle(kopf, bestanden) + "</details>")
    return h.abschnitt(titel, inhalt, anker, einleitung=text)


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


def _lieferungen(k: Kontext) -> str:
    lf = k.daten.lieferungen
    if lf.empty:
        return h.abschnitt("Lieferungen", h.hinweis("Es wurden noch keine Lieferungen geladen."))
    kopf = ["Datei", "Art", "Exportdatum", "Datensätze", "geladen", "Quarantäne", "übersprungen", "Status",
            "Meldung", "geladen am"]
    zeilen = []
    for r in lf.itertuples(index=False):
        zeilen.append([h.Zelle(r.datei), h.text(r.art or ""), h.text(datum(r.exportdatum) if pd.notna(r.exportdatum) else ""),
                       _anzahl(k, r.zeilen), _anzahl(k, r.geladen), _anzahl(k, r.quarantaene),
                       _anzahl(k, r.uebersprungen), h.Zelle(r.status, _STATUS_KLASSE.get(r.status, "status-warn")),
                       h.text(r.meldung), h.text(datum_zeit(r.geladen_am))])
    return h.abschnitt("Lieferungen", h.tabelle(kopf, zeilen, kopf_zahl_ab=3), "lieferungen", einleitung=(
        "Jede gelieferte Datei mit ihrem Ergebnis, die neueste zuerst. Abgelehnte Dateien wurden nicht geladen; "
        "einzelne fehlerhafte Datensätze gehen in die Quarantäne, der Rest wird geladen."))


def _quarantaene(k: Kontext) -> str:
    q = k.daten.quarantaene_gruende
    if q.empty:
        return h.abschnitt("Quarantäne", h.hinweis("Keine Datensätze in Quarantäne."), "quarantaene")
    zeilen = [[h.Zelle(r.grund), h.text(r.art), h.text(r.grund_code), _anzahl(k, r.zeilen), _anzahl(k, r.dateien)]
              for r in q.itertuples(index=False)]
    return h.abschnitt("Quarantäne nach Grund", h.tabelle(["Grund", "Art", "Code", "Datensätze", "Dateien"], zeilen,
                                                          kopf_zahl_ab=3), "quarantaene",
                       einleitung="Zurückgehaltene Datensätze je Grund, über alle Lieferungen. Die Datensätze "
                                  "selbst stehen nur in der Datenbank (audit.quarantaene).")
