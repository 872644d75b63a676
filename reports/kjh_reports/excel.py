"""The Excel workbook: one sheet per mart, German headers and number formats,
frozen header row, filters, and the same small-cell protection as the pages
(protected cells hold the symbol as text: '<3', 'x', '/').

External workbooks leave out the split of monthly expenditure by type of help
(single helps' costs would be readable); internal ones keep the mart's grain.
"""
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from kjh_reports import daten as daten_mod
from kjh_reports import geheimhaltung as gh
from kjh_reports.daten import Berichtsdaten
from kjh_reports.format import datum
from kjh_reports.pages import WORKBOOK
from kjh_reports.schutz import ALLE, NICHT_GEZEIGT, UEBRIGE, Geschuetzt, schuetze

FORMATE = {
    "anzahl": "#,##0",
    "ganzzahl": "#,##0",
    "jahr": "0",
    "eur": '#,##0.00 "€"',
    "pct": '0.0 "%"',
    "dezimal": "#,##0.00",
    "quote": "#,##0.00",
    "datum": "DD.MM.YYYY",
    "monat": "MM.YYYY",
    "text": "@",
}
BREITE = {"anzahl": 12, "ganzzahl": 12, "jahr": 8, "eur": 16, "pct": 11, "dezimal": 12, "quote": 12, "datum": 12,
          "monat": 10, "text": 18}


@dataclass(frozen=True)
class Spalte:
    name: str       # column of the frame
    titel: str      # German header
    art: str        # key of FORMATE; 'anzahl' = a count of helps (protected)
    breite: int | None = None


@dataclass
class Blatt:
    titel: str
    beschreibung: str
    spalten: list[Spalte]
    zeilen: pd.DataFrame          # the values, columns named as in spalten
    status: pd.DataFrame          # same shape: geheimhaltung status or 'gesperrt'/'nicht_sicher'


def anzahl_spalten(blatt: Blatt) -> list[str]:
    """The columns of a sheet that hold counts of helps (protected)."""
    return [s.titel for s in blatt.spalten if s.art == "anzahl"]


def _quote_status(q: gh.Quote) -> str:
    return {"gesperrt": "nicht_sicher", "eingeschraenkt": "eingeschraenkt"}.get(q.zeigen, gh.OFFEN)


