"""Make the draft of a statutory delivery, release it, or reproduce a recorded one byte for byte.

    erstellen_alle(con, out, berichtsjahr) -> [Lieferergebnis]  the drafts (`kjh run`), one per office, as `entwurf`
    erstellen(con, out, berichtsjahr)   -> Lieferergebnis   the draft of one office (default: that of meldestelle.yml)
    freigeben(con, id, out)             -> Lieferergebnis   the final files of draft `id`, recorded as `freigegeben`
    reproduzieren(con, id, out)         -> Lieferergebnis   reads only; compares sha256

A draft for reporting year Y lands in <out>/<Y>/entwurf/:
    HZE_<kennnummer>_<Y>.txt / _datml.xml     every record without a hard error (running numbers kept)
    VSM_…, TEIL4_…                            likewise
    PRUEFBERICHT_<kennnummer>_<Y>.md          checks, findings, reconciliation, missing Merkmale
    ARBEITSLISTE_<kennnummer>_<Y>.csv/.html   the records that block (hard) or need confirming (soft)
The released delivery lands in <out>/<Y>/ (the same file names, every record)
and only when the draft has no hard error and every ERROR check of the year
passed. Records of earlier years are not part of year Y and block nothing.

Several offices in one warehouse (column `jugendamt` of hilfen and zahlungen;
empty = the office of meldestelle.yml): one delivery per office, with its own
running numbers (5 digits per office and survey), files named by its
Kennnummer, its own check report and work list. The reconciliation with the
marts, which know no office, is made over all offices together.

The bytes depend only on what is recorded: the raw history as of the recorded
inputs, the layout files (by sha256), the office identification and
Art-der-Hilfe codes stored in `eingaben`, the delivery id, created_at and (for
a draft) the running numbers kept out. The work list is not part of the
recorded files: it shows the confirmations as they are now.
"""
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from kjh.statistik import arbeitsliste, audit, befunde, bestaetigungen, pruefbericht, pruefung
from kjh.statistik.audit import ENTWURF, FREIGEGEBEN, ZURUECKGEHALTEN, Eintrag
from kjh.statistik.datml import datml_bytes
from kjh.statistik.eingaben import Eingaben, EingabenFehlen, ermitteln, meldestelle_fuer, pruefe_vorhanden
from kjh.statistik.layout import (
    Layout,
    LayoutError,
    dateiname,
    fixed_width_bytes,
    layout_for,
    layout_recorded,
    pruefe_und_formatiere,
)
from kjh.statistik.saetze import Datenstand, Saetze, teil4_positionen

ERHEBUNGEN = ("HZE", "VSM", "TEIL4")
SATZBESCHREIBUNG_CHECK = {"HZE": "hze_satzbeschreibung", "VSM": "vsm_satzbeschreibung",
                          "TEIL4": "teil4_satzbeschreibung"}
NICHT_ERSTELLT = "nicht_erstellt"
ENTWURF_ORDNER = "entwurf"


class KannNichtErstellen(RuntimeError):
    """No delivery can be made, released or reproduced (one line for the clerk)."""


@dataclass
class Lieferergebnis:
    """What happened; `kjh statistik`, the Dagster asset and the summary read this."""
    berichtsjahr: int | None
    status: str                       # entwurf | freigegeben | zurueckgehalten | nicht_erstellt
    meldung: str
    statistik_lieferung_id: int | None = None
    neu: bool = True                  # False: an identical earlier draft was written again
    ordner: Path | None = None
    dateien: list[dict] = field(default_factory=list)        # datei, sha256, bytes, saetze
    zurueckgehalten_wegen: list[str] = field(default_factory=list)  # failed ERROR checks: no release yet
    pruefungen: list[dict] = field(default_factory=list)     # as in pruefung.Lieferpruefung.as_dict
    abweichend: list[str] = field(default_factory=list)      # reproduce: files whose sha256 differs
    befunde: list[dict] = field(default_factory=list)        # the draft's findings (befunde.Befund.as_dict)
    offene_befunde: int = 0                                   # hard + unconfirmed soft
    harte_saetze: int = 0                                     # records kept out of the draft
    arbeitsliste: Path | None = None
    kennnummer: str | None = None                             # the office the delivery is for

    @property
    def pruefbericht(self) -> Path | None:
        for x in self.dateien:
            if x["datei"].startswith("PRUEFBERICHT_") and self.ordner is not None:
                return self.ordner / x["datei"]
        return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _layouts(berichtsjahr: int) -> dict[str, Layout]:
    return {e: layout_for(e, berichtsjahr) for e in ERHEBUNGEN}


