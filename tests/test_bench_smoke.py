"""The benchmark script keeps working: `python -m bench --quick` at a tiny scale.

Not a measurement (CI does not run the Land-scale benchmark): it checks that
every scenario runs and that the JSON and the table carry every figure.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
RUNS = ("help", "plain", "full", "incremental", "full_reports", "county")


def test_quick_benchmark_writes_every_figure(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KJH_", "DBT_", "DAGSTER_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "out")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    [json_file] = (tmp_path / "out").glob("*-quick.json")
    data = json.loads(json_file.read_text(encoding="utf-8"))

    assert data["machine"]["cores"] >= 1 and data["machine"]["memory_gib"] > 0
    assert data["data"]["land"]["bookings"] > 0 and data["data"]["land"]["delta_bookings"] > 0
    for name in RUNS:
        run = data["runs"][name]
        assert run["returncode"] == 0 and run["wall_s"] > 0 and run["peak_rss_gib"] > 0, name
    for name in ("full", "incremental", "full_reports", "county"):
        assert {"start_s", "laden_s", "pruefen_s", "dbt_s", "danach_s"} <= set(data["runs"][name]["phases"]), name
    # kjh's headline marts are the plain DuckDB figures
    same = data["runs"]["full"]["same_as_plain"]
    assert set(same) == {"fallzahlen_jahr", "ausgaben_jahr", "eckwerte_jahr", "budget_auslastung"}
    assert all(v["rows"] > 0 and v["only_kjh"] == 0 and v["only_plain"] == 0 for v in same.values()), same

    # the statutory drafts of the full run: one per office, none over the 99,999 records of a running number
    st = data["runs"]["full"]["statistik"]
    assert st["offices"] >= 1 and not st["overflow"], st
    figures = {f["figure"] for f in data["figures"]}
    assert len(figures) == 11
    for f in data["figures"]:
        assert f["value"] and f["target"], f
    table = json_file.with_suffix(".md").read_text(encoding="utf-8")
    assert table.count("\n|") >= 10 and "plain DuckDB" in table
    assert "| figure | value | target | met |" in result.stdout
