"""`kjh ui` serves the same definitions on 127.0.0.1 (a real Dagster webserver)."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow

QUERY = '{"query": "{ repositoriesOrError { ... on RepositoryConnection { nodes { jobs { name } } } } }"}'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ui_serves_the_pipeline_job_on_localhost(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kjh.cli", "ui", "--port", str(port), "--sources", str(tmp_path / "in"),
         "--warehouse", str(tmp_path / "w.duckdb"), "--reports", str(tmp_path / "r")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        jobs = None
        while time.monotonic() < deadline and jobs is None:
            assert proc.poll() is None, "kjh ui ended early"
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=QUERY.encode(),
                                             headers={"Content-Type": "application/json"})
                body = json.loads(urllib.request.urlopen(req, timeout=5).read())
                nodes = body["data"]["repositoriesOrError"].get("nodes")
                if nodes:
                    jobs = {j["name"] for n in nodes for j in n["jobs"]}
            except (OSError, KeyError):
                time.sleep(1)
        assert jobs is not None and "kjh_pipeline" in jobs
    finally:
        _stop_group(proc)


def test_ui_stops_its_children_on_sigterm(tmp_path):
    """SIGTERM to `kjh ui` alone (not its group): webserver and daemon stop, the port is free."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kjh.cli", "ui", "--port", str(port), "--sources", str(tmp_path / "in"),
         "--warehouse", str(tmp_path / "w.duckdb"), "--reports", str(tmp_path / "r")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, "kjh ui did not start serving"
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=QUERY.encode(),
                                             headers={"Content-Type": "application/json"})
                urllib.request.urlopen(req, timeout=5).read()
                break
            except OSError:
                time.sleep(1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, "port still served after SIGTERM"
    finally:
        _stop_group(proc)


def _stop_group(proc) -> None:
    """dagster dev may outlive a SIGTERM to its parent: end the whole process group."""
    for sig, wait in ((signal.SIGINT, 3), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                proc.wait()
                return
            time.sleep(0.2)
