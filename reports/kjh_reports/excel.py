"""The Excel workbook: one sheet per mart and grain, each an Excel table
(ListObject), German headers and number formats, frozen header row, and the
same small-cell protection as the pages. Numbers are numbers: a protected cell
is empty (grey) and the row's last column „geschützt“ names it with its symbol
('<3', 'x', '/'). Totals have sheets of their own, never rows among the
details. Texts are written as texts, also when they start with = + - @.

External workbooks leave out the split of monthly expenditure by type of help
(single helps' costs would be readable); internal ones keep the mart's grain.
"""
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from kjh.format import datum
from kjh.geheimhaltung.quoten import Quote
from kjh.geheimhaltung.regel import (
    MINDESTFALLZAHL,
    MINDESTNENNER_FAELLE,
    OFFEN,
    PRIMAER,
    SEKUNDAER,
    abhaengig,
    einzelzahl,
)
from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_KLEIN, ZEICHEN_NICHT_SICHER, ZEICHENERKLAERUNG
from kjh_reports import budget as bu
from kjh_reports import daten as daten_mod
from kjh_reports.daten import KREIS, Berichtsdaten
from kjh_reports.pages import WORKBOOK
from kjh_reports.schutz import ALLE, NICHT_GEZEIGT, UEBRIGE, Geschuetzt, schuetze

ERLAEUTERUNGEN = "Erläuterungen"

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


def _quote_status(q: Quote) -> str:
    return {"gesperrt": "nicht_sicher", "eingeschraenkt": "eingeschraenkt"}.get(q.zeigen, OFFEN)


@dataclass(frozen=True)
class Blattangabe:
    """One sheet of a mart: its name and text, where its rows come from, its columns, how its cells are protected."""
    titel: str
    beschreibung: str | Callable[[Geschuetzt], str]
    quelle: Callable[[Berichtsdaten, Geschuetzt, dict], pd.DataFrame]  # the rows, sorted (dict: help type -> label)
    spalten: tuple[Spalte, ...]
    schutz: Callable[[pd.DataFrame, Geschuetzt], dict] | None = None  # column -> status per row; None: no counts
    nur_intern: tuple[str, ...] = ()  # columns only the internal workbook shows


def _ausgaben_monat(d: Berichtsdaten, g: Geschuetzt, label: dict) -> pd.DataFrame:
    am = d["ausgaben_monat"].copy()
    if g.intern:
        am["bezeichnung"] = am["hilfeart"].map(label)
        return am.sort_values(["monat", "sozialraum", "teilplan", "hilfeart"]).reset_index(drop=True)
    # externally without the split by help type: single helps' costs would be readable
    return am.groupby(["monat", "sozialraum", "teilplan"], as_index=False)[
        ["ausgaben_eur", "einnahmen_eur", "netto_eur", "netto_kumuliert_eur"]].sum().reset_index(drop=True)


def _kosten_je_fall(d: Berichtsdaten, g: Geschuetzt, label: dict) -> pd.DataFrame:
    k = d["kosten_je_fall"].copy()
    ordnung = {c: i for i, c in enumerate(d.hilfearten["hilfeart"])}
    if not g.intern and g.seltene_jahr:  # the rare help types as one group, as in Fallzahlen Jahr
        selten = k[k["hilfeart"].isin(g.seltene_jahr)]
        gruppe = selten.groupby(["jahr", "sozialraum"], as_index=False)[
            ["fallmonate", "netto_periodengerecht_eur"]].sum()
        gruppe["hilfeart"] = UEBRIGE
        gruppe["eur_je_fallmonat"] = (gruppe["netto_periodengerecht_eur"] / gruppe["fallmonate"]).where(
            gruppe["fallmonate"] > 0).round(2)
        k = pd.concat([k[~k["hilfeart"].isin(g.seltene_jahr)], gruppe], ignore_index=True)
    k["_ord"] = [ordnung.get(x, 99) for x in k["hilfeart"]]
    k = k.sort_values(["jahr", "sozialraum", "_ord"]).reset_index(drop=True)
    k["_code"] = k["hilfeart"]
    k["bezeichnung"] = [label.get(x, x) for x in k["hilfeart"]]
    k["hilfeart"] = [x if x in label else "" for x in k["hilfeart"]]
    return k


