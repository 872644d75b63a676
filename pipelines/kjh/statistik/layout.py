"""Record layouts (Satzbeschreibungen) as data: load, check, apply.

A layout is a YAML file in sources/statistik/layouts/ (see hze_v2.yml for the
format). kjh takes every field's value from a record (a dict), maps contract
codes to the statistics' keys (`schluessel_aus`: the keys of a code list in
sources/contract/codelisten.yml, the one place for them; `schluessel` only for
values kjh derives itself; `klassen` for numbers), checks it against the field
(type, length, code list, required, `nur_wenn`) and only then writes the
fixed-width line. Nothing about a survey's fields is in the code.

The DatML/RAW identifiers (survey id ERHID, Merkmal names) are layout data
too; what is still kjh's placeholder rather than the delivery agreement's
value is listed by `platzhalter(layout, meldestelle)` for the check report.
"""
import copy
import functools
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from kjh.contract import load_contract
from kjh.paths import REPO_ROOT

STATISTIK_DIR = REPO_ROOT / "sources" / "statistik"
LAYOUT_DIR = STATISTIK_DIR / "layouts"

TYPEN = ("ALN", "NUM", "BETRAG")
ZEILENENDEN = {"crlf": "\r\n", "lf": "\n"}
MAX_BEISPIELE = 5
DATML_NAMENSRAUM = "http://www.destatis.de/schema/datml-raw/2.0/de"
SCHLUESSEL_ATTRIBUT = "statistik_code"   # default attribute of a codelisten.yml entry holding the key
# meldestelle.yml values that identify the office in DatML/RAW (from the delivery agreement)
MELDESTELLE_DATML = {"meldid": "Kennung des Absenders (MELDID)", "staid": "Kennung des Empfängers (STAID)"}


class LayoutError(ValueError):
    """A layout file that cannot be used (one line for the clerk)."""


@dataclass(frozen=True)
class Feld:
    name: str
    pos: int
    laenge: int
    typ: str
    pflicht: bool
    bezeichnung: str
    quelle: str | None = None
    konstante: str | None = None
    schluessel: dict | None = None   # contract value -> key of the statistics
    klassen: tuple = ()              # ((von, bis, key), ...) for numeric sources
    codeliste: dict | None = None    # allowed keys -> label
    nur_wenn: dict | None = None     # record column -> allowed values: otherwise the field stays blank
    mm: str | None = None            # Merkmal name in DatML/RAW (default: the field name)

    @property
    def merkmal(self) -> str:
        return self.mm or self.name

    @property
    def ende(self) -> int:
        return self.pos + self.laenge - 1

    @cached_property  # read for every value of every record: computed once per field
    def erlaubt(self) -> frozenset[str] | None:
        if self.codeliste is not None:
            return frozenset(self.codeliste)
        if self.schluessel is not None:
            return frozenset(self.schluessel.values())
        if self.klassen:
            return frozenset(k for _, _, k in self.klassen)
        return None


@dataclass(frozen=True)
class Layout:
    erhebung: str
    version: str
    gueltig_ab_berichtsjahr: int
    titel: str
    einheit: str
    dateiname: str
    kodierung: str
    zeilenende: str
    datml_name: str
    datml_erhebung: str
    felder: tuple[Feld, ...]
    nicht_im_vertrag: tuple[dict, ...]
    datei: str        # file name in sources/statistik/layouts
    sha256: str       # of the file's bytes
    datml_namensraum: str = DATML_NAMENSRAUM
    datml_hilfsmerkmale: tuple[tuple[str, str], ...] = ()   # (hmm name, quelle) once per message
    platzhalter_eintraege: tuple[dict, ...] = ()            # {wert, grund}: not yet from the delivery agreement
    schluessel_sha256: str = ""   # of the keys taken from codelisten.yml (they decide the bytes too)

    @cached_property
    def satzlaenge(self) -> int:
        return max(f.ende for f in self.felder)

    @property
    def felder_ohne_quelle(self) -> list[Feld]:
        return [f for f in self.felder if f.quelle is None and f.konstante is None]

    def as_record(self) -> dict:
        return {"erhebung": self.erhebung, "version": self.version, "datei": self.datei, "sha256": self.sha256,
                "schluessel_sha256": self.schluessel_sha256}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _str_keys(d: dict | None, what: str) -> dict | None:
    if d is None:
        return None
    out = {}
    for k, v in d.items():
        if isinstance(k, bool) or isinstance(v, bool):
            raise LayoutError(f"{what}: ja/nein-Werte in Anführungszeichen setzen (YAML liest sie sonst als true/false).")
        out[str(k)] = str(v)
    return out


