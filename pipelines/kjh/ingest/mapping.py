"""Vendor mapping files: other column names, encodings, delimiters and formats.

Every vendor exports a little differently. A mapping file (YAML) says, for one
kind of export, how that vendor's files differ from the contract; see
sources/mappings/ for an example with every key explained.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from kjh.contract import load_contract


@dataclass(frozen=True)
class Mapping:
    art: str
    source: str = "Vertrag"
    dateiname_muster: str | None = None   # regex with a group `datum` for vendor file names
    dateiname_datumsformat: str = "%Y%m%d"
    kodierung: str = "auto"               # auto | utf-8 | windows-1252
    trennzeichen: str = ";"
    datumsformat: str = "%d.%m.%Y"
    dezimalzeichen: str = ","
    tausendertrennzeichen: str = "."
    spalten: dict[str, str] = field(default_factory=dict)  # vendor name (lower case) -> contract name
    # extra (non-contract) columns kept in raw.<art>.zusatzspalten: name (lower case) -> what it holds.
    # Every other extra column is dropped at ingestion (only its name is recorded).
    zusatzspalten_behalten: dict[str, str] = field(default_factory=dict)

    def match_name(self, name: str) -> date | None:
        if not self.dateiname_muster:
            return None
        m = re.fullmatch(self.dateiname_muster, name)
        if not m:
            return None
        try:
            return datetime.strptime(m.group("datum"), self.dateiname_datumsformat).date()
        except (IndexError, ValueError):
            return None

    def rename(self, header: str) -> str:
        return self.spalten.get(header, header)


def contract_default(art: str) -> Mapping:
    return Mapping(art=art)


class MappingError(ValueError):
    pass


def load_mapping(path: Path) -> Mapping:
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"Zuordnungsdatei {path} nicht lesbar: {exc}") from exc
    art = spec.get("art")
    if art not in load_contract().kinds:
        raise MappingError(f"Zuordnungsdatei {path}: 'art' muss eine Lieferart sein, nicht {art!r}")
    known = set(load_contract().kinds[art].column_names)
    spalten = {str(k).strip().lower(): str(v).strip().lower() for k, v in (spec.get("spalten") or {}).items()}
    unknown = sorted(set(spalten.values()) - known)
    if unknown:
        raise MappingError(f"Zuordnungsdatei {path}: Zielspalten {unknown} gibt es in '{art}' nicht")
    behalten = {}
    for k, v in (spec.get("zusatzspalten_behalten") or {}).items():
        name = str(k).strip().lower()
        if not isinstance(v, str) or not v.strip():
            raise MappingError(f"Zuordnungsdatei {path}: zusatzspalten_behalten: für „{name}“ angeben, was die "
                               "Spalte enthält (ein Satz; ohne Personenbezug)")
        if name in known or name in spalten:
            raise MappingError(f"Zuordnungsdatei {path}: zusatzspalten_behalten: „{name}“ ist eine Vertragsspalte")
        behalten[name] = v.strip()
    if spec.get("kodierung", "auto") not in ("auto", "utf-8", "windows-1252"):
        raise MappingError(f"Zuordnungsdatei {path}: kodierung muss auto, utf-8 oder windows-1252 sein")
    if len(str(spec.get("trennzeichen", ";"))) != 1:
        raise MappingError(f"Zuordnungsdatei {path}: trennzeichen muss genau ein Zeichen sein")
    return Mapping(
        art=art,
        source=str(path.name),
        dateiname_muster=spec.get("dateiname_muster"),
        dateiname_datumsformat=spec.get("dateiname_datumsformat", "%Y%m%d"),
        kodierung=spec.get("kodierung", "auto"),
        trennzeichen=str(spec.get("trennzeichen", ";")),
        datumsformat=spec.get("datumsformat", "%d.%m.%Y"),
        dezimalzeichen=str(spec.get("dezimalzeichen", ",")),
        tausendertrennzeichen=str(spec.get("tausendertrennzeichen", ".") or ""),
        spalten=spalten,
        zusatzspalten_behalten=behalten,
    )


def find_mappings(sources_dir: Path, extra: list[Path] = ()) -> list[Mapping]:
    """Mapping files given explicitly plus any *.mapping.yml in the sources folder."""
    paths = list(extra) + sorted(sources_dir.glob("*.mapping.yml"))
    return [load_mapping(p) for p in paths]
