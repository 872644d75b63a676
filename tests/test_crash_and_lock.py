"""A process killed in the middle of a load leaves the warehouse consistent, and a
second writer waits or fails with a clear message."""
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from kjh.warehouse.arbeitsordner import arbeitsordner, bereitstellen
from kjh.warehouse.lock import WarehouseBusy, writer_lock
from tests.conftest import TEST_KEY, load_folder, query, table_fingerprints
from tests.exports import ZAHLUNGEN_HEADER, buchung, write, write_sozialraeume

# The loader, made to announce itself in a marker file and wait inside the open transaction of a
# delivery (after its rows and audit record are written, before the commit), so the test can kill it there.
LOADER = textwrap.dedent("""
    import sys
    import time
    from pathlib import Path
    from kjh.ingest import load
    from kjh.ingest.load import deliver
    schreiben = load._record
    def schreiben_und_warten(*args, **kwargs):
        schreiben(*args, **kwargs)
        Path(sys.argv[4]).write_text("in der Transaktion")
        time.sleep(60)
    load._record = schreiben_und_warten
    from kjh.ingest.naming import discover
    from kjh.ingest.pseudonym import install_hmac_macro
    from kjh.warehouse.connection import writer
    with writer(Path(sys.argv[2])) as con:
        install_hmac_macro(con, sys.argv[3].encode())
        for d in discover(Path(sys.argv[1]), []):
            deliver(con, d)
""")


def test_kill_during_load_leaves_all_or_nothing(exports, warehouse_path, tmp_path):
    write(exports / "zahlungen_20240305.csv", ZAHLUNGEN_HEADER, [buchung("B-1")])
    load_folder(exports, warehouse_path)
    before = table_fingerprints(warehouse_path)
    # Windows-1252: transcoded into a plain UTF-8 copy in the warehouse's private working folder
    write(exports / "zahlungen_20240405.csv", ZAHLUNGEN_HEADER, [buchung(f"B-{i}") for i in range(2, 5002)],
          encoding="cp1252", newline="\r\n")

    marker = tmp_path / "in_transaction"
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(exports), str(warehouse_path), TEST_KEY.decode(),
                             str(marker)])
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, "loader ended before reaching the transaction"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # the 5,000 bookings, their audit row and the quarantine are written but not committed
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert table_fingerprints(warehouse_path) == before  # nothing of the killed delivery
    # the killed load left its plain copy; the next load (the raw assets call bereitstellen) removes it
    work = arbeitsordner(warehouse_path)
    assert [p.name for p in work.glob("kjh-*/work.csv")] == ["work.csv"]
    assert stat.S_IMODE(work.stat().st_mode) == 0o700
    assert bereitstellen(warehouse_path) == work and list(work.iterdir()) == []
    out = load_folder(exports, warehouse_path)  # and the next run loads it whole
    assert out["zahlungen_20240405.csv"].geladen == 5000
    assert query(warehouse_path, "select count(*) from raw.zahlungen") == [(5001,)]


def test_second_writer_fails_with_clear_message(warehouse_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from pathlib import Path
            from kjh.warehouse.lock import writer_lock
            with writer_lock(Path({str(warehouse_path)!r})):
                print("held", flush=True)
                time.sleep(30)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy, match=f"PID {holder.pid}"):
            with writer_lock(warehouse_path, wait_seconds=0.5):
                pass
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(warehouse_path, wait_seconds=5):  # free again once the holder is gone
        pass


def test_kjh_run_against_busy_warehouse_exits_2(exports, warehouse_path, tmp_path):
    write_sozialraeume(exports)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import time\nfrom pathlib import Path\nfrom kjh.warehouse.lock import writer_lock\n"
                               f"with writer_lock(Path({str(warehouse_path)!r})):\n    print('held', flush=True)\n    time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        run = subprocess.run([sys.executable, "-m", "kjh.cli", "run", "--sources", str(exports), "--warehouse",
                              str(warehouse_path), "--reports", str(tmp_path / "r")], capture_output=True, text=True)
    finally:
        holder.kill()
        holder.wait()
    assert run.returncode == 2
    assert "wird gerade von einem anderen kjh-Prozess beschrieben" in run.stderr


def _children(pid: int) -> list[int]:
    """Every descendant of pid (from /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        found += kids
        todo += kids
    return found


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.e2e
def test_killed_run_takes_dbt_with_it_and_is_marked_failed(exports, tmp_path):
    """kill -9 of `kjh run` during dbt: dbt dies too, and the stale STARTED run is marked failed."""
    import dagster as dg

    from kjh.defs.orchestration.prozesse import mark_dead_runs_failed
    from tests.exports import HILFEN_HEADER, hilfe

    write_sozialraeume(exports)
    write(exports / "hilfen_20250131.csv", HILFEN_HEADER, [hilfe("H-1")])
    wh = tmp_path / "w.duckdb"
    run = subprocess.Popen([sys.executable, "-m", "kjh.cli", "run", "--sources", str(exports), "--warehouse", str(wh),
                            "--reports", str(tmp_path / "r")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dbt = []
    deadline = time.monotonic() + 240
    while not dbt:
        assert run.poll() is None, "kjh run ended before dbt started"
        assert time.monotonic() < deadline, "dbt did not start"
        dbt = [c for c in _children(run.pid) if " build " in _cmdline(c) and "dbt" in _cmdline(c)]
        time.sleep(0.2)
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while any(os.path.exists(f"/proc/{p}") and "dbt" in _cmdline(p) for p in dbt):
        assert time.monotonic() < deadline, "dbt build outlived kjh run"
        time.sleep(0.1)

    with dg.DagsterInstance.get() as instance:
        [stale] = instance.get_runs()
        assert stale.status == dg.DagsterRunStatus.STARTED
        assert stale.tags["kjh/warehouse"] == str(wh.resolve())
        assert mark_dead_runs_failed(instance) == [stale.run_id]
        assert instance.get_run_by_id(stale.run_id).status == dg.DagsterRunStatus.FAILURE