def schluessel_aus_codelisten(listen, attribut: str = SCHLUESSEL_ATTRIBUT) -> dict[str, str]:
    """Contract code -> key of the statistics from sources/contract/codelisten.yml (the one place).

    A code whose entry has no key (null or missing) is left out: the field reports it as a value
    without key. A key "" means the field stays blank. Entries with `namen` (free-text spellings,
    e.g. the welfare association of a provider) map each spelling too."""
    codelisten = load_contract().codelisten
    out: dict[str, str] = {}
    for liste in [listen] if isinstance(listen, str) else list(listen):
        if liste not in codelisten:
            raise LayoutError(f"Codeliste {liste!r} gibt es in sources/contract/codelisten.yml nicht.")
        for code, entry in codelisten[liste].items():
            key = entry.get(attribut) if isinstance(entry, dict) else None
            if key is None:
                continue
            for name in [code, *(entry.get("namen") or [])]:
                out[str(name).strip().lower() if name != code else str(code)] = str(key)
    return out


def _schluessel(f: dict, where: str) -> tuple[dict | None, dict | None]:
    """(key map, what it was built from) of a field: `schluessel_aus` (codelisten.yml) or `schluessel`."""
    aus = f.get("schluessel_aus")
    if aus is not None and f.get("schluessel") is not None:
        raise LayoutError(f"{where}: entweder schluessel_aus (Codeliste des Vertrags) oder schluessel, nicht beides.")
    if aus is None:
        return _str_keys(f.get("schluessel"), where), None
    if isinstance(aus, dict):
        listen, attribut = aus["listen"], str(aus.get("attribut", SCHLUESSEL_ATTRIBUT))
    else:
        listen, attribut = aus, SCHLUESSEL_ATTRIBUT
    return schluessel_aus_codelisten(listen, attribut), {"listen": listen, "attribut": attribut}


@functools.lru_cache(maxsize=64)
def _yaml(data: bytes):
    """A layout file parsed once per content (a run reads each layout many times; YAML parsing is slow)."""
    return yaml.safe_load(data.decode("utf-8"))


def load_layout(path: Path) -> Layout:
    data = path.read_bytes()
    try:
        spec = copy.deepcopy(_yaml(data))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LayoutError(f"Satzbeschreibung {path.name} ist kein lesbares YAML: {exc}") from None
    where = f"Satzbeschreibung {path.name}"
    try:
        felder, verwendet = [], {}
        for f in spec["felder"]:
            name = str(f["name"])
            typ = str(f["typ"])
            if typ not in TYPEN:
                raise LayoutError(f"{where}, Feld {name}: Typ {typ!r} unbekannt (erlaubt: {', '.join(TYPEN)}).")
            klassen = tuple((int(k["von"]), int(k["bis"]), str(k["schluessel"])) for k in f.get("klassen") or ())
            schluessel, aus = _schluessel(f, f"{where}, Feld {name}")
            if aus is not None:
                verwendet[name] = schluessel
            nur_wenn = f.get("nur_wenn")
            if nur_wenn is not None:
                nur_wenn = {str(k): frozenset(str(x) for x in (v if isinstance(v, list) else [v]))
                            for k, v in nur_wenn.items()}
            felder.append(Feld(
                name=name, pos=int(f["pos"]), laenge=int(f["laenge"]), typ=typ, pflicht=bool(f.get("pflicht", False)),
                bezeichnung=str(f.get("bezeichnung", name)), quelle=f.get("quelle"),
                konstante=None if f.get("konstante") is None else str(f["konstante"]),
                schluessel=schluessel, klassen=klassen,
                codeliste=_str_keys(f.get("codeliste"), f"{where}, Feld {name}"),
                nur_wenn=nur_wenn, mm=None if f.get("mm") is None else str(f["mm"]),
            ))
        datml = spec["datml"]
        layout = Layout(
            erhebung=str(spec["erhebung"]), version=str(spec["version"]),
            gueltig_ab_berichtsjahr=int(spec["gueltig_ab_berichtsjahr"]),
            titel=str(spec.get("titel", spec["erhebung"])), einheit=str(spec.get("einheit", "")),
            dateiname=str(spec["datei"]["name"]), kodierung=str(spec["datei"].get("kodierung", "iso-8859-1")),
            zeilenende=ZEILENENDEN[str(spec["datei"].get("zeilenende", "crlf")).lower()],
            datml_name=str(datml["name"]), datml_erhebung=str(datml.get("erhebung", spec["erhebung"])),
            felder=tuple(sorted(felder, key=lambda x: x.pos)),
            nicht_im_vertrag=tuple(dict(m) for m in spec.get("nicht_im_vertrag") or ()),
            datei=path.name, sha256=_sha256(data),
            datml_namensraum=str(datml.get("namensraum", DATML_NAMENSRAUM)),
            datml_hilfsmerkmale=tuple((str(k), str(v)) for k, v in (datml.get("hilfsmerkmale") or {}).items()),
            platzhalter_eintraege=tuple(dict(p) for p in spec.get("platzhalter") or ()),
            schluessel_sha256=_sha256(json.dumps(verwendet, sort_keys=True, ensure_ascii=False).encode("utf-8")),
        )
    except LayoutError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise LayoutError(f"{where} ist unvollständig oder fehlerhaft: {exc!r}") from None
    _check_positions(layout, where)
    laenge = spec["datei"].get("satzlaenge")
    if laenge is not None and int(laenge) != layout.satzlaenge + len(layout.zeilenende):
        raise LayoutError(f"{where}: Satzlänge {laenge} angegeben, die Felder ergeben {layout.satzlaenge} Zeichen "
                          f"und {len(layout.zeilenende)} für das Zeilenende.")
    return layout


