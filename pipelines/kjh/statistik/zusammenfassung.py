"""The reviewer's summary of a statutory delivery: published-style tables and what the Statistik page shows.

    statistik_tabellen(con, ...)   -> Zusammenfassung (tables as DataFrames, small cells suppressed)
    seitendaten(con, z)            -> Seitendaten (the delivery's status, checks and findings as display text)
    lesen(warehouse, ...)          -> both at once, from a warehouse file or connection

The page itself is a page of the report site (reports/, pages/statistik.py);
kjh.defs.reports.statistik_seite writes it. This module does not import the
reports, and the reports do not import it.

The tables are computed from the delivery's own records (the raw history as
of its recorded inputs), so a clerk can compare them with last year's
delivery and with the office's later publication:

* HZE: begun, ended, running on 31.12. and helps in the year by Art der Hilfe
  × Geschlecht and Art der Hilfe × Altersgruppe (age at beginn for begun, on
  31.12. for running, in the month of the end for ended; from Geburtsmonat/-jahr),
  with § 41 and last year's delivered count.
* § 42 (VSM): ended measures by Altersgruppe × Geschlecht.
* Teil IV: helps with a booking, expenditure and income by Hilfeart.

Every count goes through kjh.geheimhaltung (the rule for everything
that leaves the office): the HZE counts form ONE problem with every line a
reader could subtract along; amounts follow their count (`abhaengig`).
"""
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from kjh import format as fmt
from kjh.contract import load_contract
from kjh.geheimhaltung.regel import OFFEN, abhaengig
from kjh.geheimhaltung.sperrung import Sperrproblem, Sperrung
from kjh.geheimhaltung.tabelle import SUMME, schuetze_tabelle
from kjh.geheimhaltung.zeichen import ZEICHEN_FEHLT, ZEICHEN_NULL, anzeige
from kjh.statistik import audit
from kjh.statistik.eingaben import Eingaben
from kjh.statistik.layout import LayoutError, layout_for, layout_recorded
from kjh.statistik.lieferung import saetze_der_lieferung
from kjh.statistik.pruefung import EINGABE_ASSETS
from kjh.warehouse.connection import lesend

ALLE = "Summe"
KENNZAHLEN = {"im_jahr": "Hilfen im Jahr (andauernd am 31.12. + beendet)", "laufend": "andauernd am 31.12.",
              "beendet": "beendet im Jahr", "begonnen": "begonnen im Jahr"}
AUFGETEILT = ("laufend", "beendet", "begonnen")  # key figures broken down by Geschlecht and Altersgruppe
ALTERSGRUPPEN = ((0, 3, "unter 3"), (3, 6, "3 bis u. 6"), (6, 9, "6 bis u. 9"), (9, 12, "9 bis u. 12"),
                 (12, 15, "12 bis u. 15"), (15, 18, "15 bis u. 18"), (18, 21, "18 bis u. 21"),
                 (21, 200, "21 und älter"))
VSM_ALTERSGRUPPEN = ((0, 3, "unter 3"), (3, 6, "3 bis u. 6"), (6, 9, "6 bis u. 9"), (9, 12, "9 bis u. 12"),
                     (12, 14, "12 bis u. 14"), (14, 16, "14 bis u. 16"), (16, 18, "16 bis u. 18"))


@dataclass
class Zusammenfassung:
    """The delivery shown and its tables (display text; suppressed cells as symbols)."""
    lieferung: audit.Eintrag | None
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)
    titel: dict[str, str] = field(default_factory=dict)
    hinweise: list[str] = field(default_factory=list)
    intern: bool = False
    nicht_schuetzbar: int = 0  # small counts still inferable from these tables (the page then says so)


def _geschlechter() -> dict[str, str]:
    """Contract gender -> column: divers and ohne Angabe in one column (as few persons as they are,
    separate columns would only be suppressed and drag whole rows with them)."""
    labels = load_contract().codelisten["geschlecht"]
    return {code: (label if code in ("m", "w") else "divers / ohne Angabe") for code, label in labels.items()}


def _gruppe(alter, gruppen) -> str | None:
    if alter is None or pd.isna(alter):
        return None
    for von, bis, name in gruppen:
        if von <= alter < bis:
            return name
    return None