def _records(df) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict("records")


@dataclass
class _Formatiert:
    saetze: Saetze
    teil4: object                      # DataFrame of the Teil IV records
    pruefergebnisse: dict              # erhebung -> layout.Formatierung


def _amt_spalte(df: pd.DataFrame, standard: str) -> pd.Series:
    if "jugendamt" not in df.columns:
        return pd.Series([standard] * len(df), index=df.index, dtype=object)
    return df["jugendamt"].where(df["jugendamt"].notna() & (df["jugendamt"].astype(str).str.strip() != ""),
                                 standard).astype(str)


def aemter(s: Saetze, standard: str) -> list[str]:
    """The offices with records or bookings in the year (the office of meldestelle.yml first)."""
    found = set()
    for df in (s.hze, s.vsm, s.teil4):
        found |= set(_amt_spalte(df, standard))
    return [standard] + sorted(found - {standard})


def _fuer_amt(s: Saetze, eingaben: Eingaben) -> Saetze:
    """The records of the delivery's office, numbered 1… per survey (all records with one office)."""
    if eingaben.jugendamt is None:
        return s
    standard = eingaben.jugendamt_standard or eingaben.jugendamt

    def mine(df: pd.DataFrame, nummern: bool) -> pd.DataFrame:
        out = df[(_amt_spalte(df, standard) == eingaben.jugendamt).to_numpy()].reset_index(drop=True)
        if nummern and "lfd_nr" in out.columns:
            out["lfd_nr"] = range(1, len(out) + 1)
        return out

    return Saetze(hze=mine(s.hze, True), vsm=mine(s.vsm, True), vsm_laufend=s.vsm_laufend,
                  teil4=mine(s.teil4, False), teil4_hilfen=mine(s.teil4_hilfen, False))


def saetze_der_lieferung(con, eingaben: Eingaben) -> Saetze:
    """The records of a recorded delivery: the raw history as of its inputs, its office's records."""
    return _fuer_amt(Datenstand(con, eingaben).saetze(), eingaben)


def _formatieren(eingaben: Eingaben, layouts: dict[str, Layout], saetze: Saetze) -> _Formatiert:
    kontext = {"meldestelle": eingaben.meldestelle, "berichtsjahr": eingaben.berichtsjahr}
    teil4 = teil4_positionen(saetze.teil4)
    frames = {"HZE": saetze.hze, "VSM": saetze.vsm, "TEIL4": teil4}
    return _Formatiert(saetze, teil4, {e: pruefe_und_formatiere(layouts[e], _records(frames[e]), kontext)
                                       for e in ERHEBUNGEN})


def _frame(f: _Formatiert, erhebung: str):
    return {"HZE": f.saetze.hze, "VSM": f.saetze.vsm, "TEIL4": f.teil4}[erhebung]


def _dateien(eingaben: Eingaben, layouts: dict[str, Layout], f: _Formatiert, *, lieferung_id: int,
             created_at: dt.datetime, status: str, meldung: str, pruefung_json: dict) -> list[tuple[str, bytes, int]]:
    """All files of a draft or a released delivery, in order: (name, bytes, records). The one place files are made.

    A draft leaves out the records listed in pruefung_json["ausgeschlossen"] (their hard errors)."""
    kenn = eingaben.kennnummer
    ausgeschlossen = {e: set(v) for e, v in (pruefung_json.get("ausgeschlossen") or {}).items()}
    out = []
    if status in (ENTWURF, FREIGEGEBEN):
        for e in ERHEBUNGEN:
            lay, pe = layouts[e], f.pruefergebnisse[e]
            raus = ausgeschlossen.get(e, set())
            nummern = list(_frame(f, e)["lfd_nr"]) if len(_frame(f, e)) else []
            behalten = [i for i, nr in enumerate(nummern) if int(nr) not in raus]
            zeilen = [pe.zeilen[i] for i in behalten]
            werte = [pe.werte[i] for i in behalten]
            out.append((dateiname(lay.dateiname, kenn, eingaben.berichtsjahr), fixed_width_bytes(lay, zeilen),
                        len(zeilen)))
            out.append((dateiname(lay.datml_name, kenn, eingaben.berichtsjahr),
                        datml_bytes(lay, werte, meldestelle=eingaben.meldestelle, kennnummer=kenn,
                                    berichtsjahr=eingaben.berichtsjahr, lieferung_id=lieferung_id,
                                    created_at=created_at), len(werte)))
    beschreibung = [{"datei": n, "sha256": _sha(b), "bytes": len(b), "saetze": k} for n, b, k in out]
    bericht = pruefbericht.render(lieferung_id=lieferung_id, created_at=created_at, status=status, meldung=meldung,
                                  eingaben=eingaben, layouts=layouts, pruefung=pruefung_json, dateien=beschreibung)
    name = pruefbericht.DATEINAME.format(kennnummer=kenn, berichtsjahr=eingaben.berichtsjahr)
    out.append((name, bericht, 0))
    return out