def blaetter(d: Berichtsdaten, g: Geschuetzt) -> list[Blatt]:
    intern = g.intern
    label = {r.hilfeart: f"{r.paragraph} {r.bezeichnung}" for r in d.hilfearten.itertuples(index=False)}
    out = []

    # ---- fallzahlen_jahr
    f = d["fallzahlen_jahr"].copy()
    f["hilfen"] = f["laufend_31_12"] + f["beendet"]
    zahlen = ["laufend_31_12", "begonnen", "beendet", "hilfen", "davon_41", "davon_ambulant", "davon_teilstationaer",
              "davon_stationaer"]
    ordnung = {c: i for i, c in enumerate(d.hilfearten["hilfeart"])}
    text = ""
    if not intern:  # as published on the pages: rare help types as one group, and the social space's total
        stichtage = f.groupby("jahr")["stichtag"].first()
        zeilen = []
        for (j, s), grp in f.groupby(["jahr", "sozialraum"]):
            codes = sorted(grp["hilfeart"], key=lambda x: ordnung.get(x, 99))
            for hcode in g.hilfearten_jahr(codes) + [ALLE]:
                zeilen.append({"jahr": j, "sozialraum": s, "hilfeart": hcode, "stichtag": stichtage[j],
                               **{c: g.jahr(j, c, s, hcode)[0] for c in zahlen}})
        f = pd.DataFrame(zeilen)
        if g.seltene_jahr:
            text = (" In dieser Fassung stehen seltene Hilfearten (" + ", ".join(g.seltene_jahr) + ") nur zusammen "
                    "als 'übrige Hilfearten'.")
    else:
        f = f.sort_values(["jahr", "sozialraum", "hilfeart"]).reset_index(drop=True)
    hcodes = list(f["hilfeart"])
    f["bezeichnung"] = [label.get(x, x) for x in f["hilfeart"]]
    f["hilfeart"] = [x if x in label else "" for x in f["hilfeart"]]
    st = pd.DataFrame({c: [g.jahr(j, c, s, h)[1] for j, s, h in zip(f["jahr"], f["sozialraum"], hcodes)]
                       for c in zahlen})
    out.append(Blatt("Fallzahlen Jahr", "Hilfen je Jahr, Sozialraum und Hilfeart (Mart fallzahlen_jahr): laufend am "
                     "31.12. (im laufenden Jahr am Stichtag), begonnen, beendet; Hilfen = laufend + beendet." + text,
                     [Spalte("jahr", "Jahr", "jahr"), Spalte("sozialraum", "Sozialraum", "text"),
                      Spalte("hilfeart", "Hilfeart", "text", 9), Spalte("bezeichnung", "Bezeichnung", "text", 40),
                      Spalte("stichtag", "Stichtag", "datum"),
                      Spalte("laufend_31_12", "laufend am Stichtag", "anzahl"), Spalte("begonnen", "begonnen", "anzahl"),
                      Spalte("beendet", "beendet", "anzahl"), Spalte("hilfen", "Hilfen im Jahr", "anzahl"),
                      Spalte("davon_41", "davon § 41", "anzahl"), Spalte("davon_ambulant", "davon ambulant", "anzahl"),
                      Spalte("davon_teilstationaer", "davon teilstationär", "anzahl", 13),
                      Spalte("davon_stationaer", "davon stationär", "anzahl")], f, st))

    # ---- fallzahlen_monat
    m = d["fallzahlen_monat"].copy()
    m["monat"] = pd.to_datetime(m["monat"])
    kennz = ("laufend_monatsende", "begonnen", "beendet")
    if not intern:  # as published on the pages: rare help types as one group, begun/ended for all together
        stichtage = m.groupby("monat")["stichtag"].first()
        zeilen = []
        ordnung = {c: i for i, c in enumerate(d.hilfearten["hilfeart"])}
        for (t, s), grp in m.groupby(["monat", "sozialraum"]):
            sichtbar = sorted((x for x in grp["hilfeart"] if x not in g.seltene), key=lambda x: ordnung.get(x, 99))
            for hcode in sichtbar + \
                    ([UEBRIGE] if g.seltene else []) + [ALLE]:
                zeilen.append({"monat": t, "sozialraum": s, "hilfeart": hcode, "stichtag": stichtage[t],
                               **{c: g.monat(t, c, s, hcode)[0] for c in kennz}})
        m = pd.DataFrame(zeilen)
        m["bezeichnung"] = [label.get(x, x) for x in m["hilfeart"]]
        m["hilfeart"] = [x if x in label else "" for x in m["hilfeart"]]
        hcodes = [r["hilfeart"] or r["bezeichnung"] for _, r in m.iterrows()]
        text = (" In dieser Fassung stehen seltene Hilfearten (" + ", ".join(g.seltene) + ") nur zusammen als "
                "'übrige Hilfearten', und begonnene/beendete Hilfen je Monat nur für alle Hilfearten zusammen "
                "(je Hilfeart und Monat wären es fast nur Werte unter 3; je Jahr im Blatt Fallzahlen Jahr).")
    else:
        m["bezeichnung"] = m["hilfeart"].map(label)
        m = m.sort_values(["monat", "sozialraum", "hilfeart"]).reset_index(drop=True)
        hcodes = list(m["hilfeart"])
        text = ""
    hcodes = [{"übrige Hilfearten": UEBRIGE, "alle Hilfearten": ALLE}.get(x, x) for x in hcodes]
    st = pd.DataFrame({c: [g.monat(t, c, s, hc)[1] for t, s, hc in zip(m["monat"], m["sozialraum"], hcodes)]
                       for c in kennz})
    out.append(Blatt("Fallzahlen Monat", "Hilfen je Monat, Sozialraum und Hilfeart (Mart fallzahlen_monat): laufend am "
                     "Monatsende, im Monat begonnen und beendet." + text,
                     [Spalte("monat", "Monat", "monat"), Spalte("sozialraum", "Sozialraum", "text"),
                      Spalte("hilfeart", "Hilfeart", "text", 9), Spalte("bezeichnung", "Bezeichnung", "text", 40),
                      Spalte("stichtag", "Stichtag", "datum"),
                      Spalte("laufend_monatsende", "laufend am Monatsende", "anzahl", 14),
                      Spalte("begonnen", "begonnen", "anzahl"), Spalte("beendet", "beendet", "anzahl")], m, st))

    # ---- ausgaben_jahr
    a = d["ausgaben_jahr"].sort_values(["haushaltsjahr", "sozialraum", "teilplan"]).reset_index(drop=True)
    st = pd.DataFrame({"buchungen": [gh.einzelzahl(v, intern) for v in a["buchungen"]]})
    out.append(Blatt("Ausgaben Jahr", "Kassenwirksame Ausgaben, Einnahmen und Netto je Haushaltsjahr, Sozialraum und "
                     "Teilplan (Mart ausgaben_jahr); Buchungen ohne Hilfe unter 'ohne Sozialraum'.",
                     [Spalte("haushaltsjahr", "Haushaltsjahr", "jahr", 13), Spalte("sozialraum", "Sozialraum", "text"),
                      Spalte("teilplan", "Teilplan", "text", 9), Spalte("ausgaben_eur", "Ausgaben", "eur"),
                      Spalte("einnahmen_eur", "Einnahmen", "eur"), Spalte("netto_eur", "Netto", "eur"),
                      Spalte("buchungen", "Buchungen", "ganzzahl")], a, st))

    # ---- ausgaben_monat
    am = d["ausgaben_monat"].copy()
    if intern:
        am["bezeichnung"] = am["hilfeart"].map(label)
        am = am.sort_values(["monat", "sozialraum", "teilplan", "hilfeart"]).reset_index(drop=True)
        spalten = [Spalte("monat", "Monat", "monat"), Spalte("sozialraum", "Sozialraum", "text"),
                   Spalte("teilplan", "Teilplan", "text", 9), Spalte("hilfeart", "Hilfeart", "text", 9),
                   Spalte("bezeichnung", "Bezeichnung", "text", 40)]
        text = "je Monat, Sozialraum, Teilplan und Hilfeart (Mart ausgaben_monat)"
    else:
        am = am.groupby(["monat", "sozialraum", "teilplan"], as_index=False)[
            ["ausgaben_eur", "einnahmen_eur", "netto_eur", "netto_kumuliert_eur"]].sum()
        spalten = [Spalte("monat", "Monat", "monat"), Spalte("sozialraum", "Sozialraum", "text"),
                   Spalte("teilplan", "Teilplan", "text", 9)]
        text = ("je Monat, Sozialraum und Teilplan (Mart ausgaben_monat, ohne Aufteilung nach Hilfeart: "
                "sonst wären Kosten einzelner Hilfen erkennbar)")
    spalten += [Spalte("ausgaben_eur", "Ausgaben", "eur"), Spalte("einnahmen_eur", "Einnahmen", "eur"),
                Spalte("netto_eur", "Netto", "eur"), Spalte("netto_kumuliert_eur", "Netto seit Januar", "eur")]
    out.append(Blatt("Ausgaben Monat", f"Kassenwirksame Beträge {text}; Netto seit Januar = kumuliert im "
                     "Haushaltsjahr.", spalten, am.reset_index(drop=True), pd.DataFrame(index=am.index)))

    # ---- kosten_je_fall
    k = d["kosten_je_fall"].copy()
    if not intern and g.seltene_jahr:  # the rare help types as one group, as in Fallzahlen Jahr
        selten = k[k["hilfeart"].isin(g.seltene_jahr)]
        gruppe = selten.groupby(["jahr", "sozialraum"], as_index=False)[["fallmonate", "netto_periodengerecht_eur"]].sum()
        gruppe["hilfeart"] = UEBRIGE
        gruppe["eur_je_fallmonat"] = (gruppe["netto_periodengerecht_eur"] / gruppe["fallmonate"]).where(
            gruppe["fallmonate"] > 0).round(2)
        k = pd.concat([k[~k["hilfeart"].isin(g.seltene_jahr)], gruppe], ignore_index=True)
    k["_ord"] = [ordnung.get(x, 99) for x in k["hilfeart"]]
    k = k.sort_values(["jahr", "sozialraum", "_ord"]).reset_index(drop=True)
    hcodes = list(k["hilfeart"])
    k["bezeichnung"] = [label.get(x, x) for x in k["hilfeart"]]
    k["hilfeart"] = [x if x in label else "" for x in k["hilfeart"]]
    dep = [g.zu_fallzahl(j, s, h) for j, s, h in zip(k["jahr"], k["sozialraum"], hcodes)]
    qs = [_quote_status(g.je_fallmonat(w, j, s, h))
          for w, j, s, h in zip(k["eur_je_fallmonat"], k["jahr"], k["sozialraum"], hcodes)]
    st = pd.DataFrame({"fallmonate": dep, "netto_periodengerecht_eur": dep, "eur_je_fallmonat": qs})
    out.append(Blatt("Kosten je Fall", "Periodengerechte Netto-Ausgaben, Fallmonate und Netto je Fallmonat je Jahr, "
                     f"Sozialraum und Hilfeart (Mart kosten_je_fall). Netto je Fallmonat erst ab "
                     f"{gh.MINDESTNENNER_FAELLE} Hilfen." + text,
                     [Spalte("jahr", "Jahr", "jahr"), Spalte("sozialraum", "Sozialraum", "text"),
                      Spalte("hilfeart", "Hilfeart", "text", 9), Spalte("bezeichnung", "Bezeichnung", "text", 40),
                      Spalte("fallmonate", "Fallmonate", "dezimal"),
                      Spalte("netto_periodengerecht_eur", "Netto periodengerecht", "eur", 20),
                      Spalte("eur_je_fallmonat", "Netto je Fallmonat", "eur")], k, st))

    # ---- eckwerte_jahr
    e = d["eckwerte_jahr"].sort_values(["jahr", "sozialraum"]).reset_index(drop=True)
    st = pd.DataFrame({"hilfen_summe": [g.jahr(j, "hilfen", s, ALLE)[1] for j, s in zip(e["jahr"], e["sozialraum"])],
                       "eckwert": [_quote_status(g.eckwert(j, s)) for j, s in zip(e["jahr"], e["sozialraum"])]})
    out.append(Blatt("Eckwerte", "Eckwert = (am 31.12. laufende + im Jahr beendete Hilfen) je 1.000 Einwohner unter 21 "
                     "Jahren, je Sozialraum und Kreis gesamt (Mart eckwerte_jahr).",
                     [Spalte("jahr", "Jahr", "jahr"), Spalte("sozialraum", "Sozialraum", "text"),
                      Spalte("hilfen_summe", "Hilfen im Jahr", "anzahl"),
                      Spalte("einwohner_0_20", "Einwohner unter 21", "ganzzahl", 14),
                      Spalte("eckwert", "Eckwert je 1.000", "quote")], e, st))

    # ---- budget_auslastung
    b = d["budget_auslastung"].sort_values(["haushaltsjahr", "sozialraum", "teilplan"]).reset_index(drop=True)
    out.append(Blatt("Budgetauslastung", "Budget, Netto bis Stand, Prognose des Jahresendes, Auslastung und Ampel je "
                     "Haushaltsjahr, Sozialraum und Teilplan (Mart budget_auslastung).",
                     [Spalte("haushaltsjahr", "Haushaltsjahr", "jahr", 13), Spalte("sozialraum", "Sozialraum", "text"),
                      Spalte("teilplan", "Teilplan", "text", 9), Spalte("budget_eur", "Budget", "eur"),
                      Spalte("netto_bis_stand_eur", "Netto bis Stand", "eur"), Spalte("stand", "Stand", "datum"),
                      Spalte("prognose_basis", "Basis", "text", 10),
                      Spalte("prognose_jahresende_eur", "Prognose Jahresende", "eur", 19),
                      Spalte("prognose_auslastung_pct", "Auslastung", "pct"), Spalte("ampel", "Ampel", "text", 8),
                      Spalte("restmittel_eur", "Restmittel", "eur")], b, pd.DataFrame(index=b.index)))

    # ---- budget_verbleib_jahr
    v = d["budget_verbleib_jahr"].sort_values(["haushaltsjahr", "sozialraum"]).reset_index(drop=True)
    out.append(Blatt("Verbleib Region", "Nicht verbrauchte Budgets und der Betrag, der mindestens in der Region bleibt "
                     "(Regel des Kreises; Mart budget_verbleib_jahr).",
                     [Spalte("haushaltsjahr", "Haushaltsjahr", "jahr", 13), Spalte("sozialraum", "Sozialraum", "text"),
                      Spalte("region", "Region", "text"), Spalte("basis", "Basis", "text", 10),
                      Spalte("budget_eur", "Budget", "eur"), Spalte("netto_jahresende_eur", "Netto Jahresende", "eur"),
                      Spalte("unterschreitung_eur", "nicht verbraucht", "eur"),
                      Spalte("verbleib_region_mindestens_eur", "bleibt mindestens in der Region", "eur", 22)],
                     v, pd.DataFrame(index=v.index)))

    # ---- traeger_kennzahlen
    t = d["traeger_kennzahlen"].sort_values(["jahr", "netto_eur"], ascending=[True, False]).reset_index(drop=True)
    ts = [g.traeger_status.get((int(j), i), gh.OFFEN) for j, i in zip(t["jahr"], t["traeger_id"])]
    st = pd.DataFrame({"hilfen": ts, "fallmonate": [gh.abhaengig(s) for s in ts],
                       "netto_eur": [gh.abhaengig(s) for s in ts], "anteil_netto_pct": [gh.abhaengig(s) for s in ts]})
    out.append(Blatt("Träger", "Je Jahr und Träger: Hilfen (am 31.12. laufend oder im Jahr beendet), Fallmonate, "
                     "Netto im Haushaltsjahr und Anteil am Netto aller Träger (Mart traeger_kennzahlen).",
                     [Spalte("jahr", "Jahr", "jahr"), Spalte("traeger_id", "Träger-Nr.", "text", 11),
                      Spalte("name", "Name", "text", 44), Spalte("traegerart_bezeichnung", "Art", "text", 28),
                      Spalte("verband", "Verband", "text", 12), Spalte("hilfen", "Hilfen", "anzahl"),
                      Spalte("fallmonate", "Fallmonate", "dezimal"), Spalte("netto_eur", "Netto", "eur"),
                      Spalte("anteil_netto_pct", "Anteil", "pct")], t, st))

    # ---- vorjahresvergleich (counts and other figures in one long table)
    out.append(_vorjahresvergleich(d, g))

    # ---- forecast
    pg = d["prognose_genauigkeit"].sort_values(["ebene", "prognosemonat"]).reset_index(drop=True)
    out.append(Blatt("Prognose Genauigkeit", "Mittlerer Fehler der Jahresend-Prognose im Rückblick je Monat der "
                     "Prognose, für das Verfahren und die gerade Linie (Mart prognose_genauigkeit).",
                     [Spalte("ebene", "Ebene", "text", 20), Spalte("prognosemonat", "Prognose vom Ende des Monats", "ganzzahl", 14),
                      Spalte("prognosen", "Prognosen", "ganzzahl"), Spalte("erstes_jahr", "erstes Jahr", "jahr", 11),
                      Spalte("letztes_jahr", "letztes Jahr", "jahr", 11), Spalte("wape_pct", "Fehler (WAPE)", "pct", 13),
                      Spalte("wape_linear_pct", "Fehler gerade Linie", "pct", 13), Spalte("bias_pct", "Verzerrung", "pct"),
                      Spalte("max_abs_fehler_pct", "größter Fehler", "pct")], pg, pd.DataFrame(index=pg.index)))
    bt = d["prognose_backtest"].sort_values(["haushaltsjahr", "sozialraum", "teilplan", "prognosemonat"]) \
        .reset_index(drop=True)
    out.append(Blatt("Prognose Rückblick", "Jede nachträglich gerechnete Prognose gegen das tatsächliche Jahresende "
                     "(Mart prognose_backtest).",
                     [Spalte("haushaltsjahr", "Haushaltsjahr", "jahr", 13), Spalte("sozialraum", "Sozialraum", "text"),
                      Spalte("teilplan", "Teilplan", "text", 9), Spalte("prognosemonat", "Monat", "ganzzahl", 8),
                      Spalte("lernjahre", "Lernjahre", "ganzzahl", 9), Spalte("ist_bis_monat_eur", "Ist bis Monat", "eur"),
                      Spalte("prognose_jahresende_eur", "Prognose", "eur"),
                      Spalte("prognose_linear_eur", "gerade Linie", "eur"),
                      Spalte("ist_jahresende_eur", "Ist Jahresende", "eur"), Spalte("fehler_eur", "Fehler", "eur"),
                      Spalte("fehler_linear_eur", "Fehler gerade Linie", "eur"), Spalte("fehler_pct", "Fehler %", "pct"),
                      Spalte("fehler_linear_pct", "Fehler gerade Linie %", "pct", 13)], bt,
                     pd.DataFrame(index=bt.index)))
    return out


