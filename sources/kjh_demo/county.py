"""The demo county: Kreis Segeberg without Norderstedt, cut into three regions and six social spaces.

The cut is INVENTED: domain.md §7 proposes regions by Amt and marks them as
not verified; the six social spaces below split those regions along Amt
lines. A real office delivers its own `sozialraeume` file.
"""
import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from kjh_demo.dates import day

REFERENCE_CSV = Path(__file__).resolve().parents[1] / "reference" / "segeberg_gemeinden_2011.csv"

# Norderstedt is a town with its own youth office: outside the county office's scope.
OUT_OF_SCOPE = {"01060063"}

# region -> social space -> Ämter/amtsfreie Gemeinden (values of the CSV's amt_verwaltung).
# A social space is named after its main municipality.
REGIONS = {
    "Ostkreis": {
        "Bad Segeberg": ["Bad Segeberg, Stadt", "Amt Trave-Land"],
        "Wahlstedt": ["Wahlstedt, Stadt", "Leezen", "Itzstedt"],
    },
    "Nordkreis": {
        "Bad Bramstedt": ["Bad Bramstedt, Stadt", "Bad Bramstedt-Land (in Bad Bramstedt)"],
        "Bornhöved": ["Bornhöved", "Boostedt-Rickling"],
    },
    "Westkreis": {
        "Kaltenkirchen": ["Kaltenkirchen, Stadt", "Kaltenkirchen-Land (in Kaltenkirchen)", "Kisdorf (in Kattendorf)"],
        "Henstedt-Ulzburg": ["Henstedt-Ulzburg", "Ellerau"],
    },
}

# One small municipality changes social space (and region) by a newer
# `sozialraeume` file, so the warehouse must apply mappings by date.
MAPPING_CHANGE = {"gemeinde": "Hasenmoor", "sozialraum": "Bad Bramstedt", "gueltig_ab": date(2025, 1, 1)}


@dataclass(frozen=True)
class County:
    ags: list[str]  # municipalities in scope, in AGS order
    names: list[str]
    population_2011: np.ndarray
    is_town: np.ndarray  # Städte: higher help rates in the demo
    sozialraeume: list[str]
    region_of: dict[str, str]
    sozialraum_before: np.ndarray  # social space index per municipality, older mapping
    sozialraum_after: np.ndarray  # the same from change_day on
    change_day: int

    def sozialraum_at(self, municipality: np.ndarray, on: np.ndarray) -> np.ndarray:
        """Social space index of municipalities on given days (mapping in force then)."""
        return np.where(np.asarray(on) >= self.change_day,
                        self.sozialraum_after[municipality], self.sozialraum_before[municipality])


def load_county(first_year: int, stand: date) -> County:
    with REFERENCE_CSV.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter=";") if r["ags"] not in OUT_OF_SCOPE]
    rows.sort(key=lambda r: r["ags"])

    sozialraeume = [sr for spaces in REGIONS.values() for sr in spaces]
    region_of = {sr: region for region, spaces in REGIONS.items() for sr in spaces}
    sr_of_amt = {amt: i for i, sr in enumerate(sozialraeume) for amt in REGIONS[region_of[sr]][sr]}
    unassigned = sorted({r["amt_verwaltung"] for r in rows} - set(sr_of_amt))
    if unassigned:
        raise ValueError(f"no social space for Amt {unassigned} in {REFERENCE_CSV.name}")

    names = [r["gemeinde"] for r in rows]
    before = np.array([sr_of_amt[r["amt_verwaltung"]] for r in rows])
    after = before.copy()
    after[names.index(MAPPING_CHANGE["gemeinde"])] = sozialraeume.index(MAPPING_CHANGE["sozialraum"])

    # The change must fall inside the generated years; with other first_year/stand
    # it moves to the middle of the window instead of silently vanishing.
    change = MAPPING_CHANGE["gueltig_ab"]
    if not date(first_year, 1, 1) < change <= stand:
        change = date((first_year + stand.year + 1) // 2, 1, 1)

    return County(
        ags=[r["ags"] for r in rows],
        names=names,
        population_2011=np.array([int(r["einwohner_31_12_2011"]) for r in rows]),
        is_town=np.array([r["gemeindetyp"] == "Stadt" for r in rows]),
        sozialraeume=sozialraeume,
        region_of=region_of,
        sozialraum_before=before,
        sozialraum_after=after,
        change_day=day(change),
    )