def _alter_monate(jahr, monat, gj, gm):
    return ((jahr * 12 + monat) - (gj * 12 + gm)) // 12


def _hze_lang(hze: pd.DataFrame, jahr: int, geschlechter: dict) -> pd.DataFrame:
    """One row per record and key figure it counts in, with Art der Hilfe, Geschlecht, Altersgruppe."""
    rows = []
    for r in hze.itertuples(index=False):
        g = geschlechter.get(r.geschlecht, r.geschlecht)
        if r.laufend:
            rows.append(("laufend", r.art_der_hilfe, g, _alter_monate(jahr, 12, r.geburtsjahr, r.geburtsmonat)))
        if r.beendet:
            rows.append(("beendet", r.art_der_hilfe, g,
                         _alter_monate(int(r.ende_jahr), int(r.ende_monat), r.geburtsjahr, r.geburtsmonat)))
        if int(r.beginn_jahr) == jahr:
            rows.append(("begonnen", r.art_der_hilfe, g, r.alter_bei_beginn))
    df = pd.DataFrame(rows, columns=["kennzahl", "art", "geschlecht", "alter"])
    df["altersgruppe"] = df["alter"].map(lambda a: _gruppe(a, ALTERSGRUPPEN))
    im_jahr = df[df["kennzahl"].isin(["laufend", "beendet"])].assign(kennzahl="im_jahr")
    return pd.concat([df, im_jahr], ignore_index=True)


def _hze_problem(lang: pd.DataFrame, p41: pd.Series, arten: list[str], geschlechter: list[str],
                 vorjahr: dict[str, int] | None, intern: bool) -> Sperrung:
    p = Sperrproblem(intern=intern)
    gruppen = [g for _, _, g in ALTERSGRUPPEN]
    counts = {}
    for (k, art, g, a), n in lang.groupby(["kennzahl", "art", "geschlecht", "altersgruppe"]).size().items():
        for key in ((k, art, g, ALLE), (k, art, ALLE, a), (k, art, ALLE, ALLE), (k, ALLE, g, ALLE), (k, ALLE, ALLE, a),
                    (k, ALLE, ALLE, ALLE)):
            counts[key] = counts.get(key, 0) + n
    for k in AUFGETEILT:
        for art in arten + [ALLE]:
            for g in geschlechter + [ALLE]:
                p.zelle((k, art, g, ALLE), counts.get((k, art, g, ALLE), 0))
            for a in gruppen:
                p.zelle((k, art, ALLE, a), counts.get((k, art, ALLE, a), 0))
        for art in arten + [ALLE]:
            p.linie([(k, art, g, ALLE) for g in geschlechter], (k, art, ALLE, ALLE))
            p.linie([(k, art, ALLE, a) for a in gruppen], (k, art, ALLE, ALLE))
        for g in geschlechter + [ALLE]:
            p.linie([(k, art, g, ALLE) for art in arten], (k, ALLE, g, ALLE))
        for a in gruppen:
            p.linie([(k, art, ALLE, a) for art in arten], (k, ALLE, ALLE, a))
    # helps in the year (running + ended): per Art der Hilfe and in total
    for art in arten + [ALLE]:
        key = ("im_jahr", art, ALLE, ALLE)
        p.zelle(key, counts.get(key, 0))
        p.linie([("laufend", art, ALLE, ALLE), ("beendet", art, ALLE, ALLE)], key)
    p.linie([("im_jahr", art, ALLE, ALLE) for art in arten], ("im_jahr", ALLE, ALLE, ALLE))
    for art in arten + [ALLE]:
        p.zelle(("p41", art), int(p41.get(art, 0)) if art != ALLE else int(p41.sum()))
    p.linie([("p41", art) for art in arten], ("p41", ALLE))
    if vorjahr is not None:
        for art in arten:
            p.zelle(("vorjahr", art), vorjahr.get(art, 0))
        p.zelle(("vorjahr", ALLE), sum(vorjahr.get(art, 0) for art in arten))
        p.linie([("vorjahr", art) for art in arten], ("vorjahr", ALLE))
    return p.loese()


def _zeige(s: Sperrung, key) -> str:
    return anzeige(s.werte.get(key, 0), s[key], lambda v: fmt.zahl(v))


