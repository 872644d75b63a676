"""Plausibility before release: the survey's own checks, the quality results
on the inputs, and the reconciliation with the marts. Every check has a
stable name (also the Dagster check name) and a level:

* `datei`: about the delivery as a whole (inputs complete and checked, the
  Teil IV positions, the reconciliation with the marts). A failed ERROR keeps
  the whole year from release.
* `satz`: about single records. A failure is a finding of its record
  (kjh.statistik.befunde): a hard one keeps the record out of the draft and
  the year from release until it is corrected in the exports; a soft one
  (WARN) waits on the work list for the clerk's confirmation.

How the records relate to the marts (checked by `abgleich_fallzahlen`):

* HZE, per hilfeart with an Art-der-Hilfe code: records running on 31.12. +
  records ended = fallzahlen_jahr laufend_31_12 + beendet (Kreis gesamt, the
  sum over all social spaces). For every hilfeart but SPFH (31) running and
  ended also agree one by one. SPFH: the helps of one family (same case
  file, same beginn) are one record, so
      laufend_31_12 + beendet = SPFH records + zusammengefasst,
  zusammengefasst = per family record, the family's helps counted by the mart
  in the year minus one. A family record runs while any of its helps runs.
* § 19 (no Art-der-Hilfe code): not part of the HZE survey; counted by the
  mart, reported nowhere (listed with 0 records).
* § 42: VSM records = fallzahlen_jahr beendet; the mart's laufend_31_12 are
  reported in the year the measure ends.
* Teil IV (checked by `abgleich_ausgaben`): the sums over positions = ausgaben_jahr
  per Teilplan and in total, to the cent: Ausgaben = ausgaben_eur, Kostenbeiträge
  + Erstattungen = einnahmen_eur (summed over social spaces).
"""
import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from kjh.quality.rules import ERROR, WARN
from kjh.statistik.eingaben import Eingaben
from kjh.statistik.layout import Formatierung, fehler_text
from kjh.statistik.saetze import INOBHUTNAHME, SPFH, Saetze

# assets whose ERROR results in audit.pruefergebnisse withhold the delivery: the GX suites of the
# inputs (the integrity of the exports). The plausibility checks of the statistics office act per
# record instead (kjh.statistik.befunde): a help of an earlier year blocks nothing.
EINGABE_ASSETS = ("raw/hilfen", "raw/traeger", "raw/zahlungen")
DATEI, SATZ = "datei", "satz"
MAX_BEISPIELE = 5


@dataclass(frozen=True)
class Pruefdefinition:
    name: str
    schweregrad: str
    beschreibung: str
    ebene: str = DATEI   # datei | satz (see the module docstring)


