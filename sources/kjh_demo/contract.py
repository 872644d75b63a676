"""Column names and code lists, read from sources/contract/*.yml (the one place).

The demo reads the contract instead of copying it, so a changed contract
changes the demo files or makes the generator fail loudly.
"""
import functools
from pathlib import Path

import yaml

CONTRACT_DIR = Path(__file__).resolve().parents[1] / "contract"
DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml"


@functools.cache
def _yaml(name: str) -> dict:
    return yaml.safe_load((CONTRACT_DIR / name).read_text(encoding="utf-8"))


def columns(kind: str) -> list[str]:
    """Column names of one export kind, in contract order."""
    return list(_yaml("exports.yml")[kind]["columns"])


def codes(liste: str) -> list[str]:
    return [str(code) for code in _yaml("codelisten.yml")[liste]]


def hilfeart_mit(merkmal: str) -> str:
    """The one hilfeart carrying a flag of codelisten.yml (inobhutnahme, beratung, ...): no code in a rule."""
    (code,) = [c for c, v in _yaml("codelisten.yml")["hilfeart"].items() if v.get(merkmal)]
    return str(code)


def hilfearten_mit_statistik_code() -> list[str]:
    """The hilfearten of the HZE survey: those with an Art der Hilfe in the record layout."""
    return [str(c) for c, v in _yaml("codelisten.yml")["hilfeart"].items() if v.get("statistik_code")]


@functools.cache
def volljaehrig_ab() -> int:
    """The age of majority: the var volljaehrig_ab of dbt_project.yml, where kjh's rules read it."""
    return int(yaml.safe_load(DBT_PROJECT.read_text(encoding="utf-8"))["vars"]["volljaehrig_ab"])


def settings(liste: str) -> dict[str, str]:
    """code -> setting (ambulant, teilstationaer, stationaer, nach_ort) for hilfeart and ort_der_durchfuehrung."""
    return {str(code): entry["setting"] for code, entry in _yaml("codelisten.yml")[liste].items()}


def require_codes(liste: str, used: object) -> None:
    """Fail when the generator's assumptions name a code the contract does not know."""
    unknown = set(used) - set(codes(liste))
    if unknown:
        raise ValueError(f"kjh_demo uses codes not in codelisten.yml/{liste}: {sorted(unknown)}")
