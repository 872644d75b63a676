"""Make a statutory delivery, or reproduce a recorded one byte for byte.

    erstellen(con, out, berichtsjahr)   -> Ergebnis   (writes audit.statistik_lieferungen)
    reproduzieren(con, id, out)         -> Ergebnis   (reads only; compares sha256)

A delivery for reporting year Y consists of, in <out>/<Y>/:
    HZE_<kennnummer>_<Y>.txt / _datml.xml     erzieherische Hilfen, § 35a, § 41
    VSM_<kennnummer>_<Y>.txt / _datml.xml     § 42 (vorläufige Schutzmaßnahmen)
    TEIL4_<kennnummer>_<Y>.txt / _datml.xml   Teil IV, Einzelhilfen
    PRUEFBERICHT_<kennnummer>_<Y>.md          checks, reconciliation, missing Merkmale
When an ERROR check fails the delivery is withheld: only the validation report
is written (earlier delivery files of that year in the folder are removed, so
nobody uploads them by mistake; they stay reproducible from their record).

The bytes depend only on what is recorded: the raw history as of the
recorded inputs, the layout files (by sha256), the office identification and
Art-der-Hilfe codes stored in `eingaben`, the delivery id and created_at.
"""
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from kjh.statistik import audit, pruefbericht, pruefung
from kjh.statistik.audit import GELIEFERT, ZURUECKGEHALTEN, Eintrag
from kjh.statistik.datml import datml_bytes
from kjh.statistik.eingaben import Eingaben, EingabenFehlen, ermitteln, pruefe_vorhanden
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


class KannNichtErstellen(RuntimeError):
    """No delivery can be made or reproduced (one line for the clerk)."""


@dataclass
class Ergebnis:
    """What happened; `kjh statistik`, the Dagster asset and the summary read this."""
    berichtsjahr: int | None
    status: str                       # geliefert | zurueckgehalten | nicht_erstellt
    meldung: str
    statistik_lieferung_id: int | None = None
    neu: bool = True                  # False: an identical earlier delivery was written again
    ordner: Path | None = None
    dateien: list[dict] = field(default_factory=list)        # datei, sha256, bytes, saetze
    zurueckgehalten_wegen: list[str] = field(default_factory=list)
    pruefungen: list[dict] = field(default_factory=list)     # as in pruefung.Ergebnis.as_dict
    abweichend: list[str] = field(default_factory=list)      # reproduce: files whose sha256 differs

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
    pruefergebnisse: dict              # erhebung -> layout.Pruefergebnis


def _formatieren(eingaben: Eingaben, layouts: dict[str, Layout], saetze: Saetze) -> _Formatiert:
    kontext = {"meldestelle": eingaben.meldestelle, "berichtsjahr": eingaben.berichtsjahr}
    teil4 = teil4_positionen(saetze.teil4)
    frames = {"HZE": saetze.hze, "VSM": saetze.vsm, "TEIL4": teil4}
    return _Formatiert(saetze, teil4, {e: pruefe_und_formatiere(layouts[e], _records(frames[e]), kontext)
                                       for e in ERHEBUNGEN})


def _dateien(eingaben: Eingaben, layouts: dict[str, Layout], f: _Formatiert, *, lieferung_id: int,
             created_at: dt.datetime, status: str, meldung: str, pruefung_json: dict) -> list[tuple[str, bytes, int]]:
    """All files of a delivery, in order: (name, bytes, records). The one place files are made."""
    kenn = eingaben.kennnummer
    out = []
    if status == GELIEFERT:
        for e in ERHEBUNGEN:
            lay, pe = layouts[e], f.pruefergebnisse[e]
            out.append((dateiname(lay.dateiname, kenn, eingaben.berichtsjahr), fixed_width_bytes(lay, pe.zeilen),
                        len(pe.zeilen)))
            out.append((dateiname(lay.datml_name, kenn, eingaben.berichtsjahr),
                        datml_bytes(lay, pe.werte, meldestelle=eingaben.meldestelle, kennnummer=kenn,
                                    berichtsjahr=eingaben.berichtsjahr, lieferung_id=lieferung_id,
                                    created_at=created_at), len(pe.werte)))
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


