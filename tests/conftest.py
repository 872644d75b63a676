from pathlib import Path

import pytest

from kjh.ingest.load import deliver
from kjh.ingest.mapping import find_mappings
from kjh.ingest.naming import discover
from kjh.ingest.pseudonym import install_hmac_macro
from kjh.warehouse.connection import writer

TEST_KEY = b"test-key-0123456789abcdef-0123456789"  # 36 characters: kjh wants at least 32


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Every test gets its own kjh home and Dagster home; the test key is set."""
    monkeypatch.setenv("KJH_HOME", str(tmp_path / "kjh_home"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("KJH_PSEUDONYM_KEY", TEST_KEY.decode())
    for var in ("KJH_SOURCES", "KJH_WAREHOUSE", "KJH_REPORTS", "KJH_YEAR", "KJH_MAPPINGS", "KJH_FAULT_INJECTION"):
        monkeypatch.delenv(var, raising=False)


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