def _alle_dateinamen(eingaben: Eingaben, layouts: dict[str, Layout]) -> list[str]:
    names = []
    for lay in layouts.values():
        names += [dateiname(lay.dateiname, eingaben.kennnummer, eingaben.berichtsjahr),
                  dateiname(lay.datml_name, eingaben.kennnummer, eingaben.berichtsjahr)]
    return names


def _schreiben(ordner: Path, dateien: list[tuple[str, bytes, int]], entfernen: list[str]) -> None:
    """Each file complete or not at all (temp file + rename)."""
    ordner.mkdir(parents=True, exist_ok=True)
    for name, data, _ in dateien:
        tmp = ordner / f".{name}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, ordner / name)
    written = {n for n, _, _ in dateien}
    for name in entfernen:
        if name not in written and (ordner / name).exists():
            (ordner / name).unlink()


def _ordner(out: Path, jahr: int, status: str) -> Path:
    base = Path(out) / str(jahr)
    return base / ENTWURF_ORDNER if status in (ENTWURF, ZURUECKGEHALTEN) else base


def _befunde(eingaben: Eingaben, f: _Formatiert, plausi: list[tuple]) -> list[befunde.Befund]:
    """Every finding of this year's HZE and § 42 records (the one list the work list and the checks read)."""
    s = f.saetze
    out = []
    for e in ("HZE", "VSM"):
        out += befunde.aus_satzbeschreibung(e, _frame(f, e), f.pruefergebnisse[e], SATZBESCHREIBUNG_CHECK[e])
    out += pruefung.satz_befunde(s, eingaben.berichtsjahr)
    out += befunde.aus_plausibilitaet(plausi, {"HZE": s.hze, "VSM": s.vsm})
    return befunde.zusammenfassen(out)


def _pruefen(con, eingaben: Eingaben, f: _Formatiert, alle_befunde: list, bestaetigt: set, alle_saetze: Saetze
             ) -> tuple[list[pruefung.Lieferpruefung], dict]:
    """The checks of one office's delivery; the reconciliation with the marts over `alle_saetze` (all offices)."""
    s = f.saetze
    ergebnisse = pruefung.pruefe_qualitaet(con, eingaben)
    ergebnisse.append(pruefung.pruefe_vollstaendig(eingaben))
    counts = {"HZE": len(s.hze), "VSM": len(s.vsm), "TEIL4": len(f.teil4)}
    for e in ERHEBUNGEN:
        ergebnisse.append(pruefung.pruefe_satzbeschreibung(SATZBESCHREIBUNG_CHECK[e], e, f.pruefergebnisse[e], counts[e]))
    for name in pruefung.SATZPRUEFUNGEN:
        ergebnisse.append(pruefung.pruefe_saetze(name, s, eingaben.berichtsjahr))
    for name in ("plausibilitaet_saetze", "weiche_befunde_bestaetigt"):
        ergebnisse.append(pruefung.pruefe_befunde(name, alle_befunde, bestaetigt))
    fall, fall_zeilen = pruefung.abgleich_fallzahlen(con, eingaben, alle_saetze)
    geld, geld_zeilen = pruefung.abgleich_ausgaben(con, eingaben, alle_saetze)
    ergebnisse += [fall, geld, pruefung.pruefe_merkmale(s)]
    order = {p.name: i for i, p in enumerate(pruefung.PRUEFUNGEN)}
    ergebnisse.sort(key=lambda e: order[e.name])
    ausgeschlossen: dict[str, list[int]] = {}
    for b in befunde.hart(alle_befunde):
        ausgeschlossen.setdefault(b.erhebung, [])
        if b.lfd_nr not in ausgeschlossen[b.erhebung]:
            ausgeschlossen[b.erhebung].append(b.lfd_nr)
    return ergebnisse, {"saetze": counts, "abgleich_fallzahlen": fall_zeilen, "abgleich_ausgaben": geld_zeilen,
                        "befunde": [b.as_dict() for b in alle_befunde],
                        "ausgeschlossen": {k: sorted(v) for k, v in sorted(ausgeschlossen.items())}}


