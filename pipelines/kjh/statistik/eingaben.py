"""What a delivery is made from, recorded so that it can be made again.

A delivery is computed from the raw HISTORY, never from the current tables:
the helps and providers as they stood on the export date of their newest
accepted delivery at creation time, and the bookings of the accepted
zahlungen deliveries at that time. Those dates, the deliveries (id, file,
sha256), the reporting office's identification and the Art-der-Hilfe codes
are recorded in audit.statistik_lieferungen.eingaben; a reproduction uses
exactly these, whatever was loaded or edited since.
"""
import datetime as dt
import json
from dataclasses import asdict, dataclass, field

import yaml

from kjh.contract import load_contract
from kjh.statistik.layout import STATISTIK_DIR

MELDESTELLE_DATEI = STATISTIK_DIR / "meldestelle.yml"
_MELDESTELLE_FELDER = {"land": 2, "regierungsbezirk": 1, "kreis": 2, "gemeinde": 3, "einrichtungs_nr": 6}


class EingabenFehlen(RuntimeError):
    """No delivery can be made (one line for the clerk)."""


def lade_meldestelle(path=None) -> dict:
    path = path or MELDESTELLE_DATEI
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise EingabenFehlen(f"Meldestelle {path} nicht lesbar: {exc}") from None
    out = {}
    for key, laenge in _MELDESTELLE_FELDER.items():
        value = spec.get(key)
        if value is None or not str(value).isdigit() or len(str(value)) != laenge:
            raise EingabenFehlen(f"Meldestelle {path.name}: „{key}“ muss aus {laenge} Ziffern bestehen "
                                 f"(in Anführungszeichen, z. B. \"{'0' * laenge}\"), ist {value!r}.")
        out[key] = str(value)
    out["name"] = str(spec.get("name", ""))
    out["empfaenger"] = str(spec.get("empfaenger", ""))
    # DatML/RAW identifiers from the delivery agreement (empty: still kjh's placeholders)
    out["meldid"] = str(spec.get("meldid") or "")
    out["staid"] = str(spec.get("staid") or "")
    return out


def meldestelle_fuer(amt: str, haupt: dict, path=None) -> dict:
    """The identification of office `amt` (8-digit Kennnummer) in a warehouse of several offices.

    meldestelle.yml describes the main office; further offices are listed under
    `jugendaemter:` (Kennnummer -> einrichtungs_nr, name). An office not listed
    gets its AGS parts from its Kennnummer and the placeholder Einrichtungs-Nr.
    000000, which the check report names as still to fill in."""
    if amt == kennnummer(haupt):
        return dict(haupt)
    path = path or MELDESTELLE_DATEI
    try:
        weitere = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("jugendaemter") or {}
    except (OSError, yaml.YAMLError):
        weitere = {}
    eintrag = weitere.get(amt) or weitere.get(int(amt) if amt.isdigit() else amt) or {}
    return {"land": amt[0:2], "regierungsbezirk": amt[2:3], "kreis": amt[3:5], "gemeinde": amt[5:8],
            "einrichtungs_nr": str(eintrag.get("einrichtungs_nr", "000000")),
            "name": str(eintrag.get("name", f"Jugendamt {amt}")), "empfaenger": haupt.get("empfaenger", ""),
            "meldid": str(eintrag.get("meldid", "")), "staid": haupt.get("staid", "")}


def kennnummer(meldestelle: dict) -> str:
    """The 8-digit AGS-based Kennnummer: Land + RegBez + Kreis + Gemeinde."""
    return meldestelle["land"] + meldestelle["regierungsbezirk"] + meldestelle["kreis"] + meldestelle["gemeinde"]


def hilfeart_codes() -> dict[str, str | None]:
    """Contract hilfeart -> Art der Hilfe (statistik_code) from sources/contract/codelisten.yml, the one place."""
    return {code: (v.get("statistik_code") if isinstance(v, dict) else None)
            for code, v in load_contract().codelisten["hilfeart"].items()}