def _check_positions(layout: Layout, where: str) -> None:
    """Fields start at 1, follow each other without gap or overlap."""
    expected = 1
    names = set()
    for f in layout.felder:
        if f.name in names:
            raise LayoutError(f"{where}: Feld {f.name} doppelt.")
        names.add(f.name)
        if f.laenge < 1:
            raise LayoutError(f"{where}, Feld {f.name}: Länge muss mindestens 1 sein.")
        if f.pos != expected:
            raise LayoutError(f"{where}, Feld {f.name}: beginnt an Position {f.pos}, erwartet {expected} "
                              "(Lücke oder Überschneidung).")
        if f.konstante is not None and len(f.konstante) > f.laenge:
            raise LayoutError(f"{where}, Feld {f.name}: Konstante länger als das Feld.")
        expected = f.ende + 1
    "".encode(layout.kodierung)  # unknown encoding -> LookupError early
    for name in (layout.dateiname, layout.datml_name):
        if "/" in name or "\\" in name:
            raise LayoutError(f"{where}: Dateiname {name!r} darf keinen Ordner enthalten.")


def all_layouts(folder: Path | None = None) -> list[Layout]:
    return [load_layout(p) for p in sorted((folder or LAYOUT_DIR).glob("*.yml"))]


def layout_for(erhebung: str, berichtsjahr: int, folder: Path | None = None) -> Layout:
    """The layout in force for a reporting year: the highest gueltig_ab_berichtsjahr <= year."""
    folder = folder or LAYOUT_DIR
    candidates = [x for x in all_layouts(folder) if x.erhebung == erhebung and x.gueltig_ab_berichtsjahr <= berichtsjahr]
    if not candidates:
        raise LayoutError(f"Keine Satzbeschreibung für {erhebung} und Berichtsjahr {berichtsjahr} in {folder}.")
    candidates.sort(key=lambda x: (x.gueltig_ab_berichtsjahr, _version_key(x.version)))
    return candidates[-1]


def layout_recorded(recorded: dict, folder: Path | None = None) -> Layout:
    """The layout file a recorded delivery used; refuses when its content changed."""
    folder = folder or LAYOUT_DIR
    path = folder / recorded["datei"]
    if not path.is_file():
        raise LayoutError(
            f"Die Satzbeschreibung {recorded['datei']} ({recorded['erhebung']} Version {recorded['version']}) der "
            f"Lieferung gibt es in {folder} nicht mehr. Die alte Fassung (sha256 {recorded['sha256'][:12]}…) "
            "wieder als eigene Datei ablegen; neue Versionen immer als neue Datei anlegen.")
    layout = load_layout(path)
    if layout.sha256 != recorded["sha256"]:
        raise LayoutError(
            f"Die Satzbeschreibung {recorded['datei']} wurde seit der Lieferung geändert (sha256 damals "
            f"{recorded['sha256'][:12]}…, heute {layout.sha256[:12]}…): die Lieferung lässt sich damit nicht "
            "byte-gleich wiederholen. Die damalige Fassung aus der Versionsverwaltung als eigene Datei ablegen "
            "(neue Versionen immer als neue Datei).")
    damals = recorded.get("schluessel_sha256")
    if damals and layout.schluessel_sha256 != damals:
        raise LayoutError(
            f"Die Schlüssel, die {recorded['datei']} aus sources/contract/codelisten.yml nimmt, wurden seit der "
            f"Lieferung geändert (sha256 damals {damals[:12]}…, heute {layout.schluessel_sha256[:12]}…): die "
            "Lieferung lässt sich damit nicht byte-gleich wiederholen. Die damalige codelisten.yml aus der "
            "Versionsverwaltung wiederherstellen.")
    return layout


