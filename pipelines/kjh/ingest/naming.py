"""Which kind a delivered file is, and its export date, from its name."""
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kjh.contract import load_contract
from kjh.ingest.mapping import Mapping

# <kind>_<yyyymmdd>[_<anything>].csv (contract, "file name")
_CONTRACT_NAME = re.compile(r"^(?P<art>[a-z]+)_(?P<datum>\d{8})(?:_.*)?\.csv$", re.IGNORECASE)


@dataclass(frozen=True)
class Delivery:
    path: Path
    art: str | None          # None: the name matches no kind
    exportdatum: date | None
    mapping: Mapping | None = None

    @property
    def datei(self) -> str:
        return self.path.name


def classify(path: Path, mappings: list[Mapping]) -> Delivery:
    for mapping in mappings:
        hit = mapping.match_name(path.name)
        if hit is not None:
            return Delivery(path, mapping.art, hit, mapping)
    m = _CONTRACT_NAME.match(path.name)
    if m and m.group("art").lower() in load_contract().kinds:
        try:
            d = datetime.strptime(m.group("datum"), "%Y%m%d").date()
        except ValueError:
            return Delivery(path, None, None)
        art = m.group("art").lower()
        # a mapping without a name pattern applies to every file of its kind
        mapping = next((mp for mp in mappings if mp.art == art and not mp.dateiname_muster), None)
        return Delivery(path, art, d, mapping)
    return Delivery(path, None, None)


def discover(sources_dir: Path, mappings: list[Mapping]) -> list[Delivery]:
    """Every *.csv in the folder is a delivery, in load order then export date."""
    from kjh.contract import LOAD_ORDER

    found = [classify(p, mappings) for p in sorted(sources_dir.iterdir()) if p.is_file() and p.suffix.lower() == ".csv"]

    def order(d: Delivery):
        rank = LOAD_ORDER.index(d.art) if d.art else -1
        return (rank, d.exportdatum or date.min, d.datei)

    return sorted(found, key=order)


def unknown_name_message(name: str) -> str:
    kinds = ", ".join(load_contract().kinds)
    return (
        f"Dateiname '{name}' passt zu keiner Lieferart: erwartet <art>_<JJJJMMTT>[_…].csv "
        f"mit art = {kinds} (oder eine Zuordnungsdatei, die den Namen beschreibt)."
    )
