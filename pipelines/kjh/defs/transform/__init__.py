"""Transform area: the dbt project (staging -> intermediate -> marts) as assets."""
import dagster as dg

from kjh.defs.transform.project import dbt_project, dbt_resource, prepare_manifest


def _manifest_is_stale() -> bool:
    """Missing (fresh checkout) or older than a file of the dbt project (after a pull or an edit)."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    project = dbt_project.project_dir
    sources = [project / "dbt_project.yml", project / "profiles.yml"]
    for folder in ("models", "macros", "tests"):
        sources += [p for p in (project / folder).rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources if p.exists())


def defs() -> dg.Definitions:
    # @dbt_assets reads the manifest at import: prepare it when it is missing or stale
    if _manifest_is_stale():
        prepare_manifest()
    from kjh.defs.transform.assets import kjh_dbt_assets

    return dg.Definitions(assets=[kjh_dbt_assets], resources={"dbt": dbt_resource()})


__all__ = ["defs", "prepare_manifest"]