_KENNZAHL = {
    "laufend_31_12": ("laufende Hilfen am 31.12.", "anzahl"), "begonnen": ("begonnene Hilfen", "anzahl"),
    "beendet": ("beendete Hilfen", "anzahl"), "davon_41": ("davon § 41", "anzahl"),
    "hilfen_summe": ("Hilfen im Jahr", "anzahl"), "eckwert": ("Eckwert je 1.000 unter 21", "quote"),
    "ausgaben_eur": ("Ausgaben (€)", "eur"), "einnahmen_eur": ("Einnahmen (€)", "eur"), "netto_eur": ("Netto (€)", "eur"),
    "fallmonate": ("Fallmonate", "dezimal"), "eur_je_fallmonat": ("Netto je Fallmonat (€)", "eur"),
}


def _vorjahresvergleich(d: Berichtsdaten, g: Geschuetzt) -> Blatt:
    v = d["vorjahresvergleich"].sort_values(["jahr", "sozialraum", "kennzahl"]).reset_index(drop=True)
    v["bezeichnung"] = [_KENNZAHL.get(k, (k, ""))[0] for k in v["kennzahl"]]
    v["abgeschlossen"] = ["ja" if x else "nein (bis Stichtag)" for x in v["jahr_abgeschlossen"]]
    wert_st, vor_st, art = [], [], []
    for r in v.itertuples(index=False):
        a = _KENNZAHL.get(r.kennzahl, ("", "eur"))[1]
        art.append(a)
        wert_st.append(_kv_status(g, r.kennzahl, a, r.wert, int(r.jahr), r.sozialraum))
        vor_st.append(_kv_status(g, r.kennzahl, a, r.wert_vorjahr, int(r.jahr) - 1, r.sozialraum))
    v["_art"] = art  # which rows are counts: read by the suppression test through ZEILENART
    aend = [s1 if s1 != gh.OFFEN else s0 for s1, s0 in zip(wert_st, vor_st)]
    st = pd.DataFrame({"wert": wert_st, "wert_vorjahr": vor_st, "veraenderung": aend, "veraenderung_pct": aend})
    return Blatt("Vorjahresvergleich", "Kennzahlen je Jahr und Sozialraum (Kreis gesamt für den Kreis) mit Vorjahr und "
                 "Veränderung (Mart vorjahresvergleich). Fallzahlen, Eckwert und Netto je Fallmonat sind wie in den "
                 "anderen Blättern geschützt.",
                 [Spalte("jahr", "Jahr", "jahr"), Spalte("sozialraum", "Sozialraum", "text"),
                  Spalte("kennzahl", "Kennzahl", "text", 16), Spalte("bezeichnung", "Bezeichnung", "text", 28),
                  Spalte("abgeschlossen", "Jahr abgeschlossen", "text", 18),
                  Spalte("wert", "Wert", "zeilenart", 16), Spalte("wert_vorjahr", "Vorjahr", "zeilenart", 16),
                  Spalte("veraenderung", "Veränderung", "dezimal", 14),
                  Spalte("veraenderung_pct", "Veränderung in %", "pct", 14)], v, st)


