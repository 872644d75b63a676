"""Statistik: the statutory statistics (§§ 98–103 SGB VIII), the reviewer's summary of the latest delivery.

`seite(k, d)` lays out what kjh.statistik.zusammenfassung.seitendaten computed
(the delivery's status, its checks, its tables with small cells already
suppressed); kjh.defs.reports.statistik_seite hands it over. The reports do not
depend on kjh.statistik: `d` is read by its attributes only. Without a delivery
(d None, or no delivery recorded) the page says what will appear here.
"""
from kjh.geheimhaltung.regel import MINDESTFALLZAHL, MINDESTNENNER_FAELLE
from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_KLEIN
from kjh_reports.html import vorlage
from kjh_reports.pages import Kontext, Seite

DATEI = "statistik.html"
ABSCHNITTE = ("hze_uebersicht", "vsm", "teil4")  # tables with a heading of their own (h2); the others are h3
SUMMENZEILEN = ("Insgesamt", "Summe")
ANZAHL_SPALTEN = {"teil4": ("Hilfen mit Buchung",)}  # else every column of a table is a count


def _zelle(text, anzahl: bool) -> tuple[str, str]:
    klasse = "zahl anzahl" if anzahl else "zahl"
    if text in (ZEICHEN_KLEIN, ZEICHEN_GESPERRT):
        klasse += " gesperrt"
    return str(text), klasse


def _tabelle(df, *, key: str | None = None, zahlen: bool = True) -> dict:
    spalten = list(df.columns)
    anzahl = [key is not None and (key not in ANZAHL_SPALTEN or c in ANZAHL_SPALTEN[key]) for c in spalten]
    zeilen = [(str(idx), [_zelle(v, a) if zahlen else (str(v), "") for v, a in zip(row, anzahl)])
              for idx, row in zip(df.index, df.itertuples(index=False))]
    fuss = [z for z in zeilen if z[0] in SUMMENZEILEN]
    return {"kopf": [df.index.name or "", *map(str, spalten)], "zahlen": zahlen,
            "zeilen": [z for z in zeilen if z[0] not in SUMMENZEILEN], "fuss": fuss}


def seite(k: Kontext, d=None) -> Seite:
    """d: a kjh.statistik.zusammenfassung.Seitendaten, or None before any delivery."""
    tabellen = []
    if d is not None and d.lieferung is not None:
        z = d.zusammenfassung
        for key, df in z.tabellen.items():
            t = _tabelle(df, key=key)
            t["ebene"] = "h2" if key in ABSCHNITTE else "h3"
            t["titel"] = z.titel.get(key, key)
            t["abschnitt"] = "HZE nach Geschlecht und Altersgruppe" if key == "hze_laufend_geschlecht" else ""
            tabellen.append(t)
    inhalt = vorlage("statistik.html").render(
        d=d, tabellen=tabellen, intern=k.intern,
        pruefungen=_tabelle(d.pruefungen, zahlen=False) if d is not None and d.pruefungen is not None else None,
        mindestfallzahl=MINDESTFALLZAHL, mindestnenner=MINDESTNENNER_FAELLE, zeichen_klein=ZEICHEN_KLEIN,
        zeichen_gesperrt=ZEICHEN_GESPERRT)
    titel = d.titel if d is not None and d.lieferung is not None else "Amtliche Statistik"
    return Seite(DATEI, titel, inhalt, 0, "Statistik", nicht_schuetzbar=d.nicht_schuetzbar if d is not None else None)
