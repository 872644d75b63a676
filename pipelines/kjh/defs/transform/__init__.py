"""Transform area: the dbt project (staging -> intermediate -> marts) as assets."""
import dagster as dg

from kjh.defs.transform.project import dbt_project, dbt_resource, prepare_manifest


def defs() -> dg.Definitions:
    # @dbt_assets reads the manifest at import: the command line and the test session prepare it
    # (kjh.defs.transform.project.ensure_manifest); loading the definitions runs nothing.
    if not dbt_project.manifest_path.exists():
        raise RuntimeError(f"Kein dbt-Manifest in {dbt_project.manifest_path}: kjh run / kjh ui bereiten es vor "
                           "(oder kjh.defs.transform.project.ensure_manifest()).")
    from kjh.defs.transform.assets import kjh_dbt_assets

    return dg.Definitions(assets=[kjh_dbt_assets], resources={"dbt": dbt_resource()})


__all__ = ["defs", "prepare_manifest"]
