"""Run settings shared by the command line, the Dagster definitions and dbt.

One place: environment variables. The command line sets them from its options
before it loads the definitions; `kjh ui` and the Dagster daemon read the same
ones, and dbt's profile reads KJH_WAREHOUSE. Absolute paths only, so that dbt
and Dagster can never open two different warehouse files.
"""
import os
from dataclasses import dataclass, field
from pathlib import Path

from kjh.paths import kjh_home

ENV_SOURCES = "KJH_SOURCES"
ENV_WAREHOUSE = "KJH_WAREHOUSE"
ENV_REPORTS = "KJH_REPORTS"
ENV_YEAR = "KJH_YEAR"
ENV_MAPPINGS = "KJH_MAPPINGS"
ENV_INTERN = "KJH_INTERN"

_DAGSTER_YAML = """\
# Written by kjh. Nothing calls out; one run at a time writes the warehouse.
telemetry:
  enabled: false
nux:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 1
# the event log in Dagster's SQLite files, its connections kept open (kjh.event_log)
event_log_storage:
  module: kjh.event_log
  class: KeptOpenSqliteEventLogStorage
"""


@dataclass
class RunSettings:
    sources: Path
    warehouse: Path
    reports: Path
    year: int | None = None
    mappings: list[Path] = field(default_factory=list)
    intern: bool = False

    def apply(self) -> None:
        os.environ[ENV_SOURCES] = str(self.sources.resolve())
        os.environ[ENV_WAREHOUSE] = str(self.warehouse.resolve())
        os.environ[ENV_REPORTS] = str(self.reports.resolve())
        os.environ[ENV_YEAR] = str(self.year or "")
        os.environ[ENV_MAPPINGS] = os.pathsep.join(str(p.resolve()) for p in self.mappings)
        os.environ[ENV_INTERN] = "1" if self.intern else ""

    @classmethod
    def from_env(cls) -> "RunSettings":
        home = kjh_home()
        year = os.environ.get(ENV_YEAR, "")
        return cls(
            sources=Path(os.environ.get(ENV_SOURCES) or home / "eingang"),
            warehouse=Path(os.environ.get(ENV_WAREHOUSE) or home / "warehouse.duckdb"),
            reports=Path(os.environ.get(ENV_REPORTS) or home / "berichte"),
            year=int(year) if year else None,
            mappings=[Path(p) for p in os.environ.get(ENV_MAPPINGS, "").split(os.pathsep) if p],
            intern=os.environ.get(ENV_INTERN, "") == "1",
        )


def dagster_home_for(warehouse: Path) -> Path:
    """The Dagster home of a warehouse: its runs and event logs, beside the warehouse file, so
    that the UI of one warehouse never shows the runs of another."""
    warehouse = Path(warehouse).resolve()
    return warehouse.with_name(warehouse.name + ".dagster")


def telemetry_off() -> None:
    """Telemetry off for Dagster (also without a dagster.yaml), dbt and Great Expectations; no colour
    codes from dbt. Only the process environment: nothing is written."""
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    os.environ["GE_USAGE_STATS"] = "FALSE"
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    os.environ["DBT_USE_COLORS"] = "false"
    os.environ["DBT_USE_COLORS_FILE"] = "false"


def quiet_environment() -> None:
    """telemetry_off() and the Dagster home of the warehouse with kjh's dagster.yaml (DAGSTER_HOME, when
    set, is used as it is). Called by the command line before it loads the definitions."""
    telemetry_off()
    home = Path(os.environ.get("DAGSTER_HOME") or dagster_home_for(RunSettings.from_env().warehouse))
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / "dagster.yaml"
    # written once; a file an older kjh wrote (first line) is brought up to date, one the office edited is kept
    text = cfg.read_text(encoding="utf-8") if cfg.exists() else None
    if text is None or (text.startswith(_DAGSTER_YAML.splitlines()[0]) and text != _DAGSTER_YAML):
        cfg.write_text(_DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
