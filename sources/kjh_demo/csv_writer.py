"""German administrative CSV: `;`, decimal comma with thousands dots, dd.mm.yyyy.

Values are formatted column-wise from numpy arrays (lookup tables for dates
and codes) so that millions of bookings need no Python object per field
beyond the final string.
"""
import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kjh_demo import contract

_SWAP = str.maketrans(",.", ".,")


@dataclass(frozen=True)
class CsvFormat:
    """How one source system writes its files (source-exports.md allows all of these)."""

    encoding: str  # "utf-8", "utf-8-sig" (with BOM) or "cp1252"
    newline: str  # "\r\n" or "\n"


UTF8_LF = CsvFormat("utf-8", "\n")
UTF8_CRLF = CsvFormat("utf-8", "\r\n")
UTF8_BOM_CRLF = CsvFormat("utf-8-sig", "\r\n")
CP1252_CRLF = CsvFormat("cp1252", "\r\n")


def file_name(kind: str, stand_day: str) -> str:
    """`<kind>_<yyyymmdd>.csv`; stand_day is an ISO date."""
    return f"{kind}_{stand_day.replace('-', '')}.csv"


def dates(days: np.ndarray, empty: np.ndarray | None = None) -> np.ndarray:
    """dd.mm.yyyy strings; `empty` marks open/unknown dates (written as empty field)."""
    days = np.asarray(days, dtype="int64")
    if days.size == 0:
        return np.array([], dtype=object)
    lo, hi = int(days.min()), int(days.max())
    iso = np.datetime_as_string(np.arange(lo, hi + 1).astype("M8[D]"))
    lut = np.array([f"{s[8:10]}.{s[5:7]}.{s[0:4]}" for s in iso] + [""], dtype=object)
    idx = days - lo
    if empty is not None:
        idx = np.where(empty, len(lut) - 1, idx)
    return lut[idx]


def amounts(cents: np.ndarray) -> list[str]:
    """Cents to `-1.234,56` (decimal comma, thousands dots)."""
    return [f"{c / 100:,.2f}".translate(_SWAP) for c in np.asarray(cents, dtype="int64").tolist()]


def lookup(labels: list[str], idx: np.ndarray) -> np.ndarray:
    """Labels by index; index -1 gives an empty field."""
    lut = np.array(list(labels) + [""], dtype=object)
    return lut[np.asarray(idx)]


def numbered(prefix: str, numbers: np.ndarray, width: int) -> list[str]:
    return [f"{prefix}{n:0{width}d}" for n in np.asarray(numbers).tolist()]


class CsvFile:
    """One export file with the contract's header; rows are added column-wise."""

    def __init__(self, path: Path, kind: str, fmt: CsvFormat):
        self.path = path
        self.header = contract.columns(kind)
        self._fh = open(path, "w", encoding=fmt.encoding, newline="", buffering=1 << 20)
        # QUOTE_MINIMAL: `"` only around fields holding `;`, `"` or a line break.
        self._writer = csv.writer(
            self._fh, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator=fmt.newline
        )
        self._writer.writerow(self.header)
        self.rows = 0

    def write(self, columns: dict[str, object]) -> None:
        """Columns keyed by contract name; a missing or extra column is a bug, so it raises."""
        if set(columns) != set(self.header):
            differ = sorted(set(columns) ^ set(self.header))
            raise KeyError(f"{self.path.name}: columns {differ} do not match the contract")
        ordered = [columns[name] for name in self.header]
        self._writer.writerows(zip(*ordered, strict=True))
        self.rows += len(ordered[0])

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "CsvFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