def _n(v: int) -> str:
    return f"{v:,}".replace(",", ".")


def _meldung(wegen: list[str], ergebnisse: list[pruefung.Lieferpruefung], extra: dict) -> str:
    counts = extra["saetze"]
    raus = sum(len(v) for v in extra["ausgeschlossen"].values())
    saetze = f"{_n(counts['HZE'])} HZE-Sätze, {_n(counts['VSM'])} § 42-Sätze, {_n(counts['TEIL4'])} Teil-IV-Positionen"
    if not wegen:
        return f"Entwurf ohne harte Fehler: {saetze}; Abgleich mit den Marts stimmt. Bereit zur Freigabe."
    datei = [e for e in ergebnisse if not e.bestanden and e.schweregrad == pruefung.ERROR
             and pruefung.DEFINITION[e.name].ebene == pruefung.DATEI]
    text = f"Entwurf: {saetze}"
    if raus:
        text += f"; {_n(raus)} Sätze mit harten Fehlern fehlen im Entwurf (Arbeitsliste)"
    if datei:
        text += ". Die Lieferung als Ganzes: " + " ".join(e.meldung for e in datei)
    return text + ". Freigabe erst nach Korrektur: " + ", ".join(wegen) + "."


def _wegen(ergebnisse: list[pruefung.Lieferpruefung]) -> list[str]:
    wegen = [e.name for e in ergebnisse if not e.bestanden and e.schweregrad == pruefung.ERROR]
    if "eingaben_qualitaet" in wegen:
        wegen += [d["pruefung"] for e in ergebnisse if e.name == "eingaben_qualitaet" for d in e.details]
    return wegen


def _layout_version(layouts: dict[str, Layout]) -> str:
    return ", ".join(f"{lay.erhebung} {lay.version}" for lay in layouts.values())


def _vorbereiten(con, berichtsjahr: int | None, lauf_id: str | None) -> tuple[Eingaben, dict[str, Layout]]:
    audit.ensure_table(con)
    try:
        # through JSON once: the delivery is made from exactly what is recorded
        eingaben = Eingaben.from_json(ermitteln(con, berichtsjahr).as_json())
        layouts = _layouts(eingaben.berichtsjahr)
    except (EingabenFehlen, LayoutError) as exc:
        raise KannNichtErstellen(str(exc)) from None
    eingaben.qualitaet = pruefung.qualitaet_lauf(con, lauf_id)
    return eingaben, layouts


def erstellen_alle(con, out: Path, berichtsjahr: int | None = None, *, lauf_id: str | None = None,
                   jetzt: dt.datetime | None = None, blockiert_durch: list[dict] | None = None) -> list[Lieferergebnis]:
    """The drafts of the year's delivery from the newest accepted inputs, one per office; the caller holds
    the writer lock.

    Always writes every record it can build (those without a hard error), the
    validation report and the work list. blockiert_durch: ERROR checks that
    failed outside (Dagster stopped the run before the export): recorded as
    withheld with them, without records.
    Raises KannNichtErstellen when no delivery is due (year not complete, no data).
    """
    basis, layouts = _vorbereiten(con, berichtsjahr, lauf_id)
    if blockiert_durch:
        return [_zurueckgehalten(con, out, basis, layouts, blockiert_durch, lauf_id, jetzt)]
    from kjh.quality.plausibilitaet import PRUEFUNGEN as PLAUSI

    alle = Datenstand(con, basis).saetze()
    plausi = befunde.plausi_zeilen(con, PLAUSI)
    bestaetigt = bestaetigungen.bestaetigt(con)
    standard = basis.kennnummer
    liste = aemter(alle, standard)
    ergebnisse = []
    for amt in liste:
        eingaben = basis if len(liste) == 1 else replace(
            basis, jugendamt=amt, jugendamt_standard=standard, meldestelle=meldestelle_fuer(amt, basis.meldestelle))
        ergebnisse.append(_entwurf(con, out, eingaben, layouts, _fuer_amt(alle, eingaben), alle, plausi, bestaetigt,
                                   lauf_id, jetzt))
    return ergebnisse


