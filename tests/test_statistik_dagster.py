"""The statutory delivery in the Dagster job: asset graph, delivered on clean demo data, withheld on an ERROR
while the controller reports still run, and recorded as withheld when a blocking quality check stopped it.

The job is built like kjh's: the areas ingestion, transform, quality (when there) and statistik in one
in-process job over all assets. A stand-in report asset in group "berichte" that depends only on a mart
plays the controller reports (as the real ones do), so this test does not depend on the report pages.
"""
import csv
import io
import subprocess
import sys

import dagster as dg
import pytest

from kjh.defs import statistik as statistik_area
from kjh.defs.statistik import KEY
from kjh.settings import RunSettings, quiet_environment
from kjh.statistik import audit, summary_lines, vermerke_blockierte_lieferung
from kjh.statistik.pruefung import PRUEFUNGEN
from kjh.warehouse.connection import connect


def _areas() -> list:
    """The pipeline's areas without the reports (a stand-in takes their place, below)."""
    from kjh.defs import ingestion, plausibilitaet, qualitaet, transform

    return [ingestion.defs(), transform.defs(), qualitaet.defs(), plausibilitaet.defs(), statistik_area.defs()]


def _defs() -> dg.Definitions:
    from kjh.defs.resources import warehouse_resource

    areas = _areas()
    merged = dg.Definitions.merge(*areas, dg.Definitions(resources={"warehouse": warehouse_resource()}))

    @dg.asset(key=["berichte", "stellvertreter"], group_name="berichte", deps=[["marts", "fallzahlen_jahr"]])
    def bericht_stellvertreter() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"seiten": 1})

    job = dg.define_asset_job("kjh_test", selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor)
    return dg.Definitions.merge(merged, dg.Definitions(assets=[bericht_stellvertreter], jobs=[job]))


def test_asset_depends_on_raw_inputs_and_marts_and_has_the_checks():
    graph = _defs().resolve_asset_graph()
    node = graph.get(KEY)
    assert node.group_name == "statistik"
    assert {k.to_user_string() for k in node.parent_keys} == {
        "raw/hilfen", "raw/traeger", "raw/zahlungen", "marts/fallzahlen_jahr", "marts/ausgaben_jahr",
        "intermediate/int_hilfen_episoden", "qualitaet/pruefergebnisse"}
    specs = {s.name: s for s in statistik_area.CHECK_SPECS}
    assert set(specs) == {p.name for p in PRUEFUNGEN}
    assert all(specs[p.name].blocking == (p.schweregrad == "ERROR") for p in PRUEFUNGEN)


def _rewrite_newest_hilfen(folder, new_date: str, change) -> None:
    """A newer full export: the newest hilfen file with `change(row)` applied to the rows."""
    src = sorted(folder.glob("hilfen_*.csv"))[-1]
    raw = src.read_bytes()
    try:
        text, enc = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, enc = raw.decode("cp1252"), "cp1252"
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    rows = [change(r) for r in rows]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=";", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (folder / f"hilfen_{new_date}.csv").write_bytes(buf.getvalue().encode(enc))


def _in_2025(r) -> bool:
    """Running on 31.12.2025 or ended in 2025, a type of help of the HZE."""
    beginn = r["beginn"][6:] + r["beginn"][3:5] + r["beginn"][:2]
    ende = r["ende"][6:] + r["ende"][3:5] + r["ende"][:2] if r["ende"] else "99999999"
    return r["hilfeart"] in ("30", "34") and beginn <= "20251231" and ende >= "20250101"


@pytest.fixture
def demo(tmp_path):
    import kjh_demo

    exports = tmp_path / "exporte"
    kjh_demo.generate(exports, seed=11, scale=0.04)
    settings = RunSettings(sources=exports, warehouse=tmp_path / "warehouse.duckdb", reports=tmp_path / "berichte")
    settings.apply()
    quiet_environment()  # telemetry off, a Dagster home of the test's own
    return settings


def _run(defs):
    return defs.resolve_job_def("kjh_test").execute_in_process(instance=dg.DagsterInstance.get(),
                                                               raise_on_error=False)


def _materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


