"""Transform area: the dbt project (staging -> intermediate -> marts) as assets."""
import dagster as dg

from kjh.defs.transform.project import dbt_project, dbt_resource, prepare_manifest


def defs() -> dg.Definitions:
    # @dbt_assets reads the manifest at import: prepare it on a fresh checkout
    if not dbt_project.manifest_path.exists():
        prepare_manifest()
    from kjh.defs.transform.assets import kjh_dbt_assets

    return dg.Definitions(assets=[kjh_dbt_assets], resources={"dbt": dbt_resource()})


__all__ = ["defs", "prepare_manifest"]