def erstellen(con, out: Path, berichtsjahr: int | None = None, *, jugendamt: str | None = None,
              lauf_id: str | None = None, jetzt: dt.datetime | None = None,
              blockiert_durch: list[dict] | None = None) -> Lieferergebnis:
    """The draft of one office (default: the office of meldestelle.yml); see erstellen_alle."""
    ergebnisse = erstellen_alle(con, out, berichtsjahr, lauf_id=lauf_id, jetzt=jetzt, blockiert_durch=blockiert_durch)
    if jugendamt is None:
        return ergebnisse[0]
    for e in ergebnisse:
        if e.kennnummer == jugendamt:
            return e
    raise KannNichtErstellen(f"Keine Sätze des Jugendamts {jugendamt} im Berichtsjahr.")


def _zurueckgehalten(con, out: Path, eingaben: Eingaben, layouts: dict[str, Layout], blockiert_durch: list[dict],
                     lauf_id: str | None, jetzt: dt.datetime | None) -> Lieferergebnis:
    ergebnisse = [pruefung.Lieferpruefung(
        "eingaben_qualitaet", False,
        "Der Lauf hat den Export nicht gebaut, weil blockierende Prüfungen der Eingaben fehlschlugen: "
        + ", ".join(b["name"] for b in blockiert_durch) + ".", anzahl=len(blockiert_durch), details=blockiert_durch)]
    wegen = [b["name"] for b in blockiert_durch]
    meldung = "Zurückgehalten wegen " + ", ".join(wegen) + ": " + ergebnisse[0].meldung
    pruefung_json = json.loads(json.dumps({"ergebnisse": [e.as_dict() for e in ergebnisse], "saetze": {},
                                           "abgleich_fallzahlen": [], "abgleich_ausgaben": []},
                                          ensure_ascii=False, default=str))
    return _verzeichnen(con, out, eingaben, layouts, None, ZURUECKGEHALTEN, meldung, wegen, pruefung_json, set(),
                        lauf_id, jetzt)


def _entwurf(con, out: Path, eingaben: Eingaben, layouts: dict[str, Layout], saetze: Saetze, alle: Saetze,
             plausi: list[tuple], bestaetigt: set, lauf_id: str | None, jetzt: dt.datetime | None) -> Lieferergebnis:
    formatiert = _formatieren(eingaben, layouts, saetze)
    alle_befunde = _befunde(eingaben, formatiert, plausi)
    ergebnisse, extra = _pruefen(con, eingaben, formatiert, alle_befunde, bestaetigt, alle)
    wegen = _wegen(ergebnisse)
    meldung = _meldung(wegen, ergebnisse, extra)
    pruefung_json = json.loads(json.dumps({"ergebnisse": [e.as_dict() for e in ergebnisse], **extra},
                                          ensure_ascii=False, default=str))
    return _verzeichnen(con, out, eingaben, layouts, formatiert, ENTWURF, meldung, wegen, pruefung_json, bestaetigt,
                        lauf_id, jetzt)