ZEILENART = "_art"


def _kv_status(g: Geschuetzt, kennzahl: str, art: str, wert, jahr: int, sr: str) -> str:
    if wert is None or wert != wert:
        return gh.OFFEN
    if art == "anzahl":
        return g.jahr(jahr, {"hilfen_summe": "hilfen"}.get(kennzahl, kennzahl), sr, ALLE)[1]
    if kennzahl == "eckwert":
        return _quote_status(g.eckwert(jahr, sr))
    if kennzahl == "eur_je_fallmonat":
        return _quote_status(g.je_fallmonat(wert, jahr, sr))
    if kennzahl == "fallmonate":
        return g.zu_fallzahl(jahr, sr)
    return gh.OFFEN


# ------------------------------------------------------------------ writing
_SYMBOL = {gh.PRIMAER: gh.ZEICHEN_KLEIN, gh.SEKUNDAER: gh.ZEICHEN_GESPERRT, "nicht_sicher": gh.ZEICHEN_NICHT_SICHER}


def _wert(v, art):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and v != v:
        return None
    if art in ("datum", "monat"):
        return pd.Timestamp(v).to_pydatetime()
    if art in ("anzahl", "ganzzahl", "jahr") and isinstance(v, float) and v.is_integer():
        return int(v)
    if hasattr(v, "item"):
        return v.item()
    return v


