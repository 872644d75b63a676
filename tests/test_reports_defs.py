"""The reports area in Dagster: two assets in group 'berichte', downstream of every mart they read."""
import dagster as dg

from kjh.defs import reports
from kjh.defs.reports.assets import REPORT_DEPS, WEBSITE_DEPS

WEBSITE, EXCEL = dg.AssetKey(["berichte", "website"]), dg.AssetKey(["berichte", "excel"])


def test_assets_keys_group_and_deps():
    from kjh.defs.resources import warehouse_resource

    defs = dg.Definitions.merge(reports.defs(), dg.Definitions(resources={"warehouse": warehouse_resource()}))
    graph = defs.resolve_asset_graph()
    assert {WEBSITE, EXCEL} <= set(graph.get_all_asset_keys())
    for key, deps in ((WEBSITE, WEBSITE_DEPS), (EXCEL, REPORT_DEPS)):
        node = graph.get(key)
        assert node.group_name == "berichte"
        assert set(node.parent_keys) == set(deps)
    # the site's quality page waits for every check result of the run
    assert set(WEBSITE_DEPS) - set(REPORT_DEPS) == {dg.AssetKey(["qualitaet", "pruefergebnisse"])}
    assert dg.AssetKey(["marts", "fallzahlen_jahr"]) in REPORT_DEPS
    assert dg.AssetKey(["intermediate", "int_berichtsstand"]) in REPORT_DEPS


def test_deps_are_the_dbt_models_of_the_project():
    """Merged with the project's definitions, every dependency is a real dbt asset (no dangling key)."""
    from kjh import definitions

    merged = dg.Definitions.merge(definitions.defs, reports.defs())  # as the lead wires it
    graph = merged.resolve_asset_graph()
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    assert set(WEBSITE_DEPS) <= materializable
    assert graph.get(WEBSITE).parent_keys == set(WEBSITE_DEPS)
