"""Resources shared by every area: the warehouse."""
from dagster import EnvVar
from dagster_duckdb import DuckDBResource

from kjh.settings import ENV_WAREHOUSE


def warehouse_resource() -> DuckDBResource:
    # DuckDB must never try to download an extension (no internet here).
    return DuckDBResource(
        database=EnvVar(ENV_WAREHOUSE),
        connection_config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