def _kosten_je_fall_schutz(k: pd.DataFrame, g: Geschuetzt) -> dict:
    dep = [g.zu_fallzahl(j, s, h) for j, s, h in zip(k["jahr"], k["sozialraum"], k["_code"])]
    return {"fallmonate": dep, "netto_periodengerecht_eur": dep,
            "eur_je_fallmonat": [_quote_status(g.je_fallmonat(w, j, s, h)) for w, j, s, h
                                 in zip(k["eur_je_fallmonat"], k["jahr"], k["sozialraum"], k["_code"])]}


def _traeger_schutz(t: pd.DataFrame, g: Geschuetzt) -> dict:
    ts = [g.traeger_status.get((int(j), i), OFFEN) for j, i in zip(t["jahr"], t["traeger_id"])]
    return {"hilfen": ts, "fallmonate": [abhaengig(s) for s in ts], "netto_eur": [abhaengig(s) for s in ts],
            "anteil_netto_pct": [abhaengig(s) for s in ts]}


def _sortiert(mart: str, nach: list[str], absteigend: list[bool] | None = None):
    def quelle(d: Berichtsdaten, g: Geschuetzt, label: dict) -> pd.DataFrame:
        return d[mart].sort_values(nach, ascending=absteigend if absteigend is not None else True) \
            .reset_index(drop=True)
    return quelle


def _budget_auslastung(d: Berichtsdaten, g: Geschuetzt, label: dict) -> pd.DataFrame:
    b = _sortiert("budget_auslastung", ["haushaltsjahr", "sozialraum", "teilplan"])(d, g, label)
    b["teilplan_name"] = [d.teilplaene.get(str(t), "") for t in b["teilplan"]]
    return b


def _seltene(g: Geschuetzt) -> str:
    return (" " + _SELTENE_TEXT.format(", ".join(g.seltene_jahr))) if not g.intern and g.seltene_jahr else ""


HJ, SR, TP = Spalte("haushaltsjahr", "Haushaltsjahr", "jahr", 13), Spalte("sozialraum", "Sozialraum", "text"), \
    Spalte("teilplan", "Teilplan", "text", 9)
JAHR, HILFEART = Spalte("jahr", "Jahr", "jahr"), Spalte("hilfeart", "Hilfeart", "text", 9)
BEZEICHNUNG = Spalte("bezeichnung", "Bezeichnung", "text", 40)