def platzhalter(layout: Layout, meldestelle: dict) -> list[str]:
    """The values a delivery with this layout and office still takes from kjh's placeholders rather than
    from the delivery agreement with the Landesamt (one line each, for the check report)."""
    out = [f"{layout.erhebung}: {p['wert']} – {p.get('grund', 'Platzhalter von kjh')}"
           for p in layout.platzhalter_eintraege]
    for key, was in MELDESTELLE_DATML.items():
        if _leer(meldestelle.get(key)):
            out.append(f"{layout.erhebung}: {was} fehlt in meldestelle.yml (`{key}`) – aus der Lieferabsprache "
                       "eintragen; bis dahin steht dort die Kennnummer.")
    nr = str(meldestelle.get("einrichtungs_nr") or "")
    if not nr.strip("0"):
        out.append(f"{layout.erhebung}: Einrichtungs-Nr. „{nr}“ in meldestelle.yml ist ein Platzhalter – die vom "
                   "Statistischen Landesamt zugeteilte Nummer eintragen.")
    return out


def _version_key(v: str):
    return tuple(int(p) if p.isdigit() else p for p in v.replace("-", ".").split("."))


# ------------------------------------------------------------------ values
@dataclass
class Fehler:
    """One kind of fault in one field, with the number of records, a few record numbers and a few of
    the distinct values. The reason never names the value, so one kind of fault is one line of the
    report however many values it has (100,000 running numbers too long for their field are one fault)."""
    feld: str
    bezeichnung: str
    grund: str
    anzahl: int = 0
    beispiele: list = field(default_factory=list)  # lfd_nr of the first records
    werte: list = field(default_factory=list)      # the first distinct values, as text

    def as_dict(self) -> dict:
        return {"feld": self.feld, "bezeichnung": self.bezeichnung, "grund": self.grund, "anzahl": self.anzahl,
                "beispiele": self.beispiele, "werte": self.werte}



def fehler_text(grund: str, werte: list, hoechstens: int = MAX_BEISPIELE) -> str:
    """A fault's reason with a few of its values: „länger als 5 Stellen, z. B. „100000“, „100001“"."""
    werte = list(werte)[:hoechstens]
    return grund + (", z. B. " + ", ".join(f"„{w}“" for w in werte) if werte else "")


def _quelle(feld: Feld, satz: dict, kontext: dict):
    if feld.konstante is not None:
        return feld.konstante
    if feld.quelle is None:
        return None
    if feld.quelle.startswith("meldestelle."):
        return kontext["meldestelle"].get(feld.quelle.split(".", 1)[1])
    if feld.quelle in kontext and feld.quelle not in satz:
        return kontext[feld.quelle]
    return satz.get(feld.quelle)


def _leer(v) -> bool:
    if v is None:
        return True
    try:
        if v != v:  # NaN / NA
            return True
    except TypeError:
        pass
    return isinstance(v, str) and v.strip() == ""


def wert(feld: Feld, satz: dict, kontext: dict) -> tuple[str | None, str | None]:
    """(value as the statistics key / number text, fault reason or None). None value = empty field."""
    if feld.nur_wenn is not None and not all(str(satz.get(k)) in werte for k, werte in feld.nur_wenn.items()):
        return None, None  # the rule says blank (e.g. end fields of a running help)
    v = _quelle(feld, satz, kontext)
    if _leer(v):
        return None, ("Pflichtfeld leer" if feld.pflicht else None)
    if feld.klassen:
        try:
            n = int(v)
        except (TypeError, ValueError):
            return None, "Wert ist keine Zahl"
        for von, bis, key in feld.klassen:
            if von <= n <= bis:
                return key, None
        return None, "Wert liegt in keiner Klasse der Satzbeschreibung"
    if feld.schluessel is not None:
        text = str(v).strip()
        key = feld.schluessel.get(text, feld.schluessel.get(text.lower()))
        if key is None:
            return None, "Wert hat keinen Schlüssel in der Satzbeschreibung"
        if key == "":
            return None, ("Pflichtfeld leer" if feld.pflicht else None)  # the statistics' blank ("unbekannt")
        return key, None
    if feld.typ in ("NUM", "BETRAG"):
        try:
            return str(int(v)), None
        except (TypeError, ValueError):
            return None, "Wert ist keine ganze Zahl"
    return str(v), None