PRUEFUNGEN = (
    Pruefdefinition("eingaben_qualitaet", ERROR,
                    "Die ERROR-Prüfungen der Qualitätssuiten für raw/hilfen, raw/traeger und raw/zahlungen und die "
                    "Plausibilitätsprüfungen auf intermediate/int_hilfen_episoden sind im "
                    "Lauf bestanden (audit.pruefergebnisse)."),
    Pruefdefinition("eingaben_vollstaendig", ERROR,
                    "Die Buchungen reichen bis zum Ende des Berichtsjahres (Stand des neuesten zahlungen-Exports "
                    "mindestens 31.12.)."),
    Pruefdefinition("hze_satzbeschreibung", ERROR,
                    "Jeder HZE-Satz passt zur Satzbeschreibung: Pflichtfelder, Typen, Längen, Schlüssel und "
                    "Codelisten (harter Fehler des Satzes).", SATZ),
    Pruefdefinition("vsm_satzbeschreibung", ERROR,
                    "Jeder § 42-Satz (VSM) passt zur Satzbeschreibung: Pflichtfelder, Typen, Längen, Schlüssel und "
                    "Codelisten (harter Fehler des Satzes).", SATZ),
    Pruefdefinition("teil4_satzbeschreibung", ERROR,
                    "Jede Teil-IV-Position passt zur Satzbeschreibung (jede Buchung hat eine bekannte Hilfeart)."),
    Pruefdefinition("laufende_hilfe_ohne_ende", ERROR,
                    "Eine am 31.12. andauernde Hilfe trägt weder Ende noch Beendigungsgrund; eine beendete Hilfe "
                    "trägt beides; jede gemeldete Inobhutnahme ist beendet.", SATZ),
    Pruefdefinition("kein_satz_doppelt", ERROR,
                    "Kein Satz doppelt: kein junger Mensch mit derselben Art der Hilfe und demselben Beginn zweimal "
                    "(HZE), keine Inobhutnahme mit demselben Beginn zweimal (VSM), jede Position einmal (Teil IV).",
                    SATZ),
    Pruefdefinition("daten_im_berichtsjahr", ERROR,
                    "Die Daten jedes Satzes passen zum Berichtsjahr: Beginn spätestens 31.12., ein Ende im "
                    "Berichtsjahr (Ende vor Beginn und Beginn vor der Geburt prüfen die Plausibilitätsprüfungen).",
                    SATZ),
    Pruefdefinition("plausibilitaet_saetze", ERROR,
                    "Kein Satz des Berichtsjahres hat einen harten Fehler der Plausibilitätsprüfungen (§ 41 unter "
                    "18, § 42 eines Volljährigen, Ende vor Beginn, Beginn vor der Geburt, fehlender "
                    "Beendigungsgrund, Gründe nicht verschieden).", SATZ),
    Pruefdefinition("abgleich_fallzahlen", ERROR,
                    "Sätze je Hilfeart = marts.fallzahlen_jahr (laufend am 31.12. + beendet, Kreis gesamt); SPFH: "
                    "je Familie ein Satz, § 42: die beendeten."),
    Pruefdefinition("abgleich_ausgaben", ERROR,
                    "Teil IV = marts.ausgaben_jahr auf den Cent: Ausgaben und Einnahmen je Teilplan und gesamt."),
    Pruefdefinition("qualitaet_aktuell", WARN,
                    "Die Qualitätsprüfungen liefen nach dem Laden der neuesten Eingabe (sonst sind ihre Ergebnisse "
                    "nicht die der gelieferten Daten)."),
    Pruefdefinition("merkmale_vollstaendig", WARN,
                    "Optionale Merkmale sind angegeben: Ort der Durchführung (HZE EF5)."),
    Pruefdefinition("weiche_befunde_bestaetigt", WARN,
                    "Jeder weiche Befund eines Satzes (geplantes Ende, sich überschneidende Hilfen, Beratung über "
                    "zehn Jahre) ist von der Statistikstelle mit Begründung bestätigt (kjh statistik --bestaetigen).",
                    SATZ),
)
DEFINITION = {p.name: p for p in PRUEFUNGEN}


@dataclass
class Lieferpruefung:
    name: str
    bestanden: bool
    meldung: str
    anzahl: int = 0
    details: list = field(default_factory=list)

    @property
    def schweregrad(self) -> str:
        return DEFINITION[self.name].schweregrad

    def as_dict(self) -> dict:
        return {"name": self.name, "schweregrad": self.schweregrad, "bestanden": self.bestanden,
                "meldung": self.meldung, "anzahl": int(self.anzahl), "details": self.details}


def _n(n: int, one: str, many: str) -> str:
    return f"{n:,}".replace(",", ".") + " " + (one if n == 1 else many)


# ------------------------------------------------------------------ quality
def qualitaet_lauf(con, lauf_id: str | None) -> dict:
    """The quality run whose results count: this run's, else the latest one on the inputs' tables."""
    try:
        if lauf_id:
            rows = con.execute(
                "select lauf_id, max(geprueft_am) from audit.pruefergebnisse where lauf_id = ? and list_contains(?, asset) "
                "group by lauf_id", [lauf_id, list(EINGABE_ASSETS)]).fetchall()
            if rows:
                return {"lauf_id": rows[0][0], "geprueft_am": rows[0][1].isoformat(timespec="seconds")}
        rows = con.execute(
            "select lauf_id, max(geprueft_am) as t from audit.pruefergebnisse where list_contains(?, asset) "
            "group by lauf_id order by t desc limit 1", [list(EINGABE_ASSETS)]).fetchall()
    except duckdb.CatalogException:
        return {}
    return {"lauf_id": rows[0][0], "geprueft_am": rows[0][1].isoformat(timespec="seconds")} if rows else {}


