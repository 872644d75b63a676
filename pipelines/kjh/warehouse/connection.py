"""Connections to the warehouse file. DuckDB never downloads anything here."""
from contextlib import contextmanager
from pathlib import Path

import duckdb

from kjh.warehouse.lock import writer_lock

_SCHEMA = Path(__file__).with_name("schema.sql")
# DuckDB never downloads or loads an extension on its own (no internet here): every connection of kjh
OFFLINE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=read_only, config=dict(OFFLINE))


def ensure_schema(con) -> None:
    con.execute(_SCHEMA.read_text(encoding="utf-8"))


@contextmanager
def writer(path: Path, *, wait_seconds: float = 0):
    """The one writing connection: holds the writer lock, closes on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(path, wait_seconds=wait_seconds):
        con = connect(path)
        try:
            ensure_schema(con)
            yield con
        finally:
            con.close()


@contextmanager
def lesend(warehouse):
    """A connection for reading: `warehouse` itself when it is one, else a read-only connection to the
    file, closed on exit."""
    if hasattr(warehouse, "execute"):
        yield warehouse
        return
    con = connect(Path(warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()


def scalar(con, sql: str, params=None):
    """First value of the first row (DuckDB 2 wants every result read to its end)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def first_row(con, sql: str, params=None):
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None
