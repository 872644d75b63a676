"""The warehouse as a Dagster resource: every area opens it through here.

dagster-duckdb's DuckDBResource with what kjh adds: `writer()` takes the
advisory lock of kjh.warehouse.lock (one writer at a time; it waits for
another run of the same warehouse up to ten minutes) and yields a connection
with the schema in place; `reader()` is a connection for a look after
writing. DuckDB never downloads an extension here (no internet). `settings`
are the run's folders and options (kjh.settings.RunSettings).
"""
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from kjh.settings import ENV_WAREHOUSE, RunSettings
from kjh.warehouse import connection

# a run of the same warehouse holds the lock for as long as its step takes
WARTEN_S = 600


class Warehouse(DuckDBResource):
    @property
    def path(self) -> Path:
        return Path(self.database)

    @property
    def settings(self) -> RunSettings:
        return RunSettings.from_env()

    @contextmanager
    def writer(self):
        with connection.writer(self.path, wait_seconds=WARTEN_S) as con:
            yield con

    def reader(self):
        return self.get_connection()


def warehouse_resource() -> Warehouse:
    return Warehouse(database=dg.EnvVar(ENV_WAREHOUSE), connection_config=dict(connection.OFFLINE))