def pruefe_qualitaet(con, eingaben: Eingaben) -> list[Lieferpruefung]:
    lauf = eingaben.qualitaet
    if not lauf:
        return [
            Lieferpruefung("eingaben_qualitaet", True, "Keine Ergebnisse der Qualitätsprüfungen im Warehouse "
                     "(audit.pruefergebnisse): nicht geprüft."),
            Lieferpruefung("qualitaet_aktuell", False, "Die Qualitätsprüfungen sind für diese Eingaben nicht gelaufen: "
                     "kjh run ausführen, damit sie vor der Lieferung prüfen."),
        ]
    failed = con.execute(
        """select pruefung, fehlerhafte_zeilen, meldung from audit.pruefergebnisse
           where lauf_id = ? and list_contains(?, asset) and schweregrad = 'ERROR' and not bestanden order by pruefung""",
        [lauf["lauf_id"], list(EINGABE_ASSETS)]).fetchall()
    details = [{"pruefung": r[0], "fehlerhafte_zeilen": int(r[1]), "meldung": r[2]} for r in failed]
    if failed:
        q = Lieferpruefung("eingaben_qualitaet", False,
                     "Nicht bestandene ERROR-Prüfungen der Eingaben: " + ", ".join(r[0] for r in failed) + ".",
                     anzahl=len(failed), details=details)
    else:
        q = Lieferpruefung("eingaben_qualitaet", True, f"Alle ERROR-Prüfungen der Eingaben bestanden (Lauf vom "
                     f"{_dt(lauf['geprueft_am'])}).")
    geladen = con.execute("select max(geladen_am) from audit.lieferungen where list_contains(?, lieferung_id)",
                          [[x["lieferung_id"] for x in eingaben.lieferungen]]).fetchall()[0][0]
    geprueft = dt.datetime.fromisoformat(lauf["geprueft_am"])
    if geladen is not None and geprueft < geladen.replace(microsecond=0):
        a = Lieferpruefung("qualitaet_aktuell", False, f"Die letzten Qualitätsprüfungen ({_dt(lauf['geprueft_am'])}) sind "
                     f"älter als die neueste Eingabe (geladen {geladen:%d.%m.%Y %H:%M}): kjh run ausführen.")
    else:
        a = Lieferpruefung("qualitaet_aktuell", True, "Die Qualitätsprüfungen liefen auf dem Stand der Eingaben.")
    return [q, a]


def _dt(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).strftime("%d.%m.%Y %H:%M")


# ------------------------------------------------------------------ survey
def pruefe_vollstaendig(eingaben: Eingaben) -> Lieferpruefung:
    ende = dt.date(eingaben.berichtsjahr, 12, 31)
    if eingaben.stand_zahlungen is None:
        return Lieferpruefung("eingaben_vollstaendig", False, "Keine zahlungen-Lieferung: Teil IV ist leer.")
    if eingaben.stand_zahlungen < ende:
        return Lieferpruefung("eingaben_vollstaendig", False,
                        f"Die neueste zahlungen-Lieferung hat den Stand {eingaben.stand_zahlungen:%d.%m.%Y}: Buchungen "
                        f"bis zum 31.12.{eingaben.berichtsjahr} fehlen noch, Teil IV wäre unvollständig.")
    return Lieferpruefung("eingaben_vollstaendig", True, f"Buchungen bis Stand {eingaben.stand_zahlungen:%d.%m.%Y}.")


