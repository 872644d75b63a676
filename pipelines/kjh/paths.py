"""Where things live: the checkout's folders and the default working folder."""
import os
from pathlib import Path

# kjh runs from its checkout (installed editable): the contract, the dbt project
# and the report templates are read from there.
REPO_ROOT = Path(__file__).resolve().parents[2]
CONTRACT_DIR = REPO_ROOT / "sources" / "contract"
MAPPINGS_DIR = REPO_ROOT / "sources" / "mappings"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def kjh_home() -> Path:
    """Working folder for runtime state (Dagster instance, default warehouse)."""
    return Path(os.environ.get("KJH_HOME", REPO_ROOT / "var")).resolve()