# the sheets of the marts after the case counts (_fallzahlen) and before the forecasts, in workbook order
MART_BLAETTER = (
    Blattangabe(
        "Ausgaben Jahr", "Kassenwirksame Ausgaben, Einnahmen und Netto je Haushaltsjahr, Sozialraum und Teilplan (Mart "
        "ausgaben_jahr); Buchungen ohne Hilfe unter 'ohne Sozialraum'.",
        _sortiert("ausgaben_jahr", ["haushaltsjahr", "sozialraum", "teilplan"]),
        (HJ, SR, TP, Spalte("ausgaben_eur", "Ausgaben", "eur"), Spalte("einnahmen_eur", "Einnahmen", "eur"),
         Spalte("netto_eur", "Netto", "eur"), Spalte("buchungen", "Buchungen", "ganzzahl")),
        lambda a, g: {"buchungen": [einzelzahl(v, g.intern) for v in a["buchungen"]]}),
    Blattangabe(
        "Ausgaben Monat", lambda g: "Kassenwirksame Beträge " + (
            "je Monat, Sozialraum, Teilplan und Hilfeart (Mart ausgaben_monat)" if g.intern else
            "je Monat, Sozialraum und Teilplan (Mart ausgaben_monat, ohne Aufteilung nach Hilfeart: sonst wären "
            "Kosten einzelner Hilfen erkennbar)") + "; Netto seit Januar = kumuliert im Haushaltsjahr.",
        _ausgaben_monat,
        (Spalte("monat", "Monat", "monat"), SR, TP, HILFEART, BEZEICHNUNG, Spalte("ausgaben_eur", "Ausgaben", "eur"),
         Spalte("einnahmen_eur", "Einnahmen", "eur"), Spalte("netto_eur", "Netto", "eur"),
         Spalte("netto_kumuliert_eur", "Netto seit Januar", "eur")),
        nur_intern=("hilfeart", "bezeichnung")),
    Blattangabe(
        "Kosten je Fall", lambda g: "Periodengerechte Netto-Ausgaben, Fallmonate und Netto je Fallmonat je Jahr, "
        f"Sozialraum und Hilfeart (Mart kosten_je_fall). Netto je Fallmonat erst ab {MINDESTNENNER_FAELLE} Hilfen im "
        "Jahr." + _seltene(g),
        _kosten_je_fall,
        (JAHR, SR, HILFEART, BEZEICHNUNG, Spalte("fallmonate", "Fallmonate", "dezimal"),
         Spalte("netto_periodengerecht_eur", "Netto periodengerecht", "eur", 20),
         Spalte("eur_je_fallmonat", "Netto je Fallmonat", "eur")),
        _kosten_je_fall_schutz),
    Blattangabe(
        "Eckwerte", "Eckwert = (am 31.12. laufende + im Jahr beendete Hilfen) je 1.000 Einwohner unter 21 Jahren, je "
        "Sozialraum und Kreis gesamt (Mart eckwerte_jahr).",
        _sortiert("eckwerte_jahr", ["jahr", "sozialraum"]),
        (JAHR, SR, Spalte("hilfen_summe", "Hilfen im Jahr", "anzahl"),
         Spalte("einwohner_0_20", "Einwohner unter 21", "ganzzahl", 14),
         Spalte("eckwert", "Eckwert je 1.000", "quote")),
        lambda e, g: {"hilfen_summe": [g.jahr(j, "hilfen", s, ALLE)[1] for j, s in zip(e["jahr"], e["sozialraum"])],
                      "eckwert": [_quote_status(g.eckwert(j, s)) for j, s in zip(e["jahr"], e["sozialraum"])]}),
    Blattangabe(
        "Budgetauslastung", "Budget, Netto bis Stand, Prognose des Jahresendes mit ihrer Spanne, Auslastung und Ampel "
        "je Haushaltsjahr, Sozialraum und Teilplan (Mart budget_auslastung). " + bu.AMPEL_REGEL,
        _budget_auslastung,
        (HJ, SR, TP, Spalte("teilplan_name", "Teilplan-Bezeichnung", "text", 24), Spalte("budget_eur", "Budget", "eur"),
         Spalte("netto_bis_stand_eur", "Netto bis Stand", "eur"), Spalte("stand", "Stand", "datum"),
         Spalte("prognose_basis", "Basis", "text", 10),
         Spalte("prognose_jahresende_eur", "Prognose Jahresende", "eur", 19),
         Spalte("prognose_unten_eur", "Spanne von", "eur", 16), Spalte("prognose_oben_eur", "Spanne bis", "eur", 16),
         Spalte("prognose_spanne_basis", "Spanne aus", "text", 10),
         Spalte("prognose_auslastung_pct", "Auslastung", "pct"), Spalte("ampel", "Ampel", "text", 8),
         Spalte("restmittel_eur", "Restmittel", "eur"))),
    Blattangabe(
        "Verbleib Region", "Nicht verbrauchte Budgets und der Betrag, der mindestens in der Region bleibt (Regel des "
        "Kreises; Mart budget_verbleib_jahr).",
        _sortiert("budget_verbleib_jahr", ["haushaltsjahr", "sozialraum"]),
        (HJ, SR, Spalte("region", "Region", "text"), Spalte("basis", "Basis", "text", 10),
         Spalte("budget_eur", "Budget", "eur"), Spalte("netto_jahresende_eur", "Netto Jahresende", "eur"),
         Spalte("unterschreitung_eur", "nicht verbraucht", "eur"),
         Spalte("verbleib_region_mindestens_eur", "bleibt mindestens in der Region", "eur", 22))),
    Blattangabe(
        "Träger", "Je Jahr und Träger: Hilfen (am 31.12. laufend oder im Jahr beendet), Fallmonate, Netto im "
        "Haushaltsjahr und Anteil am Netto aller Träger (Mart traeger_kennzahlen).",
        _sortiert("traeger_kennzahlen", ["jahr", "netto_eur"], [True, False]),
        (JAHR, Spalte("traeger_id", "Träger-Nr.", "text", 11), Spalte("name", "Name", "text", 44),
         Spalte("traegerart_bezeichnung", "Art", "text", 28), Spalte("verband", "Verband", "text", 12),
         Spalte("hilfen", "Hilfen", "anzahl"), Spalte("fallmonate", "Fallmonate", "dezimal"),
         Spalte("netto_eur", "Netto", "eur"), Spalte("anteil_netto_pct", "Anteil", "pct")),
        _traeger_schutz),
)
PROGNOSE_BLAETTER = (
    Blattangabe(
        "Prognose Genauigkeit", "Mittlerer Fehler der Jahresend-Prognose im Rückblick je Monat der Prognose, für das "
        "Verfahren und die gerade Linie (Mart prognose_genauigkeit).",
        _sortiert("prognose_genauigkeit", ["ebene", "prognosemonat"]),
        (Spalte("ebene", "Ebene", "text", 20), Spalte("prognosemonat", "Prognose vom Ende des Monats", "ganzzahl", 14),
         Spalte("prognosen", "Prognosen", "ganzzahl"), Spalte("erstes_jahr", "erstes Jahr", "jahr", 11),
         Spalte("letztes_jahr", "letztes Jahr", "jahr", 11), Spalte("wape_pct", "Fehler (WAPE)", "pct", 13),
         Spalte("wape_linear_pct", "Fehler gerade Linie", "pct", 13), Spalte("bias_pct", "Verzerrung", "pct"),
         Spalte("max_abs_fehler_pct", "größter Fehler", "pct"))),
    Blattangabe(
        "Prognose Rückblick", "Jede nachträglich gerechnete Prognose gegen das tatsächliche Jahresende (Mart "
        "prognose_backtest).",
        _sortiert("prognose_backtest", ["haushaltsjahr", "sozialraum", "teilplan", "prognosemonat"]),
        (HJ, SR, TP, Spalte("prognosemonat", "Monat", "ganzzahl", 8), Spalte("lernjahre", "Lernjahre", "ganzzahl", 9),
         Spalte("ist_bis_monat_eur", "Ist bis Monat", "eur"), Spalte("prognose_jahresende_eur", "Prognose", "eur"),
         Spalte("prognose_linear_eur", "gerade Linie", "eur"), Spalte("ist_jahresende_eur", "Ist Jahresende", "eur"),
         Spalte("fehler_eur", "Fehler", "eur"), Spalte("fehler_linear_eur", "Fehler gerade Linie", "eur"),
         Spalte("fehler_pct", "Fehler %", "pct"), Spalte("fehler_linear_pct", "Fehler gerade Linie %", "pct", 13))),
)