def pruefe_satzbeschreibung(name: str, erhebung: str, ergebnis: Formatierung, saetze: int) -> Lieferpruefung:
    if ergebnis.fehlerfrei:
        return Lieferpruefung(name, True, f"{erhebung}: {_n(saetze, 'Satz', 'Sätze')} passen zur Satzbeschreibung.")
    teile = [f"{f.feld} {f.bezeichnung}: {fehler_text(f.grund, f.werte, 3)} ({_n(f.anzahl, 'Satz', 'Sätze')})"
             for f in ergebnis.fehler[:8]]
    return Lieferpruefung(name, False, f"{erhebung}: " + "; ".join(teile) + (" …" if len(ergebnis.fehler) > 8 else ""),
                    anzahl=ergebnis.fehlerhafte_saetze, details=[f.as_dict() for f in ergebnis.fehler])


def _beispiele(df: pd.DataFrame, mask) -> list:
    return [int(x) for x in df.loc[mask, "lfd_nr"].head(MAX_BEISPIELE)]


# The survey's record checks: each gives (erhebung, reason, mask over that survey's records). The check's
# result counts the records; every masked record is also a hard finding of its own (satz_befunde).
def masken_laufend_ohne_ende(s: Saetze, jahr: int) -> list[tuple[str, str, pd.Series]]:
    out = []
    h, v = s.hze, s.vsm
    if not h.empty:
        laufend_mit_ende = h["laufend"].astype(bool) & (h["ende"].notna() | h["beendigungsgrund"].notna())
        beendet_ohne = ~h["laufend"].astype(bool) & (h["ende_monat"].isna() | h["ende_jahr"].isna()
                                                     | h["beendigungsgrund"].isna())
        out += [("HZE", "andauernd, aber mit Ende oder Beendigungsgrund", laufend_mit_ende),
                ("HZE", "beendet, aber ohne Ende oder Beendigungsgrund", beendet_ohne)]
    if not v.empty:
        out.append(("VSM", "Inobhutnahme ohne Ende", v["ende"].isna()))
    return out


def masken_doppelt(s: Saetze, jahr: int) -> list[tuple[str, str, pd.Series]]:
    return [(erhebung, "doppelt", df["doppelt"].astype(bool) | df["lfd_nr"].duplicated(keep=False))
            for erhebung, df in (("HZE", s.hze), ("VSM", s.vsm)) if not df.empty]


def masken_daten(s: Saetze, jahr: int) -> list[tuple[str, str, pd.Series]]:
    von, bis = pd.Timestamp(jahr, 1, 1), pd.Timestamp(jahr, 12, 31)
    out = []
    if not s.hze.empty:
        beginn, ende = pd.to_datetime(s.hze["beginn"]), pd.to_datetime(s.hze["ende"])
        out += [("HZE", "Beginn nach dem 31.12.", beginn > bis),
                ("HZE", "Ende außerhalb des Berichtsjahres", ende.notna() & ((ende < von) | (ende > bis)))]
    if not s.vsm.empty:
        ende = pd.to_datetime(s.vsm["ende"])
        out.append(("VSM", "Ende außerhalb des Berichtsjahres", ende.notna() & ((ende < von) | (ende > bis))))
    return out


# name -> (masks, field of the finding, column holding its value, what to do)
SATZPRUEFUNGEN = {
    "laufende_hilfe_ohne_ende": (masken_laufend_ohne_ende, "ende", "ende",
                                 "Ende und Beendigungsgrund im Fachverfahren zusammen erfassen (oder beide leer)."),
    "kein_satz_doppelt": (masken_doppelt, "beginn", "beginn",
                          "Dieselbe Hilfe ist im Fachverfahren mehrfach erfasst: zusammenführen und neu exportieren."),
    "daten_im_berichtsjahr": (masken_daten, "ende", "ende", "Beginn und Ende im Fachverfahren prüfen."),
}
_OK = {
    "laufende_hilfe_ohne_ende": "Andauernde Hilfen ohne Ende, beendete mit Ende und Beendigungsgrund, alle § 42-Sätze "
                                "beendet.",
    "kein_satz_doppelt": "Kein Satz doppelt.",
    "daten_im_berichtsjahr": "Alle Daten passen zum Berichtsjahr {jahr}.",
}


