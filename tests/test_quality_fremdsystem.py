"""Every quality check on exports "from another case system" (tests/fremdsystem.py):
exactly the injected faults, none more; what the exports cannot show is counted
apart; and two runs on the same files leave every table outside `audit` identical.

The pipeline runs as a user runs it (`kjh run`, the whole Dagster job), twice, each
into a fresh warehouse (about a minute each).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from kjh.defs.plausibilitaet import ALLE_PRUEFUNGEN
from kjh.quality.grenzen import BEFUNDE_FREMDDATEN, GRENZEN, grenze
from kjh.quality.suites import SUITES
from tests.conftest import TEST_KEY, table_fingerprints
from tests.fremdsystem import schreibe_exporte

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

ALLE_NAMEN = {p.name for art in SUITES for p in SUITES[art]().pruefungen} | {p.name for p in ALLE_PRUEFUNGEN}



def _kjh_run(exporte: Path, ziel: Path) -> Path:
    env = {**os.environ, "KJH_HOME": str(ziel / "home"), "DAGSTER_HOME": str(ziel / "dagster"),
           "KJH_PSEUDONYM_KEY": TEST_KEY.decode()}
    (ziel / "dagster").mkdir(parents=True, exist_ok=True)
    for var in ("KJH_SOURCES", "KJH_WAREHOUSE", "KJH_REPORTS", "KJH_YEAR", "KJH_MAPPINGS", "KJH_INTERN",
                "KJH_PSEUDONYM_KEY_FILE"):
        env.pop(var, None)
    warehouse = ziel / "warehouse.duckdb"
    r = subprocess.run([str(Path(sys.executable).with_name("kjh")), "run", "--sources", str(exporte),
                        "--warehouse", str(warehouse), "--reports", str(ziel / "berichte"), "--intern"],
                       env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return warehouse


@pytest.fixture(scope="module")
def fremd(tmp_path_factory) -> dict:
    basis = tmp_path_factory.mktemp("fremdsystem")
    fehler = schreibe_exporte(basis / "exporte")
    warehouse = _kjh_run(basis / "exporte", basis / "lauf1")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        spalten = ["pruefung", "schweregrad", "bestanden", "fehlerhafte_zeilen", "geprueft_zeilen",
                   "nicht_pruefbar_zeilen", "je_sozialraum_jahr", "befunde", "beispiele", "meldung"]
        zeilen = {r[0]: dict(zip(spalten, r)) for r in con.execute(
            f"select {', '.join(spalten)} from audit.pruefergebnisse").fetchall()}
    finally:
        con.close()
    return {"basis": basis, "fehler": fehler, "warehouse": warehouse, "ergebnisse": zeilen,
            "berichte": basis / "lauf1" / "berichte"}


def test_every_check_runs_and_raises_exactly_the_injected_faults(fremd):
    ergebnisse = fremd["ergebnisse"]
    assert set(ergebnisse) == ALLE_NAMEN
    gefunden = {n: r["fehlerhafte_zeilen"] for n, r in ergebnisse.items()}
    erwartet = {n: fremd["fehler"].erwartet.get(n, 0) for n in gefunden}
    assert {n: v for n, v in gefunden.items() if v} == {n: v for n, v in erwartet.items() if v}
    assert gefunden == erwartet
    # and every fault was injected for one check only: one finding, reported once
    assert sum(erwartet.values()) == sum(fremd["fehler"].erwartet.values())


def test_what_the_exports_cannot_show_is_counted_apart_and_never_flagged(fremd):
    e = fremd["ergebnisse"]
    # bookings before the only delivered agreement of the yearly renewed providers
    assert e["finanz.traeger_ausserhalb_vereinbarung"]["nicht_pruefbar_zeilen"] > 1000
    assert e["finanz.tagessatz_abweichung"]["nicht_pruefbar_zeilen"] > 500
    # bookings 2021-2023: years before the first year of population and budgets (4 social spaces x 3 years)
    assert e["bevoelkerung.je_buchungsjahr"]["nicht_pruefbar_zeilen"] == 12
    assert e["budgets.je_buchungsjahr"]["nicht_pruefbar_zeilen"] == 12
    # 2022 against the half year 2021 for each social space, and Nord/Mitte in 2024 and 2025 (the move)
    assert e["plausi.vorjahr_nettoausgaben"]["nicht_pruefbar_zeilen"] >= 4 + 4
    assert e["plausi.vorjahr_fallzahlen"]["nicht_pruefbar_zeilen"] == 4
    for name in ("finanz.traeger_ausserhalb_vereinbarung", "finanz.tagessatz_abweichung"):
        assert "nicht prüfbar" in GRENZEN[name].sieht_nicht


def test_rates_billed_by_days_or_as_30_42_day_months_are_a_statistic_not_suspects(fremd):
    info = fremd["ergebnisse"]["finanz.tagessatz_verteilung"]
    assert info["schweregrad"] == "INFO" and info["bestanden"] and info["fehlerhafte_zeilen"] == 0
    verteilung = {v["abrechnung"]: v["leistungszeitraeume"] for v in json.loads(info["beispiele"])}
    assert verteilung["Tagessatz × Kalendertage"] > 0
    assert verteilung["Tagessatz × 30,42 je Monat"] > 0
    assert verteilung["bis 10 % darunter (z. B. Abwesenheitstage)"] > 0  # absence days: not flagged
    assert verteilung["über dem Höchstbetrag"] == 1  # the one finding of finanz.tagessatz_abweichung
    assert "Kalendertage" in info["meldung"]


def test_findings_per_social_space_and_year_with_ids_and_every_row(fremd):
    e = fremd["ergebnisse"]
    assert json.loads(e["finanz.traeger_ausserhalb_vereinbarung"]["je_sozialraum_jahr"]) == [["West", 2026, 4]]
    assert json.loads(e["plausi.vorjahr_nettoausgaben"]["je_sozialraum_jahr"]) == [["Süd", 2025, 1]]
    befunde = json.loads(e["finanz.traeger_ausserhalb_vereinbarung"]["befunde"])
    assert len(befunde) == 4 and {b["hilfe_id"] for b in befunde} == {"FX-VEREINBARUNG"}
    assert all(b["buchung_id"] and b["sozialraum"] == "West" for b in befunde)
    satz = json.loads(e["finanz.tagessatz_abweichung"]["befunde"])
    # 400 € above rate × 30.42 is 298.56 € above the most the rate allows in March: rate × 31 days
    assert satz[0]["buchung_id"] == "BFX-SATZ-202603"
    assert satz[0]["abweichung"] == pytest.approx(5720.46 - 31 * 174.90)


def test_every_check_says_how_far_to_trust_it(fremd):
    for name in ALLE_NAMEN:
        g = grenze(name)
        assert g.vergleicht and g.sieht_nicht, name
    # the counts the quality page and the README show are the counts of this data set
    for name, r in fremd["ergebnisse"].items():
        assert BEFUNDE_FREMDDATEN.get(name, 0) == r["fehlerhafte_zeilen"], name
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name in GRENZEN:
        assert f"`{name}`" in readme, name


def test_quality_page_explains_each_check_and_links_every_finding(fremd):
    seite = (fremd["berichte"] / "qualitaet.html").read_text(encoding="utf-8")
    assert "nicht prüfbar" in seite and "unabhängigen Testdaten" in seite
    assert "FX-VEREINBARUNG" in seite  # kjh run writes the internal version for the office
    csv = fremd["berichte"] / "qualitaet" / "befunde" / "finanz.traeger_ausserhalb_vereinbarung.csv"
    assert 'href="qualitaet/befunde/finanz.traeger_ausserhalb_vereinbarung.csv"' in seite
    zeilen = csv.read_text(encoding="utf-8").splitlines()
    assert len(zeilen) == 1 + 4 and zeilen[0].startswith("buchung_id;")
    for verboten in ("person_id", "fall_id", "geburtsdatum", "pseudonym", "FP-"):
        assert verboten not in csv.read_text(encoding="utf-8")


def test_two_runs_on_the_same_files_leave_every_table_identical(fremd):
    """Same input, same bytes: every table outside `audit` (run ids and times live there)."""
    zweiter = _kjh_run(fremd["basis"] / "exporte", fremd["basis"] / "lauf2")
    a = {t: v for t, v in table_fingerprints(fremd["warehouse"]).items() if not t.startswith("audit.")}
    b = {t: v for t, v in table_fingerprints(zweiter).items() if not t.startswith("audit.")}
    assert "intermediate.int_budget_prognose" in a and "intermediate.int_zahlungen" in a
    assert a == b, [t for t in a if a[t] != b.get(t)]
