"""The dagster-dbt wiring: asset keys, groups, lineage from the raw assets to
every mart, and `dbt build` run as a Dagster materialization."""

from importlib.metadata import version

import dagster as dg
import pytest

from kjh.defs import transform
from kjh.defs.transform.project import dbt_resource, prepare_manifest
from tests.test_dbt_marts import create_warehouse, rows

pytestmark = pytest.mark.slow

RAW = {dg.AssetKey(["raw", t]) for t in ("hilfen", "traeger", "zahlungen", "sozialraeume", "bevoelkerung", "budgets")}
REF = {dg.AssetKey(["ref", t]) for t in ("codelisten", "hilfearten", "orte_der_durchfuehrung")}
MARTS = {
    "fallzahlen_jahr", "fallzahlen_monat", "ausgaben_jahr", "ausgaben_monat", "kosten_je_fall",
    "eckwerte_jahr", "budget_auslastung", "traeger_kennzahlen", "prognose_backtest",
    "prognose_genauigkeit", "budget_verbleib_jahr", "vorjahresvergleich", "traeger_sozialraum_jahr",
}


@pytest.fixture(scope="module")
def asset_graph():
    prepare_manifest()
    return transform.defs().resolve_asset_graph()


def ancestors(graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    seen, todo = set(), [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_models_are_keyed_by_schema_and_grouped_by_layer(asset_graph):
    keys = {k for k in asset_graph.get_all_asset_keys() if asset_graph.get(k).is_materializable}
    assert {k.path[0] for k in keys} == {"staging", "intermediate", "marts"}
    for k in keys:
        assert asset_graph.get(k).group_name == k.path[0]
    assert {k.path[1] for k in keys if k.path[0] == "marts"} == MARTS


def test_every_mart_reaches_the_raw_assets(asset_graph):
    reached = set()
    for name in MARTS:
        up = ancestors(asset_graph, dg.AssetKey(["marts", name]))
        assert up & RAW, name
        assert any(k.path[0] == "staging" for k in up), name
        assert any(k.path[0] == "intermediate" for k in up), name
        reached |= up
    assert RAW | REF <= reached


def test_sources_attach_to_ingestion_assets():
    from kjh.defs import ingestion
    from kjh.defs.resources import warehouse_resource

    prepare_manifest()
    merged = dg.Definitions.merge(
        ingestion.defs(), transform.defs(), dg.Definitions(resources={"warehouse": warehouse_resource()})
    )
    graph = merged.resolve_asset_graph()
    for key in RAW | REF:
        assert graph.get(key).is_materializable, key  # the ingestion asset, not a stub
    assert ancestors(graph, dg.AssetKey(["marts", "eckwerte_jahr"])) >= {
        dg.AssetKey(["raw", "hilfen"]), dg.AssetKey(["raw", "bevoelkerung"]), dg.AssetKey(["raw", "sozialraeume"]),
    }


def test_dbt_version_without_asking_pypi(monkeypatch):
    import dagster_dbt.core.resource as res

    def no_subprocess(*args, **kwargs):
        raise AssertionError("dbt --version must not run (it calls PyPI)")

    monkeypatch.setattr(res, "check_output", no_subprocess)
    assert str(dbt_resource()._cli_version) == version("dbt-core")


def test_dbt_build_as_dagster_materialization(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    create_warehouse(warehouse)
    monkeypatch.setenv("KJH_WAREHOUSE", str(warehouse))
    prepare_manifest()
    from kjh.defs.transform.assets import kjh_dbt_assets

    result = dg.materialize([kjh_dbt_assets], resources={"dbt": dbt_resource()}, raise_on_error=False)
    assert result.success
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "budget_auslastung"]) in materialized
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)
    assert rows(warehouse, "select sum(netto_eur) from marts.ausgaben_jahr")[0][0] is not None