def _vorjahr(con, jahr: int, codes: dict[str, str | None]) -> tuple[dict[str, int] | None, str]:
    """Records per Art der Hilfe of the latest delivered delivery of the previous year (from its record)."""
    frueher = [e for e in audit.alle(con, jahr - 1) if e.status == audit.FREIGEGEBEN]
    if not frueher:
        return None, f"Für {jahr - 1} ist keine freigegebene Lieferung verzeichnet."
    e = frueher[-1]
    out: dict[str, int] = {}
    for z in e.pruefung.get("abgleich_fallzahlen", []):
        code = z.get("art_der_hilfe")
        if code and z.get("erhebung") == "HZE":
            out[code] = out.get(code, 0) + int(z["saetze_laufend"]) + int(z["saetze_beendet"])
    return out, f"Vorjahr: Lieferung Nr. {e.statistik_lieferung_id} ({e.berichtsjahr}) vom {e.created_at:%d.%m.%Y}."


def waehle_lieferung(con, berichtsjahr: int | None = None, statistik_lieferung_id: int | None = None):
    if statistik_lieferung_id is not None:
        return audit.lesen(con, statistik_lieferung_id)
    alle = audit.alle(con, berichtsjahr)
    return alle[-1] if alle else None


def statistik_tabellen(con, *, berichtsjahr: int | None = None, statistik_lieferung_id: int | None = None,
                       intern: bool = False) -> Zusammenfassung:
    """The reviewer's tables of a recorded delivery (default: the latest one, of `berichtsjahr` if given)."""
    e = waehle_lieferung(con, berichtsjahr, statistik_lieferung_id)
    z = Zusammenfassung(lieferung=e, intern=intern)
    if e is None:
        z.hinweise.append("Noch keine Statistik-Lieferung verzeichnet (audit.statistik_lieferungen).")
        return z
    eingaben = Eingaben.from_json(e.eingaben)
    jahr = eingaben.berichtsjahr
    try:
        hze_layout = layout_recorded(next(x for x in e.layouts if x["erhebung"] == "HZE"))
    except (LayoutError, StopIteration):
        hze_layout = layout_for("HZE", jahr)
    art_label = {k: f"{k} {v}" for k, v in (next(f for f in hze_layout.felder if f.name == "EF4").codeliste or {}).items()}
    geschlechter = _geschlechter()
    s = saetze_der_lieferung(con, eingaben)  # the office's records when the warehouse holds several

    # ---- HZE
    hze = s.hze
    arten = sorted(hze["art_der_hilfe"].dropna().unique()) if not hze.empty else []
    g_namen = list(dict.fromkeys(geschlechter.values()))
    lang = _hze_lang(hze, jahr, geschlechter) if not hze.empty else pd.DataFrame(
        columns=["kennzahl", "art", "geschlecht", "alter", "altersgruppe"])
    p41 = hze[(hze["paragraph_41"] == "ja")].groupby("art_der_hilfe").size() if not hze.empty else pd.Series(dtype=int)
    vorjahr, vj_text = _vorjahr(con, jahr, eingaben.hilfeart_statistik_code)
    sperr = _hze_problem(lang, p41, arten, g_namen, vorjahr, intern)
    z.nicht_schuetzbar += sperr.nicht_schuetzbar
    zeilen = arten + [ALLE]
    label = lambda a: "Insgesamt" if a == ALLE else art_label.get(a, a)  # noqa: E731
    uebersicht = pd.DataFrame({
        KENNZAHLEN["im_jahr"]: [_zeige(sperr, ("im_jahr", a, ALLE, ALLE)) for a in zeilen],
        KENNZAHLEN["laufend"]: [_zeige(sperr, ("laufend", a, ALLE, ALLE)) for a in zeilen],
        KENNZAHLEN["beendet"]: [_zeige(sperr, ("beendet", a, ALLE, ALLE)) for a in zeilen],
        KENNZAHLEN["begonnen"]: [_zeige(sperr, ("begonnen", a, ALLE, ALLE)) for a in zeilen],
        "darunter § 41 (im Jahr)": [_zeige(sperr, ("p41", a)) for a in zeilen],
    }, index=[label(a) for a in zeilen])
    if vorjahr is not None:
        uebersicht[f"Vorjahr {jahr - 1}: Hilfen im Jahr (geliefert)"] = [_zeige(sperr, ("vorjahr", a)) for a in zeilen]
    uebersicht.index.name = "Art der Hilfe"
    z.tabellen["hze_uebersicht"] = uebersicht
    z.titel["hze_uebersicht"] = f"HZE {jahr}: Hilfen nach Art der Hilfe"
    z.hinweise.append(vj_text)
    gruppen = [g for _, _, g in ALTERSGRUPPEN]
    for k in AUFGETEILT:
        t = pd.DataFrame({g: [_zeige(sperr, (k, a, g, ALLE)) for a in zeilen] for g in g_namen + [ALLE]},
                         index=[label(a) for a in zeilen])
        t.index.name = "Art der Hilfe"
        z.tabellen[f"hze_{k}_geschlecht"] = t
        z.titel[f"hze_{k}_geschlecht"] = f"HZE {jahr}, {KENNZAHLEN[k]}: nach Geschlecht"
        t = pd.DataFrame({g: [_zeige(sperr, (k, a, ALLE, g)) for a in zeilen] for g in gruppen}
                         | {ALLE: [_zeige(sperr, (k, a, ALLE, ALLE)) for a in zeilen]},
                         index=[label(a) for a in zeilen])
        t.index.name = "Art der Hilfe"
        z.tabellen[f"hze_{k}_alter"] = t
        z.titel[f"hze_{k}_alter"] = f"HZE {jahr}, {KENNZAHLEN[k]}: nach Altersgruppe (Jahre)"

    # ---- § 42
    vsm = s.vsm
    vg = [g for _, _, g in VSM_ALTERSGRUPPEN]
    counts = pd.DataFrame(0, index=vg, columns=g_namen)
    for r in vsm.itertuples(index=False):
        gruppe = _gruppe(r.alter_bei_beginn, VSM_ALTERSGRUPPEN)
        if gruppe is not None:
            counts.loc[gruppe, geschlechter.get(r.geschlecht, r.geschlecht)] += 1
    geschuetzt = schuetze_tabelle(counts, intern=intern)
    z.nicht_schuetzbar += geschuetzt.nicht_schuetzbar
    t = geschuetzt.anzeige(lambda v: fmt.zahl(v))
    t.index.name = "Altersgruppe bei Beginn"
    z.tabellen["vsm"] = t
    z.titel["vsm"] = f"Vorläufige Schutzmaßnahmen (§ 42) {jahr}: beendete Maßnahmen nach Alter und Geschlecht"

    # ---- Teil IV
    z.tabellen["teil4"], teil4_nicht_schuetzbar = _teil4_tabelle(s, intern)
    z.nicht_schuetzbar += teil4_nicht_schuetzbar
    z.titel["teil4"] = f"Teil IV {jahr}: Auszahlungen und Einzahlungen für Einzelhilfen nach Hilfeart"
    return z