def _pruefen(con, eingaben: Eingaben, f: _Formatiert) -> tuple[list[pruefung.Ergebnis], dict]:
    s = f.saetze
    ergebnisse = pruefung.pruefe_qualitaet(con, eingaben)
    ergebnisse.append(pruefung.pruefe_vollstaendig(eingaben))
    counts = {"HZE": len(s.hze), "VSM": len(s.vsm), "TEIL4": len(f.teil4)}
    for e in ERHEBUNGEN:
        ergebnisse.append(pruefung.pruefe_satzbeschreibung(SATZBESCHREIBUNG_CHECK[e], e, f.pruefergebnisse[e], counts[e]))
    ergebnisse.append(pruefung.pruefe_laufend_ohne_ende(s))
    ergebnisse.append(pruefung.pruefe_doppelt(s, f.teil4))
    ergebnisse.append(pruefung.pruefe_daten(s, eingaben.berichtsjahr))
    fall, fall_zeilen = pruefung.abgleich_fallzahlen(con, eingaben, s)
    geld, geld_zeilen = pruefung.abgleich_ausgaben(con, eingaben, s)
    ergebnisse += [fall, geld, pruefung.pruefe_merkmale(s)]
    order = {p.name: i for i, p in enumerate(pruefung.PRUEFUNGEN)}
    ergebnisse.sort(key=lambda e: order[e.name])
    return ergebnisse, {"saetze": counts, "abgleich_fallzahlen": fall_zeilen, "abgleich_ausgaben": geld_zeilen}


def _meldung(status: str, wegen: list[str], ergebnisse: list[pruefung.Ergebnis], counts: dict) -> str:
    if status == ZURUECKGEHALTEN:
        gruende = [e.meldung for e in ergebnisse if not e.bestanden and e.schweregrad == pruefung.ERROR]
        return "Zurückgehalten wegen " + ", ".join(wegen) + ": " + " ".join(gruende)
    n = {k: f"{v:,}".replace(",", ".") for k, v in counts.items()}
    return (f"Alle ERROR-Prüfungen bestanden: {n['HZE']} HZE-Sätze, {n['VSM']} § 42-Sätze, "
            f"{n['TEIL4']} Teil-IV-Positionen; Abgleich mit den Marts stimmt.")


def _layout_version(layouts: dict[str, Layout]) -> str:
    return ", ".join(f"{lay.erhebung} {lay.version}" for lay in layouts.values())


