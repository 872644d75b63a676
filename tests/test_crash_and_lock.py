"""A process killed in the middle of a load leaves the warehouse consistent, and a
second writer waits or fails with a clear message."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from kjh.warehouse.lock import WarehouseBusy, writer_lock
from tests.conftest import TEST_KEY, load_folder, query, table_fingerprints
from tests.exports import ZAHLUNGEN_HEADER, buchung, write, write_sozialraeume

LOADER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from kjh.ingest.load import deliver
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
    write(exports / "zahlungen_20240405.csv", ZAHLUNGEN_HEADER, [buchung(f"B-{i}") for i in range(2, 5002)])

    marker = tmp_path / "in_transaction"
    env = {**os.environ, "KJH_FAULT_INJECTION": f"pause-before-commit:{marker}"}
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(exports), str(warehouse_path), TEST_KEY.decode()], env=env)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, "loader ended before reaching the transaction"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # the 5,000 bookings, their audit row and the quarantine are written but not committed
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert table_fingerprints(warehouse_path) == before  # nothing of the killed delivery
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
