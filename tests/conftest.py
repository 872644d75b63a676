import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

# kjh is imported inside the fixtures and helpers: this file is loaded by pytest-xdist's controller
# too, which runs no test (importing dagster and dbt there would delay every worker by 3 s).

TEST_KEY = b"test-key-0123456789abcdef-0123456789"  # 36 characters: kjh wants at least 32


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the marks
def pytest_collection_modifyitems(config, items):
    """With pytest-xdist (`-n auto` in pyproject's addopts) the tests sharing an expensive fixture of
    tests/ run on one worker, so that it is built once: a session fixture (the demo county) by the
    fixture it rests on, a module fixture (a dbt build) by its module. `--dist loadgroup` reads the mark."""
    for item in items:
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        eigene = {name: d[-1] for name, d in defs.items()
                  if d and d[-1].func.__module__.startswith("tests") and not name.startswith("_")}
        sitzung = sorted({_wurzel(name, eigene) for name, d in eigene.items() if d.scope == "session"})
        if sitzung:
            item.add_marker(pytest.mark.xdist_group(sitzung[0]))
        elif any(d.scope == "module" for d in eigene.values()):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


def _wurzel(name: str, eigene: dict) -> str:
    """The session fixture a session fixture rests on (demo_site on demo_warehouse)."""
    for arg in eigene[name].argnames:
        if arg in eigene and eigene[arg].scope == "session":
            return _wurzel(arg, eigene)
    return name


@pytest.fixture(scope="session", autouse=True)
def _dbt_manifest_and_no_telemetry():
    """What the command line does before it loads kjh.definitions: telemetry off, the dbt manifest
    that @dbt_assets reads on import prepared when missing or stale."""
    from kjh.defs.transform.project import ensure_manifest
    from kjh.settings import telemetry_off

    telemetry_off()
    ensure_manifest()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Every test gets its own kjh home and Dagster home; the test key is set."""
    monkeypatch.setenv("KJH_HOME", str(tmp_path / "kjh_home"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("KJH_PSEUDONYM_KEY", TEST_KEY.decode())
    for var in ("KJH_SOURCES", "KJH_WAREHOUSE", "KJH_REPORTS", "KJH_YEAR", "KJH_MAPPINGS"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """The demo county built once per test session by `kjh demo` (the whole pipeline, as a user runs it).

    Its folder holds exporte/, warehouse.duckdb and berichte/. Read only: a test that writes into the
    warehouse works on a copy of the file. KJH_TEST_DEMO names a demo folder built before
    (`kjh demo --dir …`) and saves the run.
    """
    basis = tmp_path_factory.getbasetemp() / "kjh_demo"
    if os.environ.get("KJH_TEST_DEMO"):
        basis = Path(os.environ["KJH_TEST_DEMO"])
    warehouse = basis / "warehouse.duckdb"
    if not warehouse.exists():
        env = {**os.environ, "KJH_HOME": str(basis / "home"), "DAGSTER_HOME": str(basis / "dagster")}
        for var in ("KJH_SOURCES", "KJH_WAREHOUSE", "KJH_REPORTS", "KJH_YEAR", "KJH_MAPPINGS", "KJH_INTERN"):
            env.pop(var, None)
        t0 = time.perf_counter()
        r = subprocess.run([str(Path(sys.executable).with_name("kjh")), "demo", "--dir", str(basis)], env=env,
                           capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
        print(f"\nkjh demo: {time.perf_counter() - t0:.0f} s")
    return warehouse


@pytest.fixture(scope="session")
def demo_site(demo_warehouse, tmp_path_factory) -> dict:
    """The session's demo warehouse, its own reports (`demo`) and both sites and workbooks rendered
    once with the public functions render_site / write_workbook (`extern`, `intern`)."""
    from kjh_reports.excel import write_workbook
    from kjh_reports.site import render_site

    out = {"warehouse": demo_warehouse, "demo": demo_warehouse.parent / "berichte"}
    for fassung, intern in (("extern", False), ("intern", True)):
        ordner = tmp_path_factory.mktemp(f"berichte_{fassung}")
        t0 = time.perf_counter()
        index = render_site(demo_warehouse, ordner, intern)
        t1 = time.perf_counter()
        write_workbook(demo_warehouse, ordner, intern)
        t2 = time.perf_counter()
        print(f"\n{fassung}: Seiten {t1 - t0:.1f} s, Arbeitsmappe {t2 - t1:.1f} s")
        assert index == ordner / "index.html"
        out[fassung] = ordner
        out[f"zeit_{fassung}"] = t1 - t0
    return out


@pytest.fixture
def exports(tmp_path) -> Path:
    folder = tmp_path / "exporte"
    folder.mkdir()
    return folder


@pytest.fixture
def warehouse_path(tmp_path) -> Path:
    return tmp_path / "warehouse.duckdb"


def load_folder(folder: Path, warehouse: Path, mappings=()):
    """Every delivery of the folder through the real ingestion, as the raw assets do."""
    from kjh.ingest.load import deliver
    from kjh.ingest.mapping import find_mappings
    from kjh.ingest.naming import discover
    from kjh.ingest.pseudonym import install_hmac_macro
    from kjh.warehouse.connection import writer

    outcomes = {}
    with writer(warehouse) as con:
        install_hmac_macro(con, TEST_KEY)
        for d in discover(folder, find_mappings(folder, list(mappings))):
            outcomes[d.datei] = deliver(con, d)
    return outcomes


def query(warehouse: Path, sql: str, params=None):
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def table_fingerprints(warehouse: Path) -> dict[str, tuple]:
    """Row count and an order-independent hash of every table: equal means unchanged."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"
        ).fetchall()
        out = {}
        for schema, table in tables:
            out[f"{schema}.{table}"] = con.execute(
                f'select count(*), coalesce(sum(hash(t)), 0) from "{schema}"."{table}" t'
            ).fetchall()[0]
        return out
    finally:
        con.close()