def _aus_angabe(a: Blattangabe, d: Berichtsdaten, g: Geschuetzt, label: dict) -> Blatt:
    zeilen = a.quelle(d, g, label)
    spalten = [s for s in a.spalten if g.intern or s.name not in a.nur_intern]
    status = pd.DataFrame(a.schutz(zeilen, g), index=zeilen.index) if a.schutz else pd.DataFrame(index=zeilen.index)
    text = a.beschreibung(g) if callable(a.beschreibung) else a.beschreibung
    return Blatt(a.titel, text, spalten, zeilen, status)


def blaetter(d: Berichtsdaten, g: Geschuetzt) -> list[Blatt]:
    """Every sheet: the case counts (three grains each), the marts, the year-on-year comparison, the forecasts."""
    label = {r.hilfeart: f"{r.paragraph} {r.bezeichnung}" for r in d.hilfearten.itertuples(index=False)}
    return [*_fallzahlen(d, g, label), *(_aus_angabe(a, d, g, label) for a in MART_BLAETTER), _vorjahresvergleich(d, g),
            *(_aus_angabe(a, d, g, label) for a in PROGNOSE_BLAETTER)]


_SELTENE_TEXT = "Seltene Hilfearten ({}) stehen in dieser Fassung nur zusammen als „übrige Hilfearten“."
_ZAHLEN_JAHR = [("laufend_31_12", "laufend am Stichtag", 12), ("begonnen", "begonnen", 12), ("beendet", "beendet", 12),
                ("hilfen", "Hilfen im Jahr", 12), ("davon_41", "davon § 41", 12),
                ("davon_ambulant", "davon ambulant", 12), ("davon_teilstationaer", "davon teilstationär", 13),
                ("davon_stationaer", "davon stationär", 12)]


