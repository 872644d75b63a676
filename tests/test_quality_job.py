"""The quality checks inside the real pipeline job (kjh_pipeline): an ERROR withholds
the statutory export while marts and reports are still built, a WARN blocks
nothing, every result is in the event log with its metadata and in
audit.pruefergebnisse."""
import dagster as dg
import pytest

from kjh.defs.qualitaet import ERROR_CHECK, ERROR_CHECKS, WARN_CHECK
from kjh.quality.rules import ERROR
from tests.quality_data import befund, write_clean_office
from tests.test_quality_checks import ALLE, alle_eingebrochen, zahlungen_fehler

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@pytest.fixture(scope="module")
def pipeline_defs():
    """kjh.definitions: the whole pipeline, quality checks included."""
    import kjh.definitions

    defs = kjh.definitions.defs
    assert ERROR_CHECKS[0] in defs.resolve_asset_graph().asset_check_keys
    return defs


def _run(pipeline_defs, folder, tmp_path, monkeypatch):
    wh, reports = tmp_path / "wh.duckdb", tmp_path / "berichte"
    monkeypatch.setenv("KJH_SOURCES", str(folder))
    monkeypatch.setenv("KJH_WAREHOUSE", str(wh))
    monkeypatch.setenv("KJH_REPORTS", str(reports))
    result = pipeline_defs.resolve_job_def("kjh_pipeline").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    return result, wh, reports


def _evaluations(result) -> dict[tuple[str, str], object]:
    return {(e.asset_key.to_user_string(), e.check_name): e
            for e in result.get_asset_check_evaluations() if e.check_name in (ERROR_CHECK, WARN_CHECK)}


def _materialized(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def test_error_in_bookings_is_reported_and_marts_are_still_built(pipeline_defs, tmp_path, monkeypatch):
    folder = write_clean_office(tmp_path / "exporte")
    expected = zahlungen_fehler(folder)

    result, wh, _ = _run(pipeline_defs, folder, tmp_path, monkeypatch)

    checks = _evaluations(result)
    assert len(checks) == 12  # every table's checks ran
    error = checks[("raw/zahlungen", ERROR_CHECK)]
    assert not error.passed and error.severity == dg.AssetCheckSeverity.ERROR
    assert error.metadata["nicht_bestanden"].value == len([n for n in expected if ALLE[n].schweregrad == ERROR])
    assert "zahlungen.hilfe_bekannt" in error.metadata["beispiele"].value
    assert "H-77" in error.metadata["meldungen"].value
    warn = checks[("raw/zahlungen", WARN_CHECK)]
    assert not warn.passed and warn.severity == dg.AssetCheckSeverity.WARN
    assert all(e.passed for (asset, _), e in checks.items() if asset != "raw/zahlungen")
    # the ERROR stops the statutory export only (kjh.defs.statistik); the marts are built
    assert {"raw/zahlungen", "raw/hilfen"} <= _materialized(result)
    assert "marts/ausgaben_jahr" in _materialized(result)
    failures = [e.event_specific_data.error for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert all(f.cls_name == "DagsterAssetCheckFailedError" for f in failures), [f.message for f in failures]
    # the same results, per expectation, for the quality page
    rows = befund(result, wh).zeilen
    assert rows["zahlungen.hilfe_bekannt"]["fehlerhafte_zeilen"] == 1
    assert {r["dagster_check"] for r in rows.values()} == {ERROR_CHECK, WARN_CHECK}


def test_warnings_block_nothing(pipeline_defs, tmp_path, monkeypatch):
    folder = write_clean_office(tmp_path / "exporte")
    expected = alle_eingebrochen(folder)

    result, wh, reports = _run(pipeline_defs, folder, tmp_path, monkeypatch)

    assert result.success
    checks = _evaluations(result)
    for (asset, name), e in checks.items():
        assert e.passed == (name == ERROR_CHECK), (asset, name)
    assert any(k.startswith("marts/") for k in _materialized(result))  # dbt ran
    assert befund(result, wh).nicht_bestanden == set(expected)
    assert (reports / "qualitaet" / "gx" / "index.html").is_file()
    # `kjh run` names the warnings in its summary, with their counts, and where to read more
    import duckdb

    from kjh.cli_summary import quality_lines
    from kjh.settings import RunSettings

    con = duckdb.connect(str(wh), read_only=True)
    try:
        gespeichert = dict(con.execute("select pruefung, fehlerhafte_zeilen from audit.pruefergebnisse"
                                       " where lauf_id = ? and not bestanden", [result.run_id]).fetchall())
    finally:
        con.close()
    assert set(expected) <= set(gespeichert)
    lines = quality_lines(result, RunSettings.from_env())
    assert lines[0].startswith("Qualitätsprüfungen: ")
    assert f"0 Fehler (ERROR), {len(gespeichert)} Warnungen (WARN)" in lines[0]
    assert str(reports / "qualitaet.html") in lines[0]
    genannt = dict(line.strip().removeprefix("WARN").strip().rsplit(": ", 1) for line in lines[1:11])
    assert len(genannt) == min(10, len(gespeichert))
    assert {k: int(v.split()[0]) for k, v in genannt.items()} == {k: gespeichert[k] for k in genannt}