def _stile(wb: Workbook) -> None:
    kopf = NamedStyle(name="kopf", font=Font(bold=True, color="FFFFFF"),
                      fill=PatternFill("solid", fgColor="1D4E89"),
                      alignment=Alignment(wrap_text=True, vertical="center"))
    wb.add_named_style(kopf)
    for art, fmt in FORMATE.items():
        wb.add_named_style(NamedStyle(name=f"z_{art}", number_format=fmt,
                                      alignment=Alignment(horizontal="left" if art == "text" else "right")))
    wb.add_named_style(NamedStyle(name="geschuetzt", font=Font(italic=True, color="5B6470"),
                                  alignment=Alignment(horizontal="right")))
    wb.add_named_style(NamedStyle(name="eingeschraenkt", number_format='"("#,##0.00")"',
                                  font=Font(italic=True), alignment=Alignment(horizontal="right")))


def _blatt(wb: Workbook, b: Blatt) -> None:
    ws = wb.create_sheet(b.titel[:31])
    ws.append([s.titel for s in b.spalten])
    for c in ws[1]:
        c.style = "kopf"
    ws.row_dimensions[1].height = 32
    zeilenart = b.zeilen[ZEILENART].tolist() if ZEILENART in b.zeilen else None
    status_spalten = {s.name: b.status[s.name].tolist() for s in b.spalten if s.name in b.status}
    werte = {s.name: b.zeilen[s.name].tolist() for s in b.spalten}
    for i in range(len(b.zeilen)):
        zeile = []
        for s in b.spalten:
            art = s.art if s.art != "zeilenart" else (zeilenart[i] if zeilenart else "dezimal")
            st = status_spalten.get(s.name, [gh.OFFEN] * len(b.zeilen))[i]
            if st in _SYMBOL:
                zeile.append((_SYMBOL[st], "geschuetzt"))
            elif st == NICHT_GEZEIGT:
                zeile.append((None, f"z_{art}"))
            elif st == "eingeschraenkt":
                zeile.append((_wert(werte[s.name][i], art), "eingeschraenkt"))
            else:
                zeile.append((_wert(werte[s.name][i], art), f"z_{art}"))
        for j, (wert, stil) in enumerate(zeile, start=1):
            ws.cell(row=i + 2, column=j, value=wert).style = stil
    for j, s in enumerate(b.spalten, start=1):
        ws.column_dimensions[get_column_letter(j)].width = s.breite or max(BREITE.get(s.art, 14), len(s.titel) + 2)
    ws.freeze_panes = "A2"
    if len(b.zeilen):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(b.spalten))}{len(b.zeilen) + 1}"


