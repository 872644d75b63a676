"""The dbt project as Dagster sees it (built once), its CLI resource, and the
manifest that @dbt_assets needs before the definitions can load.
"""
import os
import subprocess
import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from filelock import FileLock
from packaging.version import Version

from kjh.paths import DBT_PROJECT_DIR
from kjh.settings import ENV_WAREHOUSE, RunSettings

# dbt and Dagster: no usage statistics, no calls home.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class KjhDbtCliResource(DbtCliResource):
    """DbtCliResource that takes the dbt version from the installed package.

    DbtCliResource runs `dbt --version` before every invocation to learn the
    version; that command always asks PyPI for the latest release (dbt has no
    flag to skip it: dbt/version.py get_latest_version), which costs a second
    or a timeout offline. The executable is the one of this interpreter's
    environment, so the package metadata gives the same answer without a call.
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))


def dbt_resource() -> KjhDbtCliResource:
    return KjhDbtCliResource(project_dir=dbt_project, dbt_executable=str(DBT_EXECUTABLE))


def ensure_warehouse_env() -> Path:
    """dbt's profile reads KJH_WAREHOUSE: the same absolute path Dagster uses."""
    path = RunSettings.from_env().warehouse.resolve()
    os.environ.setdefault(ENV_WAREHOUSE, str(path))
    return Path(os.environ[ENV_WAREHOUSE])


def manifest_is_stale() -> bool:
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


def ensure_manifest() -> None:
    """The manifest @dbt_assets reads, parsed again when missing or stale (the CLI and the tests call this
    before loading kjh.definitions)."""
    if not manifest_is_stale():
        return
    # Processes starting together (two `kjh` commands, the test workers) would each rewrite the manifest
    # while another reads it: one parses, the others wait and find it fresh.
    ziel = dbt_project.manifest_path.parent  # target_path is relative to the project
    ziel.mkdir(parents=True, exist_ok=True)
    with FileLock(ziel / ".manifest.lock"):
        if manifest_is_stale():
            prepare_manifest()


def prepare_manifest() -> Path:
    """Runs `dbt parse` and returns the manifest path (about 3-5 s).

    Call before loading the Dagster definitions (CLI, tests, CI): @dbt_assets
    reads target/manifest.json at import time. Does not open the warehouse, and leaves this process's
    environment as it is (dbt's profile gets the warehouse path in the subprocess's environment).
    """
    warehouse = os.environ.get(ENV_WAREHOUSE) or str(RunSettings.from_env().warehouse.resolve())
    result = subprocess.run(
        [
            str(DBT_EXECUTABLE), "parse",
            "--project-dir", str(dbt_project.project_dir),
            "--profiles-dir", str(dbt_project.profiles_dir),
            "--target-path", str(dbt_project.target_path),
            "--quiet",
        ],
        env={**os.environ, ENV_WAREHOUSE: warehouse, "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    return dbt_project.manifest_path