def _fallzahlen(d: Berichtsdaten, g: Geschuetzt, label: dict) -> list[Blatt]:
    """Yearly and monthly counts, each as three sheets: per help type (detail), per social space, county.

    Only the detail sheet has a help-type column; its rows are the published help types (the rare ones as
    one group 'übrige Hilfearten' externally, a category of its own, not a subtotal), so filtering a year
    and summing a column gives the county figure, less what is protected (flag column 'geschützt')."""
    intern = g.intern
    ordnung = {c: i for i, c in enumerate(d.hilfearten["hilfeart"])}
    f = d["fallzahlen_jahr"]
    m = d["fallzahlen_monat"].assign(monat=lambda x: pd.to_datetime(x["monat"]))
    stichtag_j = f.groupby("jahr")["stichtag"].first()
    stichtag_m = m.groupby("monat")["stichtag"].first()
    sozialraeume = d.sozialraeume
    kopf_j = [Spalte("jahr", "Jahr", "jahr")]
    kopf_m = [Spalte("monat", "Monat", "monat")]
    sr_sp = Spalte("sozialraum", "Sozialraum", "text")
    ha_sp = [Spalte("hilfeart", "Hilfeart", "text", 9), Spalte("bezeichnung", "Bezeichnung", "text", 40)]
    kennz_m = ["laufend_monatsende"] if not intern else ["laufend_monatsende", "begonnen", "beendet"]
    titel_m = {"laufend_monatsende": ("laufend am Monatsende", 14), "begonnen": ("begonnen", 12),
               "beendet": ("beendet", 12)}

    def blatt(titel, text, zeit_spalten, zeilen, kennzahlen, titel_k, lookup):
        df = pd.DataFrame(zeilen)
        werte, status = {}, {}
        for c in kennzahlen:
            paare = [lookup(r, c) for r in zeilen]
            werte[c] = [w for w, _ in paare]
            status[c] = [st for _, st in paare]
        for c in kennzahlen:
            df[c] = werte[c]
        spalten = [*zeit_spalten, Spalte("stichtag", "Stichtag", "datum"),
                   *[Spalte(c, titel_k[c][0], "anzahl", titel_k[c][1]) for c in kennzahlen]]
        return Blatt(titel, text, spalten, df, pd.DataFrame(status))

    def hilfeart_zeile(zeit, t, s, hcode, stichtag):
        return {zeit: t, "sozialraum": s, "hilfeart": hcode if hcode in label else "",
                "bezeichnung": label.get(hcode, hcode), "_code": hcode, "stichtag": stichtag}

    # yearly
    det, srz, kr = [], [], []
    for j in sorted(f["jahr"].unique()):
        j = int(j)
        for s in sozialraeume:
            codes = sorted(set(f[(f["jahr"] == j) & (f["sozialraum"] == s)]["hilfeart"]),
                           key=lambda x: ordnung.get(x, 99))
            if not codes:
                continue
            for hcode in (g.hilfearten_jahr(codes) if not intern else codes):
                det.append(hilfeart_zeile("jahr", j, s, hcode, stichtag_j[j]))
            srz.append({"jahr": j, "sozialraum": s, "_code": ALLE, "stichtag": stichtag_j[j]})
        kr.append({"jahr": j, "sozialraum": KREIS, "_code": ALLE, "stichtag": stichtag_j[j]})
    jz = [c for c, _, _ in _ZAHLEN_JAHR]
    jt = {c: (t, b) for c, t, b in _ZAHLEN_JAHR}

    def lj(r, c):
        w, st = g.jahr(r["jahr"], c, r["sozialraum"], r["_code"])
        return w, st

    selten = (" " + _SELTENE_TEXT.format(", ".join(g.seltene_jahr))) if not intern and g.seltene_jahr else ""
    basis = ("laufend am 31.12. (im laufenden Jahr am Stichtag), im Jahr begonnen und beendet; Hilfen im Jahr = "
             "laufend + beendet; davon nach Setting und § 41 (Mart fallzahlen_jahr).")
    out = [blatt("Fallzahlen Jahr", f"Hilfen je Jahr, Sozialraum und Hilfeart: {basis}{selten} Ohne Summenzeilen: "
                 "die Summen stehen in den Blättern „Fallzahlen Jahr Sozialraum“ und „Fallzahlen Jahr Kreis“.",
                 [*kopf_j, sr_sp, *ha_sp], det, jz, jt, lj),
           blatt("Fallzahlen Jahr Sozialraum", f"Hilfen je Jahr und Sozialraum, alle Hilfearten zusammen: {basis}",
                 [*kopf_j, sr_sp], srz, jz, jt, lj),
           blatt("Fallzahlen Jahr Kreis", f"Hilfen je Jahr im ganzen Kreis, alle Hilfearten zusammen: {basis}",
                 [*kopf_j, sr_sp], kr, jz, jt, lj)]

    # monthly
    det, srz, kr = [], [], []
    for t in sorted(m["monat"].unique()):
        t = pd.Timestamp(t)
        for s in sozialraeume:
            codes = sorted(set(m[(m["monat"] == t) & (m["sozialraum"] == s)]["hilfeart"]),
                           key=lambda x: ordnung.get(x, 99))
            if not codes:
                continue
            sichtbar = codes if intern else [c for c in codes if c not in g.seltene] + ([UEBRIGE] if g.seltene else [])
            for hcode in sichtbar:
                det.append(hilfeart_zeile("monat", t, s, hcode, stichtag_m[t]))
            srz.append({"monat": t, "sozialraum": s, "_code": ALLE, "stichtag": stichtag_m[t]})
        kr.append({"monat": t, "sozialraum": KREIS, "_code": ALLE, "stichtag": stichtag_m[t]})

    def lm(r, c):
        return g.monat(r["monat"], c, r["sozialraum"], r["_code"])

    basis_m = "laufend am Monatsende (im laufenden Monat am Stichtag), im Monat begonnen und beendet (Mart fallzahlen_monat)."
    nur = ("" if intern else " Begonnene und beendete Hilfen je Monat stehen in dieser Fassung nur für alle Hilfearten "
           "zusammen (Blatt „Fallzahlen Monat Sozialraum“): je Hilfeart wären es fast nur Werte unter 3.")
    selten_m = (" " + _SELTENE_TEXT.format(", ".join(g.seltene))) if not intern and g.seltene else ""
    alle_m = ["laufend_monatsende", "begonnen", "beendet"]
    out += [blatt("Fallzahlen Monat", f"Hilfen je Monat, Sozialraum und Hilfeart: {basis_m}{selten_m}{nur}",
                  [*kopf_m, sr_sp, *ha_sp], det, kennz_m, titel_m, lm),
            blatt("Fallzahlen Monat Sozialraum", f"Hilfen je Monat und Sozialraum, alle Hilfearten zusammen: {basis_m}",
                  [*kopf_m, sr_sp], srz, alle_m, titel_m, lm),
            blatt("Fallzahlen Monat Kreis", f"Hilfen je Monat im ganzen Kreis, alle Hilfearten zusammen: {basis_m}",
                  [*kopf_m, sr_sp], kr, alle_m, titel_m, lm)]
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
    aend = [s1 if s1 != OFFEN else s0 for s1, s0 in zip(wert_st, vor_st)]
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
        return OFFEN
    if art == "anzahl":
        return g.jahr(jahr, {"hilfen_summe": "hilfen"}.get(kennzahl, kennzahl), sr, ALLE)[1]
    if kennzahl == "eckwert":
        return _quote_status(g.eckwert(jahr, sr))
    if kennzahl == "eur_je_fallmonat":
        return _quote_status(g.je_fallmonat(wert, jahr, sr))
    if kennzahl == "fallmonate":
        return g.zu_fallzahl(jahr, sr)
    return OFFEN