def _verzeichnen(con, out: Path, eingaben: Eingaben, layouts: dict[str, Layout], formatiert: _Formatiert | None,
                 status: str, meldung: str, wegen: list[str], pruefung_json: dict, bestaetigt: set,
                 lauf_id: str | None, jetzt: dt.datetime | None) -> Lieferergebnis:
    """Writes the files and the audit record (or, for the same inputs again, the earlier record's files)."""
    frueher = _gleiche_lieferung(con, eingaben, layouts, status, meldung, pruefung_json)
    if frueher is not None:
        ergebnis = reproduzieren(con, frueher.statistik_lieferung_id, out, formatiert=formatiert)
        ergebnis.neu = False
        ergebnis.meldung = meldung
        ergebnis.pruefungen = pruefung_json["ergebnisse"]
    else:
        lieferung_id = audit.naechste_id(con)
        created_at = (jetzt or dt.datetime.now()).replace(microsecond=0)
        ordner = _ordner(out, eingaben.berichtsjahr, status)
        if formatiert is None:
            dateien = [(pruefbericht.DATEINAME.format(kennnummer=eingaben.kennnummer,
                                                      berichtsjahr=eingaben.berichtsjahr),
                        pruefbericht.render(lieferung_id=lieferung_id, created_at=created_at, status=status,
                                            meldung=meldung, eingaben=eingaben, layouts=layouts,
                                            pruefung=pruefung_json, dateien=[]), 0)]
        else:
            dateien = _dateien(eingaben, layouts, formatiert, lieferung_id=lieferung_id, created_at=created_at,
                               status=status, meldung=meldung, pruefung_json=pruefung_json)
        _schreiben(ordner, dateien, _alle_dateinamen(eingaben, layouts))
        beschreibung = [{"datei": n, "sha256": _sha(b), "bytes": len(b), "saetze": k} for n, b, k in dateien]
        audit.schreiben(con, Eintrag(
            statistik_lieferung_id=lieferung_id, berichtsjahr=eingaben.berichtsjahr,
            layout_version=_layout_version(layouts), layouts=[lay.as_record() for lay in layouts.values()],
            eingaben=eingaben.as_json(), ausgaben=beschreibung, pruefung=pruefung_json, status=status,
            meldung=meldung, zurueckgehalten_wegen=wegen, created_at=created_at, lauf_id=lauf_id,
            ausgabe_ordner=str(ordner.resolve()),
        ))
        ergebnis = Lieferergebnis(berichtsjahr=eingaben.berichtsjahr, status=status, meldung=meldung,
                            statistik_lieferung_id=lieferung_id, ordner=ordner, dateien=beschreibung,
                            zurueckgehalten_wegen=wegen, pruefungen=pruefung_json["ergebnisse"])
    ergebnis.kennnummer = eingaben.kennnummer
    _mit_arbeitsliste(ergebnis, eingaben, pruefung_json, bestaetigt)
    return ergebnis


def _mit_arbeitsliste(ergebnis: Lieferergebnis, eingaben: Eingaben, pruefung_json: dict, bestaetigt: set) -> None:
    """The draft's findings, and the work list beside its files (as the confirmations stand now)."""
    alle = [befunde.Befund(**b) for b in pruefung_json.get("befunde", [])]
    ergebnis.befunde = [b.as_dict() for b in alle]
    offen = befunde.offen(alle, bestaetigt)
    ergebnis.offene_befunde = len(offen)
    ergebnis.harte_saetze = sum(len(v) for v in (pruefung_json.get("ausgeschlossen") or {}).values())
    if ergebnis.ordner is not None and ergebnis.status == ENTWURF:
        ergebnis.arbeitsliste = arbeitsliste.schreiben(ergebnis.ordner, eingaben.kennnummer, eingaben.berichtsjahr,
                                                       alle, bestaetigt)


def _gleiche_lieferung(con, eingaben: Eingaben, layouts: dict[str, Layout], status: str, meldung: str,
                       pruefung_json: dict) -> Eintrag | None:
    """The year's latest draft, when this one would repeat it (same inputs, layouts, findings and outcome)."""
    frueher = [e for e in audit.alle(con, eingaben.berichtsjahr) if e.status != FREIGEGEBEN
               and Eingaben.from_json(e.eingaben).kennnummer == eingaben.kennnummer]
    if not frueher:
        return None
    e = frueher[-1]
    same = (Eingaben.from_json(e.eingaben).schluessel() == eingaben.schluessel()
            and e.layouts == [lay.as_record() for lay in layouts.values()] and e.status == status
            and e.pruefung.get("ausgeschlossen") == pruefung_json.get("ausgeschlossen"))
    if same and e.meldung == meldung:
        return e
    return None


