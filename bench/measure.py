"""Wall time and peak memory of a command and every process it starts.

Peak memory is the largest sum of the resident set sizes (RSS) of the process
and all its descendants (dbt runs as a subprocess of the Dagster step),
sampled from /proc every 50 ms. Pages shared between processes count once per
process, so the figure errs on the high side. The output is written to a log
file; `marks` (name -> regex) record when a line matching each first and last
appeared, in seconds after the start, to split the wall time into phases.
"""
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")
INTERVAL = 0.05


@dataclass
class Measured:
    command: list[str]
    returncode: int
    wall_s: float
    peak_rss_bytes: int
    samples: int
    peak_at_s: float = 0.0  # when the peak was sampled, seconds after the start
    cpu_s: float = 0.0      # user + system CPU time of the process and the children it waited for
    marks: dict[str, float] = field(default_factory=dict)       # first line matching, seconds after start
    last_marks: dict[str, float] = field(default_factory=dict)  # last line matching
    log: Path | None = None

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_bytes / 2**20


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: the fields follow the last ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    """Sum of the RSS of `root` and all its descendants now."""
    children = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss(pid)
        stack.extend(children.get(pid, ()))
    return total


def run(command: list[str], *, env: dict | None = None, cwd: Path | None = None, log: Path | None = None,
        marks: dict[str, str] | None = None, timeout: float | None = None) -> Measured:
    """Run `command` to its end: wall time from spawn to exit, peak RSS of its process tree."""
    patterns = {k: re.compile(v) for k, v in (marks or {}).items()}
    found: dict[str, float] = {}
    last: dict[str, float] = {}
    peak, samples, peak_at = 0, 0, 0.0
    done = threading.Event()
    out = open(log, "wb") if log else None
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def sample() -> None:
        nonlocal peak, samples, peak_at
        while not done.is_set():
            rss = tree_rss(proc.pid)
            if rss > peak:
                peak, peak_at = rss, time.perf_counter() - start
            samples += 1
            done.wait(INTERVAL)

    def read() -> None:
        for line in proc.stdout:
            now = time.perf_counter() - start
            if out:
                out.write(line)
            if patterns:
                text = line.decode("utf-8", errors="replace")
                for name, pattern in patterns.items():
                    if pattern.search(text):
                        found.setdefault(name, round(now, 2))
                        last[name] = round(now, 2)

    sampler = threading.Thread(target=sample, daemon=True)
    reader = threading.Thread(target=read, daemon=True)
    sampler.start()
    reader.start()
    # wait4 instead of wait: its resource usage gives the CPU time of the whole tree
    # (dbt's process is waited for by the Dagster step, so it is included)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    wall = time.perf_counter() - start
    returncode = os.waitstatus_to_exitcode(status)
    proc.returncode = returncode
    cpu = usage.ru_utime + usage.ru_stime
    done.set()
    sampler.join()
    reader.join()
    if out:
        out.close()
    return Measured(command=command, returncode=returncode, wall_s=wall, peak_rss_bytes=peak, samples=samples,
                    peak_at_s=round(peak_at, 2), cpu_s=round(cpu, 2), marks=found, last_marks=last, log=log)