def _teil4_tabelle(s, intern: bool) -> tuple[pd.DataFrame, int]:
    hilfearten = load_contract().codelisten["hilfeart"]
    t = s.teil4
    sums = (t.groupby("position")[["ausgaben_cent", "kostenbeitraege_cent", "erstattungen_cent"]].sum()
            if not t.empty else pd.DataFrame(columns=["ausgaben_cent", "kostenbeitraege_cent", "erstattungen_cent"]))
    anzahl = dict(zip(s.teil4_hilfen["position"], s.teil4_hilfen["hilfen"])) if not s.teil4_hilfen.empty else {}
    mit_hilfe = [p for p in sums.index if p in hilfearten]
    counts = pd.DataFrame({"hilfen": [int(anzahl.get(p, 0)) for p in mit_hilfe]}, index=mit_hilfe)
    geschuetzt = schuetze_tabelle(counts, zeilensummen=False, spaltensummen=True, intern=intern)
    rows = []

    def betraege(r, status):
        vals = [r["ausgaben_cent"], r["kostenbeitraege_cent"], r["erstattungen_cent"],
                r["ausgaben_cent"] - r["kostenbeitraege_cent"] - r["erstattungen_cent"]]
        st = abhaengig(status)
        return [anzeige(v / 100, st, lambda x: fmt.eur(x)) if v != 0 or st != OFFEN else ZEICHEN_NULL
                for v in vals]

    for p in mit_hilfe:
        status = geschuetzt.status.at[p, "hilfen"]
        name = f"§ {hilfearten[p]['paragraph'].removeprefix('§ ')} {hilfearten[p]['bezeichnung']}"
        rows.append([name, anzeige(counts.at[p, "hilfen"], status, lambda v: fmt.zahl(v)),
                     *betraege(sums.loc[p], status)])
    for p in [p for p in sums.index if p not in hilfearten]:
        name = {"ohne_hilfe": "ohne Bezug zu einer Hilfe (fallunspezifisch)",
                "nicht_zugeordnet": "Hilfe unbekannt (nicht zugeordnet)"}.get(p, p)
        rows.append([name, ZEICHEN_FEHLT, *betraege(sums.loc[p], OFFEN)])
    total = sums.sum() if not sums.empty else pd.Series({"ausgaben_cent": 0, "kostenbeitraege_cent": 0,
                                                         "erstattungen_cent": 0})
    summe_status = geschuetzt.status.at[SUMME, "hilfen"] if SUMME in geschuetzt.status.index else OFFEN
    rows.append(["Insgesamt", anzeige(int(counts["hilfen"].sum()), summe_status, lambda v: fmt.zahl(v)),
                 *betraege(total, OFFEN)])
    out = pd.DataFrame(rows, columns=["Hilfeart", "Hilfen mit Buchung", "Auszahlungen", "Kostenbeiträge",
                                      "Erstattungen", "netto"]).set_index("Hilfeart")
    return out, geschuetzt.nicht_schuetzbar


