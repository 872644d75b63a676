"""The dbt models as Dagster assets: one asset per model, keyed like the
warehouse relation ([schema, name]), grouped by layer folder; dbt sources map
to the ingestion assets ["raw", ...] / ["ref", ...] through their meta.
"""
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from kjh.defs.transform.project import dbt_project, ensure_warehouse_env
from kjh.warehouse.lock import writer_lock

LAYERS = ("staging", "intermediate", "marts")


def dbt_build_args() -> list[str]:
    """The dbt command of the pipeline step: all models and their data tests.

    Not the unit tests: they test the SQL of the models on fixed inputs, not
    the data, so a run on new data learns nothing from them (about 2 s per
    run). The test suite runs them on every change (tests/test_dbt_marts.py).
    """
    return ["build", "--exclude-resource-type", "unit_test"]


class KjhDbtTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "model":
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if len(fqn) > 2 and fqn[1] in LAYERS:
            return fqn[1]
        return super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=KjhDbtTranslator(),
    name="kjh_dbt",
)
def kjh_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    warehouse = ensure_warehouse_env()
    # one writer at a time: the same advisory lock ingestion takes
    with writer_lock(warehouse, wait_seconds=600):
        yield from dbt.cli(dbt_build_args(), context=context).stream()
