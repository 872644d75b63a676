"""Findings per record: what the clerk must correct (hard) or confirm (soft) before release.

The Landesamt rejects a *record*, not a file: a record with a hard error
(§ 41 under 18, § 42 of an adult, end before begin, a missing or unmappable
Hauptgrund, reasons not distinct, a value outside the layout's code list)
cannot be delivered; every other record can. A soft finding (overlapping
helps, a planned end, a counselling over ten years) is unusual but possible:
shown on the work list until the clerk confirms it with a reason.

Sources of findings, each rule in its one place:

* the record layout (kjh.statistik.layout: `Formatierung.satz_fehler`):
  every field fault of a record is hard;
* the record checks of the survey (kjh.statistik.pruefung: a running record
  with end fields, a duplicate record, a date outside the reporting year);
* the plausibility checks on the dbt models (kjh.quality.plausibilitaet,
  those with `statistik` = hart/weich), their failing rows restricted to the
  helps of this year's records. Only records of the reporting year count: a
  hard error of a help that ended in an earlier year blocks nothing now.

A finding is identified by (regel, hilfe_id, feld, wert): a confirmation
applies as long as the value is the same (kjh.statistik.bestaetigungen).
"""
from dataclasses import asdict, dataclass

import pandas as pd

from kjh.quality.rules import HART, WEICH
from kjh.statistik.layout import Formatierung

__all__ = ["HART", "WEICH", "Befund", "aus_plausibilitaet", "aus_satzbeschreibung", "aus_saetzen", "hart",
           "offen", "plausi_zeilen", "zusammenfassen"]

_LAYOUT_KORREKTUR = {
    "Pflichtfeld leer": "Merkmal im Fachverfahren erfassen",
    "Wert hat keinen Schlüssel in der Satzbeschreibung":
        "Wert hat keinen Schlüssel der Statistik: im Fachverfahren einen Wert der Codeliste wählen",
    "steht nicht in der Codeliste des Feldes": "im Fachverfahren einen Wert der Codeliste wählen",
}


@dataclass(frozen=True)
class Befund:
    erhebung: str            # HZE | VSM
    hilfe_id: str | None
    lfd_nr: int | None       # running number of the record in this delivery
    feld: str                # layout field or contract column concerned
    wert: str | None         # the value as exported (never a personal value)
    regel: str               # the check's stable name
    klasse: str              # hart | weich
    was_tun: str             # what to correct in the case system, or what to confirm

    @property
    def schluessel(self) -> tuple:
        return (self.regel, self.hilfe_id or "", self.feld, self.wert or "")

    def as_dict(self) -> dict:
        return asdict(self)


def _lfd(frame: pd.DataFrame) -> dict[str, int]:
    if frame.empty:
        return {}
    return {str(h): int(n) for h, n in zip(frame["hilfe_id"], frame["lfd_nr"])}


def aus_satzbeschreibung(erhebung: str, frame: pd.DataFrame, ergebnis: Formatierung, regel: str) -> list[Befund]:
    """Every field fault of a record (code outside the list, mandatory field empty, unmappable value): hard."""
    out = []
    for satz, fehler in zip(frame.itertuples(index=False), ergebnis.satz_fehler):
        for feld, grund, wert in fehler:
            out.append(Befund(erhebung, str(satz.hilfe_id), int(satz.lfd_nr), feld, wert, regel, HART,
                              f"{grund}: {_LAYOUT_KORREKTUR.get(grund, 'im Fachverfahren korrigieren')}."))
    return out


def aus_saetzen(erhebung: str, frame: pd.DataFrame, regel: str, maske: pd.Series, feld: str, wert_spalte: str | None,
                was_tun: str) -> list[Befund]:
    """One hard finding per record where `maske` holds (the survey's record checks)."""
    if frame.empty or not bool(maske.any()):
        return []
    out = []
    for satz in frame[maske.astype(bool)].itertuples(index=False):
        wert = getattr(satz, wert_spalte) if wert_spalte else None
        out.append(Befund(erhebung, str(satz.hilfe_id), int(satz.lfd_nr), feld,
                          None if wert is None or wert != wert else str(wert), regel, HART, was_tun))
    return out


def plausi_zeilen(con, pruefungen) -> list[tuple]:
    """(check, its failing rows) of every plausibility check that carries a statistics class.

    The checks run on the dbt models of the warehouse, which stand on the same
    inputs as a new delivery (kjh run builds them first). Computed once per
    run, whatever the number of offices."""
    from kjh.quality.sql_pruefungen import fehlerzeilen

    return [(p, fehlerzeilen(con, p)) for p in pruefungen if p.statistik in (HART, WEICH)]


def aus_plausibilitaet(zeilen: list[tuple], saetze: dict[str, pd.DataFrame]) -> list[Befund]:
    """The failing rows of the plausibility checks (plausi_zeilen) that are helps of this year's records.

    `saetze`: erhebung -> records (with hilfe_id, lfd_nr)."""
    lfd = {e: _lfd(f) for e, f in saetze.items()}
    out = []
    for p, rows in zeilen:
        for zeile in rows:
            hilfe_id = str(zeile.get("hilfe_id"))
            for erhebung, nummern in lfd.items():
                if hilfe_id in nummern:
                    wert = zeile.get(p.statistik_feld) if p.statistik_feld else None
                    out.append(Befund(erhebung, hilfe_id, nummern[hilfe_id], p.statistik_feld or "",
                                      None if wert is None else str(wert), p.name, p.statistik, p.statistik_hinweis))
    return out


def hart(befunde: list[Befund]) -> list[Befund]:
    return [b for b in befunde if b.klasse == HART]


def offen(befunde: list[Befund], bestaetigt: set[tuple]) -> list[Befund]:
    """The findings still to work on: every hard one, and the soft ones not confirmed."""
    return [b for b in befunde if b.klasse == HART or b.schluessel not in bestaetigt]


def zusammenfassen(befunde: list[Befund]) -> list[Befund]:
    """One finding once: duplicates (same record, rule, field and value) removed, in a stable order."""
    seen, out = set(), []
    for b in sorted(befunde, key=lambda b: (b.klasse != HART, b.erhebung, b.lfd_nr or 0, b.regel, b.feld)):
        key = (b.erhebung, b.lfd_nr, b.regel, b.feld, b.wert)
        if key not in seen:
            seen.add(key)
            out.append(b)
    return out