# ------------------------------------------------------------------ what the page shows
@dataclass
class Seitendaten:
    """Everything the Statistik page of the report site shows, as display text (the site lays it out;
    the reports do not import this package, they read these attributes)."""
    zusammenfassung: Zusammenfassung
    titel: str = "Amtliche Statistik"
    unterzeile: str = ""
    status_text: str = ""
    status_klasse: str = ""          # geliefert | zurueckgehalten
    meldung: str = ""
    wartet_auf: list[str] = field(default_factory=list)
    stand: list[tuple[str, str]] = field(default_factory=list)   # counts of findings: (what, number)
    freigabe: str = "noch nicht"
    arbeitsliste_hinweis: bool = False
    blockiert: list[tuple[str, str]] = field(default_factory=list)  # later runs with failed ERROR checks
    lieferung_nr: int | None = None
    ausgabe_ordner: str = ""
    dateien: list[str] = field(default_factory=list)
    pruefungen: pd.DataFrame | None = None
    abgleich: tuple[bool, bool] | None = None  # (case counts agree, Teil IV agrees to the cent)
    vorlaeufig: bool = False

    @property
    def lieferung(self):
        return self.zusammenfassung.lieferung

    @property
    def nicht_schuetzbar(self) -> int:
        return self.zusammenfassung.nicht_schuetzbar


def _blockiert_spaeter(con, e: audit.Eintrag) -> list[tuple]:
    """Failed ERROR quality checks on the inputs in a run after this delivery (that run made no delivery)."""
    try:
        rows = con.execute(
            """select lauf_id, max(geprueft_am) as t, string_agg(distinct pruefung, ', ' order by pruefung)
               from audit.pruefergebnisse
               where list_contains(?, asset) and schweregrad = 'ERROR' and not bestanden and geprueft_am > ?
               group by lauf_id order by t desc limit 1""", [list(EINGABE_ASSETS), e.created_at]).fetchall()
    except duckdb.CatalogException:
        return []
    return [r for r in rows if r[0] != e.lauf_id]