def erstellen(con, out: Path, berichtsjahr: int | None = None, *, lauf_id: str | None = None,
              jetzt: dt.datetime | None = None, blockiert_durch: list[dict] | None = None) -> Ergebnis:
    """A new delivery from the newest accepted inputs; the caller holds the writer lock.

    blockiert_durch: ERROR checks that failed outside (e.g. Dagster stopped the
    run before the export): the delivery is recorded as withheld with them,
    without computing records.
    Raises KannNichtErstellen when no delivery is due (year not complete, no data).
    """
    audit.ensure_table(con)
    try:
        # through JSON once: the delivery is made from exactly what is recorded
        eingaben = Eingaben.from_json(ermitteln(con, berichtsjahr).as_json())
        layouts = _layouts(eingaben.berichtsjahr)
    except (EingabenFehlen, LayoutError) as exc:
        raise KannNichtErstellen(str(exc)) from None
    eingaben.qualitaet = pruefung.qualitaet_lauf(con, lauf_id)

    if blockiert_durch:
        ergebnisse = [pruefung.Ergebnis(
            "eingaben_qualitaet", False,
            "Der Lauf hat den Export nicht gebaut, weil blockierende Prüfungen der Eingaben fehlschlugen: "
            + ", ".join(b["name"] for b in blockiert_durch) + ".", anzahl=len(blockiert_durch), details=blockiert_durch)]
        formatiert, extra = None, {"saetze": {}, "abgleich_fallzahlen": [], "abgleich_ausgaben": []}
        wegen = [b["name"] for b in blockiert_durch]
    else:
        saetze = Datenstand(con, eingaben).saetze()
        formatiert = _formatieren(eingaben, layouts, saetze)
        ergebnisse, extra = _pruefen(con, eingaben, formatiert)
        wegen = [e.name for e in ergebnisse if not e.bestanden and e.schweregrad == pruefung.ERROR]
        if any(e.name == "eingaben_qualitaet" and not e.bestanden for e in ergebnisse):
            wegen += [d["pruefung"] for e in ergebnisse if e.name == "eingaben_qualitaet" for d in e.details]
    status = ZURUECKGEHALTEN if wegen else GELIEFERT
    meldung = _meldung(status, wegen, ergebnisse, extra["saetze"]) if formatiert else \
        "Zurückgehalten wegen " + ", ".join(wegen) + ": " + ergebnisse[0].meldung
    pruefung_json = json.loads(json.dumps({"ergebnisse": [e.as_dict() for e in ergebnisse], **extra},
                                          ensure_ascii=False, default=str))

    # The same inputs again: no second record, the files of the first are written again.
    frueher = _gleiche_lieferung(con, eingaben, layouts, status, meldung)
    if frueher is not None:
        ergebnis = reproduzieren(con, frueher.statistik_lieferung_id, out)
        ergebnis.neu = False
        ergebnis.pruefungen = pruefung_json["ergebnisse"]
        return ergebnis

    lieferung_id = audit.naechste_id(con)
    created_at = (jetzt or dt.datetime.now()).replace(microsecond=0)
    ordner = Path(out) / str(eingaben.berichtsjahr)
    if formatiert is None:
        dateien = [(pruefbericht.DATEINAME.format(kennnummer=eingaben.kennnummer, berichtsjahr=eingaben.berichtsjahr),
                    pruefbericht.render(lieferung_id=lieferung_id, created_at=created_at, status=status,
                                        meldung=meldung, eingaben=eingaben, layouts=layouts, pruefung=pruefung_json,
                                        dateien=[]), 0)]
    else:
        dateien = _dateien(eingaben, layouts, formatiert, lieferung_id=lieferung_id, created_at=created_at,
                           status=status, meldung=meldung, pruefung_json=pruefung_json)
    _schreiben(ordner, dateien, _alle_dateinamen(eingaben, layouts))
    beschreibung = [{"datei": n, "sha256": _sha(b), "bytes": len(b), "saetze": k} for n, b, k in dateien]
    audit.schreiben(con, Eintrag(
        statistik_lieferung_id=lieferung_id, berichtsjahr=eingaben.berichtsjahr,
        layout_version=_layout_version(layouts), layouts=[lay.as_record() for lay in layouts.values()],
        eingaben=eingaben.as_json(), ausgaben=beschreibung, pruefung=pruefung_json, status=status, meldung=meldung,
        zurueckgehalten_wegen=wegen, created_at=created_at, lauf_id=lauf_id, ausgabe_ordner=str(ordner.resolve()),
    ))
    return Ergebnis(berichtsjahr=eingaben.berichtsjahr, status=status, meldung=meldung,
                    statistik_lieferung_id=lieferung_id, ordner=ordner, dateien=beschreibung,
                    zurueckgehalten_wegen=wegen, pruefungen=pruefung_json["ergebnisse"])


def _gleiche_lieferung(con, eingaben: Eingaben, layouts: dict[str, Layout], status: str, meldung: str) -> Eintrag | None:
    """The year's latest record, when this delivery would repeat it (same inputs, layouts and outcome)."""
    frueher = audit.alle(con, eingaben.berichtsjahr)
    if not frueher:
        return None
    e = frueher[-1]
    same = (Eingaben.from_json(e.eingaben).schluessel() == eingaben.schluessel()
            and e.layouts == [lay.as_record() for lay in layouts.values()] and e.status == status)
    if same and (status == GELIEFERT or e.meldung == meldung):
        return e
    return None


def reproduzieren(con, statistik_lieferung_id: int, out: Path) -> Ergebnis:
    """Writes a recorded delivery again from the raw history and compares every file's sha256."""
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
    ordner = Path(out) / str(e.berichtsjahr)
    if e.status == GELIEFERT:
        formatiert = _formatieren(eingaben, layouts, Datenstand(con, eingaben).saetze())
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
    return Ergebnis(berichtsjahr=e.berichtsjahr, status=e.status, meldung=meldung,
                    statistik_lieferung_id=e.statistik_lieferung_id, neu=False, ordner=ordner, dateien=beschreibung,
                    zurueckgehalten_wegen=e.zurueckgehalten_wegen, pruefungen=e.pruefung.get("ergebnisse", []),
                    abweichend=abweichend)