def _frame(s: Saetze, erhebung: str) -> pd.DataFrame:
    return {"HZE": s.hze, "VSM": s.vsm}[erhebung]


def pruefe_saetze(name: str, s: Saetze, jahr: int) -> Lieferpruefung:
    """One of SATZPRUEFUNGEN as a check result (records counted, a few running numbers)."""
    masken, *_ = SATZPRUEFUNGEN[name]
    details = [{"erhebung": e, "grund": grund, "anzahl": int(m.sum()), "lfd_nr": _beispiele(_frame(s, e), m)}
               for e, grund, m in masken(s, jahr) if m.any()]
    if not details:
        return Lieferpruefung(name, True, _OK[name].format(jahr=jahr))
    n = sum(d["anzahl"] for d in details)
    text = "; ".join(f"{d['erhebung']} {d['grund']}: {_n(d['anzahl'], 'Satz', 'Sätze')} (lfd. Nr. "
                     f"{', '.join(map(str, d['lfd_nr']))})" for d in details)
    return Lieferpruefung(name, False, text + ". " + SATZPRUEFUNGEN[name][3], anzahl=n, details=details)


def satz_befunde(s: Saetze, jahr: int) -> list:
    """Every record a SATZPRUEFUNG flags, as a hard finding of that record."""
    from kjh.statistik.befunde import aus_saetzen

    out = []
    for name, (masken, feld, spalte, was_tun) in SATZPRUEFUNGEN.items():
        for e, grund, m in masken(s, jahr):
            out += aus_saetzen(e, _frame(s, e), name, m, feld, spalte if spalte in _frame(s, e) else None,
                               f"{grund}: {was_tun}")
    return out


def pruefe_befunde(name: str, befunde: list, bestaetigt: set[tuple]) -> Lieferpruefung:
    """plausibilitaet_saetze (the hard findings from the plausibility checks) or weiche_befunde_bestaetigt."""
    from kjh.statistik.befunde import HART, WEICH

    if name == "plausibilitaet_saetze":
        mine = [b for b in befunde if b.klasse == HART and b.regel.startswith("plausi.")]
        if not mine:
            return Lieferpruefung(name, True, "Kein Satz des Berichtsjahres hat einen harten Plausibilitätsfehler.")
        regeln = sorted({b.regel for b in mine})
        return Lieferpruefung(name, False, f"{_n(len({(b.erhebung, b.lfd_nr) for b in mine}), 'Satz hat', 'Sätze haben')} "
                        f"harte Plausibilitätsfehler ({', '.join(regeln)}): sie fehlen im Entwurf; im Fachverfahren "
                        "korrigieren (Arbeitsliste).", anzahl=len(mine),
                        details=[{"regel": r, "anzahl": sum(b.regel == r for b in mine)} for r in regeln])
    weich = [b for b in befunde if b.klasse == WEICH]
    offen = [b for b in weich if b.schluessel not in bestaetigt]
    if not offen:
        return Lieferpruefung(name, True, f"Alle {_n(len(weich), 'weiche Befund', 'weichen Befunde')} sind bestätigt."
                        if weich else "Keine weichen Befunde.")
    regeln = sorted({b.regel for b in offen})
    return Lieferpruefung(name, False, f"{_n(len(offen), 'weicher Befund', 'weiche Befunde')} offen ({', '.join(regeln)}; "
                    f"{len(weich) - len(offen)} bestätigt): prüfen und mit kjh statistik --bestaetigen begründen "
                    "(Arbeitsliste). Sie halten die Lieferung nicht auf.", anzahl=len(offen),
                    details=[{"regel": r, "anzahl": sum(b.regel == r for b in offen)} for r in regeln])


def pruefe_merkmale(s: Saetze) -> Lieferpruefung:
    h = s.hze
    n = int(h["ort_der_durchfuehrung"].isna().sum()) if not h.empty else 0
    if not n:
        return Lieferpruefung("merkmale_vollstaendig", True, "Alle HZE-Sätze tragen einen Ort der Durchführung.")
    return Lieferpruefung("merkmale_vollstaendig", False,
                    f"{_n(n, 'HZE-Satz', 'HZE-Sätze')} ohne Ort der Durchführung (EF5 leer): im Export leer, d. h. "
                    "„üblicher Ort“ – kjh erfindet keinen. Im Fachverfahren nachtragen.",
                    anzahl=n, details=[{"lfd_nr": _beispiele(h, h["ort_der_durchfuehrung"].isna())}])


