"""Dagster's event log in kjh's storage (kjh.event_log): the events of a run are written
to Dagster's SQLite files and read back as Dagster reads them (the UI), in WAL mode."""
import sqlite3
from pathlib import Path

import dagster as dg

from kjh.event_log import KeptOpenSqliteEventLogStorage
from kjh.settings import quiet_environment


@dg.asset
def eins() -> int:
    return 1


@dg.asset_check(asset=eins)
def eins_ist_eins() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def test_a_run_is_stored_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("KJH_WAREHOUSE", str(tmp_path / "wh.duckdb"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    quiet_environment()
    home = tmp_path / "wh.duckdb.dagster"
    assert "KeptOpenSqliteEventLogStorage" in (home / "dagster.yaml").read_text(encoding="utf-8")

    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, KeptOpenSqliteEventLogStorage)
        result = dg.materialize([eins, eins_ist_eins], instance=instance)
        assert result.success
        run_id = result.run_id
        ereignisse = instance.all_logs(run_id)
        typen = [e.dagster_event_type for e in ereignisse if e.is_dagster_event]
        assert dg.DagsterEventType.ASSET_MATERIALIZATION in typen
        assert dg.DagsterEventType.RUN_SUCCESS in typen
        assert dg.DagsterEventType.ASSET_CHECK_EVALUATION in typen
        assert instance.get_latest_materialization_event(dg.AssetKey("eins")) is not None

    # a second instance (the UI, the next run) reads the same files
    with dg.DagsterInstance.get() as instance:
        assert instance.get_run_by_id(run_id).is_success
        assert len(instance.all_logs(run_id)) == len(ereignisse)
    db = next(Path(home, "history", "runs").glob(f"{run_id}.db"))
    assert sqlite3.connect(db).execute("pragma journal_mode").fetchone()[0] == "wal"
