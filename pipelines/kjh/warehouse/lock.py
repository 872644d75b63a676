"""Only one process writes the warehouse at a time.

DuckDB itself refuses a second writer with a cryptic lock error, and dbt-duckdb
does not retry. kjh takes an advisory lock on `<warehouse>.lock` first, waits
for it as long as asked, and otherwise fails with a message that names the
process holding it. Re-entrant within one process (the CLI holds it for the
whole run, every step takes it again).
"""
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

_held: dict[Path, list] = {}  # lock path -> [file object, depth]


class WarehouseBusy(RuntimeError):
    pass


def _lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def writer_lock(warehouse: Path, *, wait_seconds: float = 0):
    path = _lock_path(Path(warehouse).resolve())
    if path in _held:
        _held[path][1] += 1
        try:
            yield
        finally:
            _held[path][1] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a+")
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                f.seek(0)
                holder = f.read().strip() or "unbekannt"
                f.close()
                raise WarehouseBusy(
                    f"Warehouse {warehouse} wird gerade von einem anderen kjh-Prozess beschrieben (PID {holder}); "
                    "später erneut starten oder mit --wait SEKUNDEN warten."
                ) from None
            time.sleep(0.2)
    f.seek(0)
    f.truncate()
    f.write(str(os.getpid()))
    f.flush()
    _held[path] = [f, 1]
    try:
        yield
    finally:
        _held[path][1] -= 1
        if _held[path][1] == 0:
            del _held[path]
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
            f.close()