# ------------------------------------------------------------ reconciliation
def _marts_stand(con) -> dt.date | None:
    try:
        rows = con.execute("select stand_hilfen from intermediate.int_berichtsstand").fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None


def abgleich_fallzahlen(con, eingaben: Eingaben, s: Saetze) -> tuple[Lieferpruefung, list[dict]]:
    jahr = eingaben.berichtsjahr
    try:
        mart = con.execute("""select hilfeart, sum(laufend_31_12)::bigint, sum(beendet)::bigint
                              from marts.fallzahlen_jahr where jahr = ? group by hilfeart""", [jahr]).fetchall()
        jahre = con.execute("select min(jahr), max(jahr) from marts.fallzahlen_jahr").fetchall()[0]
    except duckdb.CatalogException:
        return Lieferpruefung("abgleich_fallzahlen", False, "marts.fallzahlen_jahr fehlt: erst die Marts bauen (kjh run)."), []
    marts = {r[0]: (int(r[1]), int(r[2])) for r in mart}
    codes = eingaben.hilfeart_statistik_code
    h = s.hze
    zeilen = []
    for hilfeart in sorted(set(codes) | set(marts), key=_hilfeart_key):
        m_l, m_b = marts.get(hilfeart, (0, 0))
        code = codes.get(hilfeart)
        if hilfeart == INOBHUTNAHME:
            r_l, r_b, zus = 0, len(s.vsm), 0
            erhebung, ok = "VSM", r_b == m_b
            hinweis = f"{m_l} am 31.12. andauernde werden im Jahr ihres Endes gemeldet" if m_l else ""
        elif code is None:
            r_l = r_b = zus = 0
            erhebung, ok, hinweis = "–", True, "nicht Gegenstand der HZE (kein Schlüssel Art der Hilfe)"
        else:
            mine = h[h["hilfeart"] == hilfeart] if not h.empty else h
            r_l, r_b = int(mine["laufend"].sum()), int(mine["beendet"].sum())
            zus = int((mine["hilfen_gezaehlt"].astype(int) - 1).sum())
            ok = (m_l + m_b == r_l + r_b + zus) and (hilfeart == SPFH or (r_l == m_l and r_b == m_b))
            erhebung = "HZE"
            hinweis = f"{zus} Hilfen in Familien-Sätzen zusammengefasst" if zus else ""
        if not (m_l or m_b or r_l or r_b):
            continue
        zeilen.append({"hilfeart": hilfeart, "art_der_hilfe": code, "erhebung": erhebung, "marts_laufend": m_l,
                       "marts_beendet": m_b, "saetze_laufend": r_l, "saetze_beendet": r_b,
                       "zusammengefasst": zus, "stimmt": ok, "hinweis": hinweis})
    falsch = [z for z in zeilen if not z["stimmt"]]
    if jahre[0] is None or not (jahre[0] <= jahr <= jahre[1]):
        return Lieferpruefung("abgleich_fallzahlen", False,
                        f"marts.fallzahlen_jahr enthält das Jahr {jahr} nicht (Jahre {jahre[0]}–{jahre[1]}); für "
                        "frühere Jahre die dbt-Variable erstes_berichtsjahr setzen und die Marts neu bauen."), zeilen
    if falsch:
        stand = _marts_stand(con)
        hint = (f" Die Marts stehen auf dem Hilfen-Stand {stand:%d.%m.%Y}, die Lieferung auf "
                f"{eingaben.stand_hilfen:%d.%m.%Y}: Marts neu bauen (kjh run)."
                if stand is not None and stand != eingaben.stand_hilfen else "")
        return Lieferpruefung("abgleich_fallzahlen", False,
                        "Sätze weichen von marts.fallzahlen_jahr ab bei Hilfeart "
                        + ", ".join(z["hilfeart"] for z in falsch) + "." + hint, anzahl=len(falsch), details=falsch), zeilen
    gesamt = sum(z["saetze_laufend"] + z["saetze_beendet"] for z in zeilen)
    return Lieferpruefung("abgleich_fallzahlen", True,
                    f"{_n(gesamt, 'Satz stimmt', 'Sätze stimmen')} mit marts.fallzahlen_jahr {jahr} überein "
                    "(je Hilfeart, SPFH je Familie, § 42 beendete)."), zeilen