def _stand(con, e: audit.Eintrag, d: Seitendaten) -> None:
    """Where the year stands: the draft's findings (counts only: the work list itself is internal),
    the confirmations, and the released delivery if there is one."""
    from kjh.statistik import bestaetigungen
    from kjh.statistik.befunde import HART, Befund, offen

    alle = [Befund(**b) for b in e.pruefung.get("befunde", [])]
    bestaetigt = bestaetigungen.bestaetigt(con) if alle else set()
    hart = [b for b in alle if b.klasse == HART]
    weich = [b for b in alle if b.klasse != HART]
    weich_offen = [b for b in offen(weich, bestaetigt)]
    freigaben = [x for x in audit.alle(con, e.berichtsjahr) if x.status == audit.FREIGEGEBEN]
    d.stand = [("Sätze mit harten Fehlern (fehlen im Entwurf, blockieren die Freigabe)",
                fmt.zahl(len({(b.erhebung, b.lfd_nr) for b in hart}))),
               ("weiche Befunde offen (bestätigen oder korrigieren)", fmt.zahl(len(weich_offen))),
               ("weiche Befunde bestätigt", fmt.zahl(len(weich) - len(weich_offen)))]
    if freigaben:
        f = freigaben[-1]
        d.freigabe = (f"Nr. {f.statistik_lieferung_id} am {fmt.datum_zeit(f.created_at)} "
                      f"(aus Entwurf Nr. {f.pruefung.get('entwurf_id', '–')})")
    d.arbeitsliste_hinweis = bool(alle) and e.status == audit.ENTWURF


def seitendaten(con, z: Zusammenfassung) -> Seitendaten:
    """The page's content for the tables `z` (from statistik_tabellen on the same connection)."""
    e = z.lieferung
    d = Seitendaten(zusammenfassung=z)
    if e is None:
        return d
    eingaben = Eingaben.from_json(e.eingaben)
    d.status_text = {audit.ENTWURF: "Entwurf", audit.FREIGEGEBEN: "freigegeben"}.get(e.status, "zurückgehalten")
    d.titel = f"Amtliche Statistik {e.berichtsjahr}: {d.status_text} Nr. {e.statistik_lieferung_id}"
    d.unterzeile = (f"{eingaben.meldestelle.get('name', '')}, Kennnummer {eingaben.kennnummer} · "
                    f"erstellt {fmt.datum_zeit(e.created_at)} · Satzbeschreibungen {e.layout_version} · "
                    f"Datenstand Hilfen {fmt.datum(eingaben.stand_hilfen)}, Buchungen "
                    f"{fmt.datum(eingaben.stand_zahlungen) if eingaben.stand_zahlungen else '–'}")
    d.status_klasse = ("geliefert" if e.status == audit.FREIGEGEBEN or not e.zurueckgehalten_wegen
                       else "zurueckgehalten")
    d.meldung = e.meldung
    d.wartet_auf = list(e.zurueckgehalten_wegen or [])
    _stand(con, e, d)
    d.blockiert = [(fmt.datum_zeit(t), namen) for _, t, namen in _blockiert_spaeter(con, e)]
    d.lieferung_nr = e.statistik_lieferung_id
    if e.ausgabe_ordner:
        d.ausgabe_ordner = str(e.ausgabe_ordner)
        d.dateien = [x["datei"] for x in e.ausgaben]
    pr = e.pruefung.get("ergebnisse", [])
    if pr:
        df = pd.DataFrame([[p["schweregrad"], "bestanden" if p["bestanden"] else
                            ("nicht bestanden" if p["schweregrad"] == "ERROR" else "Hinweis"), p["meldung"]]
                           for p in pr], index=[p["name"] for p in pr], columns=["Schwere", "Ergebnis", "Meldung"])
        df.index.name = "Prüfung"
        d.pruefungen = df
        abgleich = e.pruefung.get("abgleich_fallzahlen", [])
        if abgleich:
            d.abgleich = (all(x["stimmt"] for x in abgleich),
                          all(x["stimmt"] for x in e.pruefung.get("abgleich_ausgaben", [])))
    d.vorlaeufig = e.status != audit.FREIGEGEBEN
    return d


def lesen(warehouse, *, berichtsjahr: int | None = None, statistik_lieferung_id: int | None = None,
          intern: bool = False) -> Seitendaten:
    """The page's content of a recorded delivery (default: the latest one, of `berichtsjahr` if given).

    warehouse: the DuckDB file (opened read-only) or an open connection to it.
    """
    with lesend(warehouse) as con:
        z = statistik_tabellen(con, berichtsjahr=berichtsjahr, statistik_lieferung_id=statistik_lieferung_id,
                               intern=intern)
        return seitendaten(con, z)


__all__ = ["Seitendaten", "Zusammenfassung", "lesen", "seitendaten", "statistik_tabellen"]