def freigeben(con, entwurf_id: int, out: Path, *, jetzt: dt.datetime | None = None, wer: str | None = None
              ) -> Lieferergebnis:
    """Writes the final files of draft `entwurf_id` and records them, when nothing blocks its release.

    Refused (KannNichtErstellen) when the draft is unknown, not a draft, not
    made from the newest inputs any more, or has a failed ERROR check (a hard
    error in a record of its year, or of the delivery as a whole)."""
    e = audit.lesen(con, entwurf_id)
    if e is None:
        raise KannNichtErstellen(f"Entwurf Nr. {entwurf_id} ist nicht verzeichnet (audit.statistik_lieferungen).")
    if e.status != ENTWURF:
        raise KannNichtErstellen(f"Nr. {entwurf_id} ist kein Entwurf (Status {e.status}); freigegeben wird ein "
                                 "Entwurf aus kjh run.")
    if e.zurueckgehalten_wegen:
        raise KannNichtErstellen(
            f"Entwurf Nr. {entwurf_id} ({e.berichtsjahr}) hat noch harte Fehler: {', '.join(e.zurueckgehalten_wegen)}. "
            "Im Fachverfahren korrigieren (Arbeitsliste im Ordner entwurf/), neu exportieren, kjh run ausführen und "
            "den neuen Entwurf freigeben.")
    eingaben = Eingaben.from_json(e.eingaben)
    try:
        neueste = ermitteln(con, e.berichtsjahr)
    except EingabenFehlen as exc:
        raise KannNichtErstellen(str(exc)) from None
    if eingaben.jugendamt is not None:  # one of several offices: compare with that office's inputs of today
        neueste = replace(neueste, jugendamt=eingaben.jugendamt, jugendamt_standard=neueste.kennnummer,
                          meldestelle=meldestelle_fuer(eingaben.jugendamt, neueste.meldestelle))
    if neueste.schluessel() != eingaben.schluessel():
        raise KannNichtErstellen(f"Entwurf Nr. {entwurf_id} ist nicht mehr aktuell: seitdem sind neuere Exporte "
                                 "geladen. kjh run ausführen und den neuen Entwurf freigeben.")
    try:
        layouts = {x["erhebung"]: layout_recorded(x) for x in e.layouts}
    except LayoutError as exc:
        raise KannNichtErstellen(f"Entwurf Nr. {entwurf_id}: {exc}") from None
    freigabe = [x for x in audit.alle(con, e.berichtsjahr) if x.status == FREIGEGEBEN
                and x.pruefung.get("entwurf_id") == entwurf_id]
    if freigabe:
        ergebnis = reproduzieren(con, freigabe[-1].statistik_lieferung_id, out)
        ergebnis.neu = False
        ergebnis.meldung = (f"Entwurf Nr. {entwurf_id} ist schon als Nr. {freigabe[-1].statistik_lieferung_id} "
                            "freigegeben; die Dateien sind erneut geschrieben.")
        return ergebnis

    lieferung_id = audit.naechste_id(con)
    created_at = (jetzt or dt.datetime.now()).replace(microsecond=0)
    wer = (wer or bestaetigungen.wer_default()).strip() or "unbekannt"
    pruefung_json = {**e.pruefung, "entwurf_id": entwurf_id, "ausgeschlossen": {},
                     "freigegeben": {"wer": wer, "am": created_at.isoformat()}}
    formatiert = _formatieren(eingaben, layouts, saetze_der_lieferung(con, eingaben))
    counts = {x: len(_frame(formatiert, x)) for x in ERHEBUNGEN}
    meldung = (f"Freigegeben von {wer} aus Entwurf Nr. {entwurf_id}: {_n(counts['HZE'])} HZE-Sätze, "
               f"{_n(counts['VSM'])} § 42-Sätze, {_n(counts['TEIL4'])} Teil-IV-Positionen.")
    ordner = _ordner(out, e.berichtsjahr, FREIGEGEBEN)
    dateien = _dateien(eingaben, layouts, formatiert, lieferung_id=lieferung_id, created_at=created_at,
                       status=FREIGEGEBEN, meldung=meldung, pruefung_json=pruefung_json)
    _schreiben(ordner, dateien, _alle_dateinamen(eingaben, layouts))
    beschreibung = [{"datei": n, "sha256": _sha(b), "bytes": len(b), "saetze": k} for n, b, k in dateien]
    audit.schreiben(con, Eintrag(
        statistik_lieferung_id=lieferung_id, berichtsjahr=e.berichtsjahr, layout_version=e.layout_version,
        layouts=e.layouts, eingaben=e.eingaben, ausgaben=beschreibung, pruefung=pruefung_json, status=FREIGEGEBEN,
        meldung=meldung, zurueckgehalten_wegen=[], created_at=created_at, lauf_id=None,
        ausgabe_ordner=str(ordner.resolve()),
    ))
    return Lieferergebnis(berichtsjahr=e.berichtsjahr, status=FREIGEGEBEN, meldung=meldung,
                    statistik_lieferung_id=lieferung_id, ordner=ordner, dateien=beschreibung,
                    pruefungen=pruefung_json.get("ergebnisse", []))