def formatiere(feld: Feld, text: str | None, kodierung: str) -> tuple[str, str | None]:
    """The field's fixed-width text and a fault reason (type, length, code list)."""
    if text is None:
        return " " * feld.laenge, None
    if feld.typ == "NUM":
        if not text.isdigit() or not text.isascii():
            return " " * feld.laenge, "nicht numerisch"
        if len(text) > feld.laenge:
            return " " * feld.laenge, f"länger als {feld.laenge} Stellen"
        out = text.rjust(feld.laenge, "0")
    elif feld.typ == "BETRAG":
        sign = "-" if text.startswith("-") else "+"
        digits = text.lstrip("+-")
        if not digits.isdigit() or not digits.isascii():
            return " " * feld.laenge, "kein Betrag in Cent"
        if len(digits) > feld.laenge - 1:
            return " " * feld.laenge, f"Betrag mit mehr als {feld.laenge - 1} Stellen"
        out = sign + digits.rjust(feld.laenge - 1, "0")
    else:
        if len(text) > feld.laenge:
            return " " * feld.laenge, f"länger als {feld.laenge} Zeichen"
        if not text.isprintable():  # control characters, line breaks and tabs are not printable
            return " " * feld.laenge, "enthält Steuerzeichen"
        try:
            text.encode(kodierung)
        except UnicodeEncodeError:
            return " " * feld.laenge, f"in {kodierung} nicht darstellbar"
        out = text.ljust(feld.laenge, " ")
    erlaubt = feld.erlaubt
    if erlaubt is not None and text not in erlaubt:
        return out, "steht nicht in der Codeliste des Feldes"
    return out, None


@dataclass
class Formatierung:
    """The fixed-width lines and DatML values of all records, and the faults found."""
    zeilen: list[str]
    werte: list[list[tuple[str, str]]]  # per record: (field, value) of the non-empty fields
    fehler: list[Fehler]
    # per record (same order as the records): (field, reason, value as text or None) of each fault,
    # so that a fault is a fault of its record (the clerk's work list), not of the whole file
    satz_fehler: list[list[tuple[str, str, str | None]]] = field(default_factory=list)

    @property
    def fehlerfrei(self) -> bool:
        return not self.fehler

    @property
    def fehlerhafte_saetze(self) -> int:
        return sum(f.anzahl for f in self.fehler)


def pruefe_und_formatiere(layout: Layout, saetze: list[dict], kontext: dict) -> Formatierung:
    """Checks every record against the layout and builds its line (the only way lines are made)."""
    fehler: dict[tuple[str, str], Fehler] = {}
    zeilen, werte, satz_fehler = [], [], []
    for satz in saetze:
        teile, paare, eigene = [], [], []
        for feld in layout.felder:
            text, grund = wert(feld, satz, kontext)
            fixed, grund2 = formatiere(feld, text, layout.kodierung) if grund is None else (" " * feld.laenge, None)
            grund = grund or grund2
            if grund is not None:
                f = fehler.setdefault((feld.name, grund), Fehler(feld.name, feld.bezeichnung, grund))
                f.anzahl += 1
                if len(f.beispiele) < MAX_BEISPIELE:
                    f.beispiele.append(satz.get("lfd_nr"))
                v = text if text is not None else _quelle(feld, satz, kontext)
                if not _leer(v) and len(f.werte) < MAX_BEISPIELE and str(v) not in f.werte:
                    f.werte.append(str(v))
                eigene.append((feld.name, grund, None if _leer(v) else str(v)))
            teile.append(fixed)
            if text is not None:
                paare.append((feld.merkmal, {"ALN": fixed.rstrip(), "NUM": fixed}.get(feld.typ, text)))
        line = "".join(teile)
        assert len(line) == layout.satzlaenge, (layout.erhebung, len(line))
        zeilen.append(line)
        werte.append(paare)
        satz_fehler.append(eigene)
    return Formatierung(zeilen, werte, sorted(fehler.values(), key=lambda f: (f.feld, f.grund)), satz_fehler)


def fixed_width_bytes(layout: Layout, zeilen: list[str]) -> bytes:
    return "".join(z + layout.zeilenende for z in zeilen).encode(layout.kodierung)


def dateiname(muster: str, kennnummer: str, berichtsjahr: int) -> str:
    return muster.format(kennnummer=kennnummer, berichtsjahr=berichtsjahr)