# ------------------------------------------------------------------ writing
_SYMBOL = {PRIMAER: ZEICHEN_KLEIN, SEKUNDAER: ZEICHEN_GESPERRT, "nicht_sicher": ZEICHEN_NICHT_SICHER}
FLAGGE = "geschützt"
"""Last column of every sheet with protected figures: which cells of the row are empty, and why ('<3', 'x', '/')."""


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


def zelle_setzen(ws, zeile: int, spalte: int, wert):
    """Write a value; a string is always a string (never a formula, whatever it starts with)."""
    c = ws.cell(row=zeile, column=spalte)
    if isinstance(wert, str):
        c.value = wert
        c.data_type = "s"  # openpyxl would store '=…' as a formula
    else:
        c.value = wert
    return c


def _stile(wb: Workbook) -> None:
    kopf = NamedStyle(name="kopf", font=Font(bold=True, color="FFFFFF"),
                      fill=PatternFill("solid", fgColor="1D4E89"),
                      alignment=Alignment(wrap_text=True, vertical="center"))
    wb.add_named_style(kopf)
    for art, fmt in FORMATE.items():
        wb.add_named_style(NamedStyle(name=f"z_{art}", number_format=fmt,
                                      alignment=Alignment(horizontal="left" if art == "text" else "right")))
    wb.add_named_style(NamedStyle(name="geschuetzt", fill=PatternFill("solid", fgColor="ECEFF3"),
                                  alignment=Alignment(horizontal="right")))
    wb.add_named_style(NamedStyle(name="eingeschraenkt", number_format='"("#,##0.00")"',
                                  font=Font(italic=True), alignment=Alignment(horizontal="right")))
    wb.add_named_style(NamedStyle(name="umbruch", alignment=Alignment(wrap_text=True, vertical="top")))


