"""The input contract as data, read from sources/contract/*.yml (the one place)."""
import functools
from dataclasses import dataclass, field

import yaml

from kjh.paths import CONTRACT_DIR

# Reference files are loaded before the exports: an export's rows are checked
# against them (wohnort_ags against sozialraeume).
LOAD_ORDER = ("sozialraeume", "bevoelkerung", "budgets", "traeger", "hilfen", "zahlungen")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    personal: bool = False
    codeliste: str | None = None
    optional_column: bool = False  # the column itself may be absent from the file
    harmless: bool = False         # on the kind's `harmlos` list: its value may be shown (else masked)


@dataclass(frozen=True)
class ExportKind:
    name: str
    load: str  # "full" or "delta"
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    reference: bool = False
    datumsfolge: tuple[tuple[str, str], ...] = ()   # (start, end): end must not lie before start
    pflicht_wenn: dict[str, str] = field(default_factory=dict)  # column -> required when this one is set
    referenz: dict[str, str] = field(default_factory=dict)      # column -> "table.column" it must exist in

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if not c.optional_column]

    @property
    def harmless_columns(self) -> set[str]:
        return {c.name for c in self.columns if c.harmless}


@dataclass(frozen=True)
class Contract:
    kinds: dict[str, ExportKind]
    codelisten: dict[str, dict[str, object]] = field(default_factory=dict)

    def codes(self, liste: str) -> list[str]:
        return list(self.codelisten[liste].keys())

    def hilfearten_mit(self, merkmal: str) -> tuple[str, ...]:
        """The hilfeart codes carrying a flag of codelisten.yml (vor_geburt, beratung, je_familie, inobhutnahme)."""
        return tuple(code for code, v in self.codelisten["hilfeart"].items() if v.get(merkmal))

    def hilfeart_mit(self, merkmal: str) -> str:
        """The one hilfeart code carrying a flag that exactly one type has."""
        codes = self.hilfearten_mit(merkmal)
        if len(codes) != 1:
            raise ValueError(f"codelisten.yml: Merkmal {merkmal!r} bei {len(codes)} Hilfearten, erwartet genau eine")
        return codes[0]


@functools.cache
def load_contract() -> Contract:
    exports = yaml.safe_load((CONTRACT_DIR / "exports.yml").read_text(encoding="utf-8"))
    codelisten = yaml.safe_load((CONTRACT_DIR / "codelisten.yml").read_text(encoding="utf-8"))
    kinds = {}
    for name, spec in exports.items():
        unknown = set(spec.get("harmlos", ())) - set(spec["columns"])
        if unknown:
            raise ValueError(f"exports.yml, {name}: harmlos nennt unbekannte Spalten {sorted(unknown)}")
        columns = tuple(
            Column(
                name=col,
                type=c["type"],
                required=bool(c.get("required", False)),
                personal=bool(c.get("personal", False)),
                codeliste=c.get("codeliste"),
                optional_column=bool(c.get("optional_column", False)),
                harmless=col in spec.get("harmlos", ()),
            )
            for col, c in spec["columns"].items()
        )
        kinds[name] = ExportKind(
            name=name,
            load=spec["load"],
            key=tuple(spec["key"]),
            columns=columns,
            reference=bool(spec.get("reference", False)),
            datumsfolge=tuple(tuple(pair) for pair in spec.get("datumsfolge", [])),
            pflicht_wenn=dict(spec.get("pflicht_wenn", {})),
            referenz=dict(spec.get("referenz", {})),
        )
    codelisten = {k: {str(code): v for code, v in codes.items()} for k, codes in codelisten.items()}
    return Contract(kinds=kinds, codelisten=codelisten)