def _hinweise(wb: Workbook, d: Berichtsdaten, intern: bool, liste: list[Blatt]) -> None:
    ws = wb.active
    ws.title = "Hinweise"
    ws["A1"] = "Kennzahlen der Kinder- und Jugendhilfe nach Sozialräumen"
    ws["A1"].font = Font(bold=True, size=14, color="1D4E89")
    ws["A3"], ws["B3"] = "Datenstand", datum(d.berichtsstand)
    ws["A4"], ws["B4"] = "Berichtsjahr", str(d.berichtsjahr)
    ws["A5"], ws["B5"] = "Fassung", ("INTERN – exakte Fallzahlen, nicht weitergeben" if intern else
                                     f"zur Weitergabe geeignet – Fallzahlen von 1 bis {gh.MINDESTFALLZAHL - 1} geschützt")
    ws["B5"].font = Font(bold=True, color="B71C1C" if intern else "2E7D32")
    r = 7
    ws.cell(r, 1, "Zeichenerklärung").font = Font(bold=True)
    for z, t in gh.ZEICHENERKLAERUNG:
        r += 1
        ws.cell(r, 1, z)
        ws.cell(r, 2, t)
    r += 2
    ws.cell(r, 1, "Blätter").font = Font(bold=True)
    for b in liste:
        r += 1
        ws.cell(r, 1, b.titel)
        ws.cell(r, 2, b.beschreibung)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 120


@dataclass
class Mappe:
    pfad: Path
    blaetter: int
    zeilen: int
    gesperrte_zellen: int
    intern: bool


def schreibe(d: Berichtsdaten, reports_dir: Path, intern: bool, g: Geschuetzt | None = None) -> Mappe:
    g = g or schuetze(d, intern)
    liste = blaetter(d, g)
    wb = Workbook()
    _stile(wb)
    _hinweise(wb, d, intern, liste)
    for b in liste:
        _blatt(wb, b)
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    ziel = reports_dir / WORKBOOK
    tmp = ziel.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    os.replace(tmp, ziel)
    gesperrt = sum(int(b.status.isin([gh.PRIMAER, gh.SEKUNDAER, "nicht_sicher"]).to_numpy().sum()) for b in liste)
    return Mappe(ziel, len(liste), sum(len(b.zeilen) for b in liste), 0 if intern else gesperrt, intern)


def write_workbook(warehouse_path: Path, reports_dir: Path, intern: bool, jahr: int | None = None) -> Path:
    """Read the warehouse (read-only), write the workbook, return its path."""
    d = daten_mod.lade_datei(Path(warehouse_path), jahr)
    return schreibe(d, Path(reports_dir), intern).pfad
