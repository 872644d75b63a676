"""The Dagster definitions: the asset graph, the job, the schedule and the inbox sensor."""
import os
import time

import dagster as dg

from kjh.defs.orchestration import sensors
from kjh.defs.orchestration.jobs import JOB_NAME


def _defs():
    from kjh.definitions import defs

    return defs


def test_definitions_load_with_one_job_schedule_and_sensor():
    defs = _defs()
    defs.resolve_all_job_defs()
    assert defs.resolve_job_def(JOB_NAME) is not None
    assert defs.resolve_schedule_def("monatlich").cron_schedule == "0 6 3 * *"
    assert defs.resolve_sensor_def("eingang_neue_exporte").job_name == JOB_NAME
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"audit/eingang", "raw/hilfen", "raw/zahlungen", "raw/traeger", "raw/sozialraeume", "raw/bevoelkerung",
            "raw/budgets", "ref/codelisten", "ref/hilfearten", "ref/orte_der_durchfuehrung"} <= keys


def test_hilfen_depend_on_sozialraeume_for_the_ags_check():
    graph = _defs().resolve_asset_graph()
    parents = {k.to_user_string() for k in graph.get(dg.AssetKey(["raw", "hilfen"])).parent_keys}
    assert parents == {"audit/eingang", "raw/sozialraeume"}


def _tick(instance, cursor):
    ctx = dg.build_sensor_context(instance=instance, cursor=cursor)
    result = sensors.inbox_sensor(ctx)
    return result, ctx.cursor


def test_sensor_starts_one_run_per_new_file_and_remembers_it(tmp_path, monkeypatch):
    inbox = tmp_path / "eingang"
    inbox.mkdir()
    monkeypatch.setenv("KJH_SOURCES", str(inbox))
    old = time.time() - 3600
    with dg.instance_for_test() as instance:
        result, cursor = _tick(instance, None)
        assert isinstance(result, dg.SkipReason)

        f = inbox / "zahlungen_20260105.csv"
        f.write_text("x", encoding="utf-8")
        os.utime(f, (old, old))
        result, cursor = _tick(instance, cursor)
        assert isinstance(result, dg.RunRequest)
        first_key = result.run_key

        result, cursor = _tick(instance, cursor)  # same file: nothing
        assert isinstance(result, dg.SkipReason)

        g = inbox / "zahlungen_20260205.csv"
        g.write_text("y", encoding="utf-8")  # just written: waits until it has settled
        result, cursor = _tick(instance, cursor)
        assert isinstance(result, dg.SkipReason)
        os.utime(g, (old, old))
        result, cursor = _tick(instance, cursor)
        assert isinstance(result, dg.RunRequest) and result.run_key != first_key
        assert f.read_text(encoding="utf-8") == "x"  # input files are never touched
