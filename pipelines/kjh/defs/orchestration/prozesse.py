"""Processes of a kjh run: children die with it, and a run whose process died is marked failed.

`kjh run` starts `dbt build` as a child (dagster-dbt's Popen). Killed with SIGKILL,
a parent cannot stop its children, so each child asks the kernel to be killed when
its parent dies (prctl PR_SET_PDEATHSIG, Linux): installed as the default
`preexec_fn` of subprocess.Popen in the kjh process. SIGTERM and SIGINT end the run
through Python (KeyboardInterrupt), so cleanup code runs as well.

Every run `kjh run` starts carries its process id (tag kjh/pid). A run still marked
STARTED in the Dagster instance whose process no longer exists was killed; the next
`kjh run` marks it failed, so the UI never shows a dead run as running.
"""
import ctypes
import os
import signal
import socket
import subprocess
import threading

PR_SET_PDEATHSIG = 1
TAG_PID = "kjh/pid"
TAG_HOST = "kjh/host"
TAG_WAREHOUSE = "kjh/warehouse"

_installed = False


def _die_with_parent_fn():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):  # not Linux: no such guarantee
        return None
    parent = os.getpid()

    def _preexec():
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return _preexec


def children_die_with_parent() -> None:
    """Every child this process starts from its main thread from now on dies with it.

    Only from the main thread: the kernel ties PDEATHSIG to the thread that forked,
    and the main thread lives as long as the process.
    """
    global _installed
    preexec = _die_with_parent_fn()
    if _installed or preexec is None:
        return
    original_init = subprocess.Popen.__init__

    def __init__(self, *args, **kwargs):
        if kwargs.get("preexec_fn") is None and threading.current_thread() is threading.main_thread():
            kwargs["preexec_fn"] = preexec
        original_init(self, *args, **kwargs)

    subprocess.Popen.__init__ = __init__
    _installed = True


def stop_on_sigterm() -> None:
    """SIGTERM ends the run like Ctrl-C: Python unwinds, `finally` blocks run."""
    def _handler(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, _handler)


def run_tags(warehouse) -> dict[str, str]:
    return {TAG_PID: str(os.getpid()), TAG_HOST: socket.gethostname(), TAG_WAREHOUSE: str(warehouse)}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a recycled pid: alive only if it is still a kjh process
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"kjh" in f.read()
    except OSError:
        return True


def mark_dead_runs_failed(instance) -> list[str]:
    """Runs started by a kjh process on this machine that died: marked failed. Returns their ids."""
    import dagster as dg

    host = socket.gethostname()
    marked = []
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED,
                                                             dg.DagsterRunStatus.STARTING,
                                                             dg.DagsterRunStatus.CANCELING]))
    for run in runs:
        pid, run_host = run.tags.get(TAG_PID), run.tags.get(TAG_HOST)
        if not pid or run_host != host or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        instance.report_run_failed(run, f"Der kjh-Prozess dieses Laufs (PID {pid}) ist beendet worden, ohne den "
                                        "Lauf abzuschließen (z. B. kill); als fehlgeschlagen vermerkt.")
        marked.append(run.run_id)
    return marked