@pytest.mark.slow
@pytest.mark.e2e
def test_delivered_then_withheld_on_error_while_reports_run_then_withheld_by_quality(demo):
    defs = _defs()
    out = demo.warehouse.parent / "statistik" / "2025"
    report_keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()
                   if defs.resolve_asset_graph().get(k).group_name == "berichte"}

    # 1. clean demo data: the draft for 2025 (Stand 31.10.2026) is made, every ERROR check passes; the
    #    clerk releases it on the command line
    first = _run(defs)
    assert not first.get_failed_step_keys(), first.get_failed_step_keys()
    assert summary_lines(first)[0].startswith("Statistik 2025: Entwurf Nr. 1 bereit zur Freigabe (7 Dateien in ")
    assert (out / "entwurf" / "HZE_01060000_2025.txt").exists() and not (out / "HZE_01060000_2025.txt").exists()
    assert (demo.reports / "statistik.html").exists()
    checks = {c.check_name: c.passed for c in first.get_asset_check_evaluations() if c.asset_key == KEY}
    assert all(checks[p.name] for p in PRUEFUNGEN if p.schweregrad == "ERROR")
    cli = subprocess.run([sys.executable, "-m", "kjh.cli", "statistik", "--warehouse", str(demo.warehouse),
                          "--freigeben", "1", "--wer", "Frau Statistik"], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "Statistik 2025 Nr. 2: freigegeben" in cli.stdout
    assert (out / "HZE_01060000_2025.txt").exists() and (out / "TEIL4_01060000_2025_datml.xml").exists()
    assert (out / "HZE_01060000_2025.txt").read_bytes() == (out / "entwurf" / "HZE_01060000_2025.txt").read_bytes()
    hze_first = (out / "HZE_01060000_2025.txt").read_bytes()

    # 2. a newer export with a main reason the statistics cannot take ("sonstig", valid in the contract):
    #    the survey's own ERROR withholds the delivery; the controller reports are still built
    changed = []

    def sonstig(r):
        if not changed and _in_2025(r):
            changed.append(r["hilfe_id"])
            return {**r, "hauptgrund": "sonstig"}
        return r

    _rewrite_newest_hilfen(demo.sources, "20261130", sonstig)
    second = _run(defs)
    assert not second.success  # the blocking check fails the step, as a failed ERROR should
    meta = next(e.event_specific_data.materialization.metadata for e in second.get_asset_materialization_events()
                if e.asset_key == KEY)
    assert meta["status"].value == "entwurf"
    assert meta["zurueckgehalten_wegen"].value == ["hze_satzbeschreibung"]
    assert meta["harte_saetze"].value == 1
    failed = {c.check_name for c in second.get_asset_check_evaluations() if c.asset_key == KEY and not c.passed
              and c.severity == dg.AssetCheckSeverity.ERROR}
    assert failed == {"hze_satzbeschreibung"}
    assert report_keys and report_keys <= _materialized(second)       # reports still ran
    assert "marts/fallzahlen_jahr" in _materialized(second)
    lines = summary_lines(second)
    assert lines[0].startswith("Statistik 2025: Entwurf Nr. 3 in ")
    assert "1 Sätze mit harten Fehlern fehlen, Freigabe wartet auf: hze_satzbeschreibung; Arbeitsliste " in lines[0]
    assert "sonstig" in "\n".join(lines)
    liste = (out / "entwurf" / "ARBEITSLISTE_01060000_2025.csv").read_text(encoding="utf-8-sig")
    assert f"{changed[0]};HZE;" in liste and ";sonstig;hze_satzbeschreibung;hart;offen;" in liste
    assert (out / "HZE_01060000_2025.txt").read_bytes() == hze_first  # the released delivery stays as it was
    page = (demo.reports / "statistik.html").read_text(encoding="utf-8")
    assert "Freigabe wartet auf" in page and "Nr. 2 am" in page

    # the first delivery is still reproducible byte for byte after the newer export
    from kjh.statistik import reproduzieren

    with connect(demo.warehouse, read_only=True) as con:
        again = reproduzieren(con, 1, demo.warehouse.parent / "wiederholt")
    assert again.abweichend == [] and (again.ordner / "HZE_01060000_2025.txt").read_bytes() == hze_first

    # 3. a newer export naming an unknown provider: the quality suite's ERROR (not a survey check)
    #    withholds the export through its explicit check `eingaben_qualitaet`; the reports still run
    def unbekannt(r):
        r = {**r, "hauptgrund": "gefaehrdung_kindeswohl"} if r["hilfe_id"] in changed else r
        return {**r, "traeger_id": "T-UNBEKANNT"} if r["hilfe_id"] in changed else r

    _rewrite_newest_hilfen(demo.sources, "20261201", unbekannt)  # not in the future: kjh refuses those (ZUKUNFT)
    third = _run(defs)
    meta = next(e.event_specific_data.materialization.metadata for e in third.get_asset_materialization_events()
                if e.asset_key == KEY)
    assert meta["status"].value == "entwurf"
    assert "eingaben_qualitaet" in meta["zurueckgehalten_wegen"].value
    assert "statistik/lieferung" in _materialized(third) and report_keys <= _materialized(third)
    assert vermerke_blockierte_lieferung(third) is None  # the asset ran and recorded it itself
    lines = summary_lines(third)
    assert lines[0].startswith("Statistik 2025: Entwurf Nr. 4 in ") and "eingaben_qualitaet" in lines[0]
    assert "hilfen.traeger_bekannt" in "\n".join(lines)
    with connect(demo.warehouse, read_only=True) as con:
        rows = [(e.statistik_lieferung_id, e.status) for e in audit.alle(con)]
    assert rows == [(1, "entwurf"), (2, "freigegeben"), (3, "entwurf"), (4, "entwurf")]