def _tabellenname(titel: str) -> str:
    name = "".join(ch if ch.isalnum() else "_" for ch in titel)
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        name = name.replace(a, b)
    return "T_" + name


def _blatt(wb: Workbook, b: Blatt) -> None:
    """One sheet as an Excel table (ListObject): header, typed values, protected cells empty and flagged."""
    ws = wb.create_sheet(b.titel[:31])
    mit_flagge = any(s.name in b.status for s in b.spalten)
    kopf = [s.titel for s in b.spalten] + ([FLAGGE] if mit_flagge else [])
    for j, t in enumerate(kopf, start=1):
        zelle_setzen(ws, 1, j, t).style = "kopf"
    ws.row_dimensions[1].height = 32
    zeilenart = b.zeilen[ZEILENART].tolist() if ZEILENART in b.zeilen else None
    status_spalten = {s.name: b.status[s.name].tolist() for s in b.spalten if s.name in b.status}
    werte = {s.name: b.zeilen[s.name].tolist() for s in b.spalten}
    for i in range(len(b.zeilen)):
        flaggen = []
        for j, s in enumerate(b.spalten, start=1):
            art = s.art if s.art != "zeilenart" else (zeilenart[i] if zeilenart else "dezimal")
            st = status_spalten[s.name][i] if s.name in status_spalten else OFFEN
            if st in _SYMBOL:
                zelle_setzen(ws, i + 2, j, None).style = "geschuetzt"
                flaggen.append(f"{s.titel}: {_SYMBOL[st]}")
            elif st == NICHT_GEZEIGT:
                zelle_setzen(ws, i + 2, j, None).style = f"z_{art}"
            elif st == "eingeschraenkt":
                zelle_setzen(ws, i + 2, j, _wert(werte[s.name][i], art)).style = "eingeschraenkt"
            else:
                zelle_setzen(ws, i + 2, j, _wert(werte[s.name][i], art)).style = f"z_{art}"
        if mit_flagge:
            zelle_setzen(ws, i + 2, len(b.spalten) + 1, "; ".join(flaggen) or None).style = "z_text"
    for j, s in enumerate(b.spalten, start=1):
        ws.column_dimensions[get_column_letter(j)].width = s.breite or max(BREITE.get(s.art, 14), len(s.titel) + 2)
    if mit_flagge:
        ws.column_dimensions[get_column_letter(len(kopf))].width = 34
    ws.freeze_panes = "A2"
    if len(b.zeilen):  # an Excel table: filter buttons, pivot source, banded rows
        tab = Table(displayName=_tabellenname(b.titel), ref=f"A1:{get_column_letter(len(kopf))}{len(b.zeilen) + 1}")
        tab.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(tab)


