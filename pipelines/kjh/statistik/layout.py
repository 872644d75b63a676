"""Record layouts (Satzbeschreibungen) as data: load, check, apply.

A layout is a YAML file in sources/statistik/layouts/ (see hze_v1.yml for the
format). kjh takes every field's value from a record (a dict), maps contract
codes to the statistics' keys (`schluessel`, `klassen`), checks it against the
field (type, length, code list, required) and only then writes the
fixed-width line. Nothing about a survey's fields is in the code.
"""
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from kjh.paths import REPO_ROOT

STATISTIK_DIR = REPO_ROOT / "sources" / "statistik"
LAYOUT_DIR = STATISTIK_DIR / "layouts"

TYPEN = ("ALN", "NUM", "BETRAG")
ZEILENENDEN = {"crlf": "\r\n", "lf": "\n"}
MAX_BEISPIELE = 5


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

    @cached_property
    def satzlaenge(self) -> int:
        return max(f.ende for f in self.felder)

    @property
    def felder_ohne_quelle(self) -> list[Feld]:
        return [f for f in self.felder if f.quelle is None and f.konstante is None]

    def as_record(self) -> dict:
        return {"erhebung": self.erhebung, "version": self.version, "datei": self.datei, "sha256": self.sha256}


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


def load_layout(path: Path) -> Layout:
    data = path.read_bytes()
    try:
        spec = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LayoutError(f"Satzbeschreibung {path.name} ist kein lesbares YAML: {exc}") from None
    where = f"Satzbeschreibung {path.name}"
    try:
        felder = []
        for f in spec["felder"]:
            name = str(f["name"])
            typ = str(f["typ"])
            if typ not in TYPEN:
                raise LayoutError(f"{where}, Feld {name}: Typ {typ!r} unbekannt (erlaubt: {', '.join(TYPEN)}).")
            klassen = tuple((int(k["von"]), int(k["bis"]), str(k["schluessel"])) for k in f.get("klassen") or ())
            felder.append(Feld(
                name=name, pos=int(f["pos"]), laenge=int(f["laenge"]), typ=typ, pflicht=bool(f.get("pflicht", False)),
                bezeichnung=str(f.get("bezeichnung", name)), quelle=f.get("quelle"),
                konstante=None if f.get("konstante") is None else str(f["konstante"]),
                schluessel=_str_keys(f.get("schluessel"), f"{where}, Feld {name}"), klassen=klassen,
                codeliste=_str_keys(f.get("codeliste"), f"{where}, Feld {name}"),
            ))
        layout = Layout(
            erhebung=str(spec["erhebung"]), version=str(spec["version"]),
            gueltig_ab_berichtsjahr=int(spec.get("gueltig_ab_berichtsjahr", 0)),
            titel=str(spec.get("titel", spec["erhebung"])), einheit=str(spec.get("einheit", "")),
            dateiname=str(spec["datei"]["name"]), kodierung=str(spec["datei"].get("kodierung", "iso-8859-1")),
            zeilenende=ZEILENENDEN[str(spec["datei"].get("zeilenende", "crlf")).lower()],
            datml_name=str(spec["datml"]["name"]), datml_erhebung=str(spec["datml"].get("erhebung", spec["erhebung"])),
            felder=tuple(sorted(felder, key=lambda x: x.pos)),
            nicht_im_vertrag=tuple(dict(m) for m in spec.get("nicht_im_vertrag") or ()),
            datei=path.name, sha256=_sha256(data),
        )
    except LayoutError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise LayoutError(f"{where} ist unvollständig oder fehlerhaft: {exc!r}") from None
    _check_positions(layout, where)
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
    return layout


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
class Pruefergebnis:
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


def pruefe_und_formatiere(layout: Layout, saetze: list[dict], kontext: dict) -> Pruefergebnis:
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
                paare.append((feld.name, {"ALN": fixed.rstrip(), "NUM": fixed}.get(feld.typ, text)))
        line = "".join(teile)
        assert len(line) == layout.satzlaenge, (layout.erhebung, len(line))
        zeilen.append(line)
        werte.append(paare)
        satz_fehler.append(eigene)
    return Pruefergebnis(zeilen, werte, sorted(fehler.values(), key=lambda f: (f.feld, f.grund)), satz_fehler)


def fixed_width_bytes(layout: Layout, zeilen: list[str]) -> bytes:
    return "".join(z + layout.zeilenende for z in zeilen).encode(layout.kodierung)


def dateiname(muster: str, kennnummer: str, berichtsjahr: int) -> str:
    return muster.format(kennnummer=kennnummer, berichtsjahr=berichtsjahr)