@dataclass
class Eingaben:
    berichtsjahr: int
    stand_hilfen: dt.date
    stand_traeger: dt.date | None
    stand_zahlungen: dt.date | None
    lieferungen: list[dict]                 # lieferung_id, datei, art, exportdatum, sha256
    meldestelle: dict
    hilfeart_statistik_code: dict[str, str | None]
    qualitaet: dict = field(default_factory=dict)  # the quality run consulted: lauf_id, geprueft_am
    # Several offices in one warehouse (column `jugendamt` of hilfen/zahlungen): the Kennnummer of the
    # office this delivery is for, and that of meldestelle.yml, which rows without one belong to.
    # None: one office only (the records are not filtered).
    jugendamt: str | None = None
    jugendamt_standard: str | None = None

    def ids(self, art: str) -> list[int]:
        return [int(x["lieferung_id"]) for x in self.lieferungen if x["art"] == art]

    @property
    def kennnummer(self) -> str:
        return kennnummer(self.meldestelle)

    def as_json(self) -> str:
        d = asdict(self)
        for k in ("stand_hilfen", "stand_traeger", "stand_zahlungen"):
            d[k] = d[k].isoformat() if d[k] else None
        return json.dumps(d, ensure_ascii=False, sort_keys=True)

    def schluessel(self) -> str:
        """What makes two deliveries the same: everything but the quality run consulted."""
        d = json.loads(self.as_json())
        d.pop("qualitaet", None)
        return json.dumps(d, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Eingaben":
        d = json.loads(text)
        for k in ("stand_hilfen", "stand_traeger", "stand_zahlungen"):
            d[k] = dt.date.fromisoformat(d[k]) if d[k] else None
        return cls(**d)


def angenommene_lieferungen(con) -> list[dict]:
    rows = con.execute(
        """select lieferung_id, datei, art, exportdatum, sha256 from audit.lieferungen
           where status = 'angenommen' and art in ('hilfen', 'traeger', 'zahlungen')
           order by art, exportdatum, lieferung_id""").fetchall()
    return [{"lieferung_id": r[0], "datei": r[1], "art": r[2], "exportdatum": r[3].isoformat() if r[3] else None,
             "sha256": r[4]} for r in rows]


def letztes_abgeschlossenes_jahr(stand: dt.date) -> int:
    """The last calendar year complete on the export date (31.10.2026 -> 2025; 31.12.2025 -> 2025)."""
    return stand.year if (stand.month, stand.day) == (12, 31) else stand.year - 1


def ermitteln(con, berichtsjahr: int | None, meldestelle: dict | None = None) -> Eingaben:
    """The inputs of a new delivery: the newest accepted state at this moment."""
    lieferungen = angenommene_lieferungen(con)
    hilfen = [x for x in lieferungen if x["art"] == "hilfen"]
    if not hilfen:
        raise EingabenFehlen("Keine angenommene hilfen-Lieferung im Warehouse: erst Exporte laden (kjh run).")
    stand_hilfen = max(dt.date.fromisoformat(x["exportdatum"]) for x in hilfen)
    jahr = berichtsjahr or letztes_abgeschlossenes_jahr(stand_hilfen)
    if stand_hilfen < dt.date(jahr, 12, 31):
        raise EingabenFehlen(
            f"Berichtsjahr {jahr} ist noch nicht abgeschlossen: der neueste Hilfen-Export hat den Stand "
            f"{stand_hilfen:%d.%m.%Y}; die Lieferung braucht einen Stand ab dem 31.12.{jahr}.")

    def stand(art):
        dates = [dt.date.fromisoformat(x["exportdatum"]) for x in lieferungen if x["art"] == art]
        return max(dates) if dates else None

    return Eingaben(
        berichtsjahr=jahr, stand_hilfen=stand_hilfen, stand_traeger=stand("traeger"),
        stand_zahlungen=stand("zahlungen"), lieferungen=lieferungen,
        meldestelle=meldestelle or lade_meldestelle(), hilfeart_statistik_code=hilfeart_codes(),
    )


def pruefe_vorhanden(con, eingaben: Eingaben) -> None:
    """Refuses a reproduction when a recorded input delivery is gone or has another sha256."""
    known = {r[0]: r[1] for r in con.execute("select lieferung_id, sha256 from audit.lieferungen").fetchall()}
    for x in eingaben.lieferungen:
        sha = known.get(x["lieferung_id"])
        if sha is None:
            raise EingabenFehlen(f"Eingabe {x['datei']} (Lieferung {x['lieferung_id']}) fehlt in audit.lieferungen.")
        if sha != x["sha256"]:
            raise EingabenFehlen(f"Eingabe {x['datei']} (Lieferung {x['lieferung_id']}) hat heute eine andere "
                                 "sha256 als bei der Lieferung.")