def _erlaeuterungen(wb: Workbook, d: Berichtsdaten, intern: bool, liste: list[Blatt], nicht_schuetzbar: int = 0) -> None:
    ws = wb.active
    ws.title = ERLAEUTERUNGEN
    ws["A1"] = "Kennzahlen der Kinder- und Jugendhilfe nach Sozialräumen"
    ws["A1"].font = Font(bold=True, size=14, color="1D4E89")
    ws["A3"], ws["B3"] = "Datenstand", datum(d.berichtsstand)
    ws["A4"], ws["B4"] = "Berichtsjahr", str(d.berichtsjahr)
    if intern:
        fassung = "INTERN – exakte Fallzahlen, nicht weitergeben"
    elif nicht_schuetzbar:
        fassung = (f"NICHT zur Weitergabe – {nicht_schuetzbar} kleine Fallzahlen ließen sich aus Summen errechnen")
    else:
        fassung = f"zur Weitergabe geeignet – Fallzahlen von 1 bis {MINDESTFALLZAHL - 1} geschützt"
    ws["A5"], ws["B5"] = "Fassung", fassung
    ws["B5"].font = Font(bold=True, color="B71C1C" if intern or nicht_schuetzbar else "2E7D32")
    r = 7
    ws.cell(r, 1, "So ist die Mappe aufgebaut").font = Font(bold=True)
    for satz in (
        "Jedes Blatt ist eine Excel-Tabelle mit einer Zeile je Merkmalskombination (Filter, Pivot-Tabellen "
        "und Summen funktionieren direkt).",
        "Summen stehen in eigenen Blättern (…Sozialraum, …Kreis), nie zwischen den Detailzeilen.",
        "Zahlen sind Zahlen. Geschützte Werte sind leere, grau hinterlegte Zellen; die Spalte „geschützt“ "
        "nennt sie mit ihrem Zeichen. Eine Summe über eine Spalte mit geschützten Zellen ist deshalb "
        "kleiner als die veröffentlichte Summe.",
    ):
        r += 1
        ws.cell(r, 2, satz).style = "umbruch"
    r += 2
    ws.cell(r, 1, "Zeichenerklärung").font = Font(bold=True)
    for z, t in ZEICHENERKLAERUNG:
        if z == "( )" and not intern:
            continue
        r += 1
        zelle_setzen(ws, r, 1, z)
        zelle_setzen(ws, r, 2, t)
    r += 2
    ws.cell(r, 1, "Blätter").font = Font(bold=True)
    for b in liste:
        r += 1
        zelle_setzen(ws, r, 1, b.titel)
        zelle_setzen(ws, r, 2, b.beschreibung).style = "umbruch"
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 110


@dataclass
class Mappe:
    pfad: Path
    blaetter: int
    zeilen: int
    gesperrte_zellen: int
    intern: bool
    nicht_schuetzbar: int = 0


def schreibe(d: Berichtsdaten, reports_dir: Path, intern: bool, g: Geschuetzt | None = None) -> Mappe:
    g = g or schuetze(d, intern)
    liste = blaetter(d, g)
    wb = Workbook()
    _stile(wb)
    _erlaeuterungen(wb, d, intern, liste, 0 if intern else g.sperrung.nicht_schuetzbar)
    for b in liste:
        _blatt(wb, b)
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    ziel = reports_dir / WORKBOOK
    tmp = ziel.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    os.replace(tmp, ziel)
    gesperrt = sum(int(b.status.isin([PRIMAER, SEKUNDAER, "nicht_sicher"]).to_numpy().sum()) for b in liste)
    return Mappe(ziel, len(liste), sum(len(b.zeilen) for b in liste), 0 if intern else gesperrt, intern,
                 0 if intern else g.sperrung.nicht_schuetzbar)


def write_workbook(warehouse_path: Path, reports_dir: Path, intern: bool, jahr: int | None = None) -> Path:
    """Read the warehouse (read-only), write the workbook, return its path."""
    d = daten_mod.lade_datei(Path(warehouse_path), jahr)
    return schreibe(d, Path(reports_dir), intern).pfad