def reproduzieren(con, statistik_lieferung_id: int, out: Path, *, formatiert: _Formatiert | None = None
                  ) -> Lieferergebnis:
    """Writes a recorded draft or release again from the raw history and compares every file's sha256.

    `formatiert`: the records of these very inputs, formatted in this run already (a run that repeats the
    latest draft), so they are not derived a second time."""
    e = audit.lesen(con, statistik_lieferung_id)
    if e is None:
        raise KannNichtErstellen(f"Statistik-Lieferung Nr. {statistik_lieferung_id} ist nicht verzeichnet "
                                 "(audit.statistik_lieferungen).")
    eingaben = Eingaben.from_json(e.eingaben)
    try:
        layouts = {x["erhebung"]: layout_recorded(x) for x in e.layouts}
        pruefe_vorhanden(con, eingaben)
    except (LayoutError, EingabenFehlen) as exc:
        raise KannNichtErstellen(f"Lieferung Nr. {statistik_lieferung_id} nicht wiederholbar: {exc}") from None
    ordner = _ordner(out, e.berichtsjahr, e.status)
    if e.status in (ENTWURF, FREIGEGEBEN):
        formatiert = formatiert or _formatieren(eingaben, layouts, saetze_der_lieferung(con, eingaben))
        dateien = _dateien(eingaben, layouts, formatiert, lieferung_id=e.statistik_lieferung_id,
                           created_at=e.created_at, status=e.status, meldung=e.meldung, pruefung_json=e.pruefung)
    else:
        dateien = [(pruefbericht.DATEINAME.format(kennnummer=eingaben.kennnummer, berichtsjahr=e.berichtsjahr),
                    pruefbericht.render(lieferung_id=e.statistik_lieferung_id, created_at=e.created_at,
                                        status=e.status, meldung=e.meldung, eingaben=eingaben, layouts=layouts,
                                        pruefung=e.pruefung, dateien=[]), 0)]
    _schreiben(ordner, dateien, _alle_dateinamen(eingaben, layouts))
    beschreibung = [{"datei": n, "sha256": _sha(b), "bytes": len(b), "saetze": k} for n, b, k in dateien]
    recorded = {x["datei"]: x["sha256"] for x in e.ausgaben}
    written = {x["datei"]: x["sha256"] for x in beschreibung}
    abweichend = sorted(n for n in set(recorded) | set(written) if recorded.get(n) != written.get(n))
    meldung = (f"Lieferung Nr. {e.statistik_lieferung_id} ({e.berichtsjahr}) byte-gleich wiederholt: "
               f"{len(written)} Dateien, sha256 wie verzeichnet." if not abweichend else
               f"Lieferung Nr. {e.statistik_lieferung_id}: {len(abweichend)} Datei(en) weichen von der verzeichneten "
               f"sha256 ab: {', '.join(abweichend)}.")
    return Lieferergebnis(berichtsjahr=e.berichtsjahr, status=e.status, meldung=meldung,
                    statistik_lieferung_id=e.statistik_lieferung_id, neu=False, ordner=ordner, dateien=beschreibung,
                    zurueckgehalten_wegen=e.zurueckgehalten_wegen, pruefungen=e.pruefung.get("ergebnisse", []),
                    abweichend=abweichend)


def neuester_entwurf(con, berichtsjahr: int | None = None) -> Eintrag | None:
    """The latest draft (of a year), whose findings a confirmation refers to."""
    entwuerfe = [e for e in audit.alle(con, berichtsjahr) if e.status == ENTWURF]
    return entwuerfe[-1] if entwuerfe else None