def _hilfeart_key(h: str):
    head = "".join(c for c in h if c.isdigit() or c == ".")
    try:
        return (float(head), h)
    except ValueError:
        return (9999.0, h)


def abgleich_ausgaben(con, eingaben: Eingaben, s: Saetze) -> tuple[Lieferpruefung, list[dict]]:
    jahr = eingaben.berichtsjahr
    try:
        mart = con.execute("""select teilplan, cast(sum(ausgaben_eur) * 100 as bigint),
                                     cast(sum(einnahmen_eur) * 100 as bigint)
                              from marts.ausgaben_jahr where haushaltsjahr = ? group by teilplan""", [jahr]).fetchall()
    except duckdb.CatalogException:
        return Lieferpruefung("abgleich_ausgaben", False, "marts.ausgaben_jahr fehlt: erst die Marts bauen (kjh run)."), []
    marts = {r[0]: (int(r[1]), int(r[2])) for r in mart}
    t = s.teil4
    mine = {}
    if not t.empty:
        g = t.groupby("teilplan")[["ausgaben_cent", "einnahmen_cent"]].sum()
        mine = {tp: (int(r.ausgaben_cent), int(r.einnahmen_cent)) for tp, r in g.iterrows()}
    zeilen = []
    for tp in sorted(set(marts) | set(mine)):
        ma, me = marts.get(tp, (0, 0))
        ta, te = mine.get(tp, (0, 0))
        zeilen.append({"teilplan": tp, "marts_ausgaben_cent": ma, "teil4_ausgaben_cent": ta,
                       "marts_einnahmen_cent": me, "teil4_einnahmen_cent": te, "stimmt": ma == ta and me == te})
    summe = {k: sum(z[k] for z in zeilen) for k in ("marts_ausgaben_cent", "teil4_ausgaben_cent",
                                                     "marts_einnahmen_cent", "teil4_einnahmen_cent")}
    summe_ok = (summe["marts_ausgaben_cent"] == summe["teil4_ausgaben_cent"]
                and summe["marts_einnahmen_cent"] == summe["teil4_einnahmen_cent"])
    zeilen.append({"teilplan": "gesamt", **summe, "stimmt": summe_ok})
    falsch = [z for z in zeilen if not z["stimmt"]]
    if falsch:
        return Lieferpruefung("abgleich_ausgaben", False,
                        "Teil IV weicht von marts.ausgaben_jahr ab: " + ", ".join(
                            f"Teilplan {z['teilplan']} (Ausgaben {_eur(z['teil4_ausgaben_cent'] - z['marts_ausgaben_cent'])}"
                            f", Einnahmen {_eur(z['teil4_einnahmen_cent'] - z['marts_einnahmen_cent'])})" for z in falsch)
                        + ". Marts neu bauen (kjh run) oder Abweichung klären.", anzahl=len(falsch), details=falsch), zeilen
    return Lieferpruefung("abgleich_ausgaben", True,
                    f"Teil IV stimmt mit marts.ausgaben_jahr {jahr} auf den Cent überein: Ausgaben "
                    f"{_eur(summe['teil4_ausgaben_cent'])}, Einnahmen {_eur(summe['teil4_einnahmen_cent'])}."), zeilen


def _eur(cent: int) -> str:
    sign = "−" if cent < 0 else ""
    e, c = divmod(abs(int(cent)), 100)
    return f"{sign}{e:,}".replace(",", ".") + f",{c:02d} €"
