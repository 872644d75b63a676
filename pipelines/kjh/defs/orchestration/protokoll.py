"""Where a run's messages go: everything to a log file, one line per step to the screen.

Dagster's console logger prints every event and dbt's ~380 progress lines (with ANSI
colours) to the terminal. The job's logger here instead writes the whole log to a file
(`<warehouse folder>/logs/…`) and prints one plain line per finished step to stdout
(`kjh run` shows those as its progress; under `kjh ui` they land in the run's
compute log). Named `console` so that it replaces Dagster's default logger.
"""
import logging
import os
import sys
from datetime import datetime
from pathlib import Path

import dagster as dg

ENV_PROTOKOLL = "KJH_PROTOKOLL"   # log file of this run; set by `kjh run`
# KJH_PROTOKOLL_AUF_STDOUT=1: the whole log on stdout as well (the benchmark times the phases of a
# run from its lines).
ENV_AUF_STDOUT = "KJH_PROTOKOLL_AUF_STDOUT"


def verbose() -> bool:
    return os.environ.get(ENV_AUF_STDOUT) == "1"
_FORMAT = "%(asctime)s %(levelname)-7s %(message)s"


def log_dir(warehouse: Path) -> Path:
    return Path(warehouse).resolve().parent / "logs"


def new_log_file(warehouse: Path) -> Path:
    folder = log_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{Path(warehouse).stem}-{datetime.now():%Y%m%d-%H%M%S}.log"


def step_label(step_key: str) -> str:
    if step_key == "kjh_dbt":
        return "dbt build (Modelle und Tests)"
    return step_key.replace("__", "/")


class _Progress(logging.Handler):
    """One line per finished step, from the Dagster events."""

    def __init__(self, stream):
        super().__init__(logging.DEBUG)
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None or not event.step_key:
            return
        kind = event.event_type_value
        if kind == "STEP_SUCCESS":
            seconds = getattr(event.event_specific_data, "duration_ms", 0) / 1000
            line = f"  ok      {step_label(event.step_key)} ({seconds:.1f} s)"
        elif kind == "STEP_FAILURE":
            line = f"  FEHLER  {step_label(event.step_key)}"
        elif kind == "STEP_SKIPPED":
            line = f"  –       {step_label(event.step_key)} übersprungen"
        else:
            return
        try:
            self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass


# `kjh run` points this at the real stdout while it sends Python's stdout to the log file.
progress_stream = None


@dg.logger(
    config_schema={"log_level": dg.Field(str, is_required=False, default_value="INFO")},
    description="Log file in <warehouse folder>/logs, one progress line per step on stdout.",
)
def kjh_protokoll(init_context: dg.InitLoggerContext) -> logging.Logger:
    from kjh.settings import RunSettings

    path = os.environ.get(ENV_PROTOKOLL)
    if not path:
        path = new_log_file(RunSettings.from_env().warehouse)
    logger = logging.Logger("kjh", logging.DEBUG)
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setLevel(init_context.logger_config["log_level"])
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(file_handler)
    if verbose():
        echo = logging.StreamHandler(progress_stream or sys.stdout)
        echo.setLevel(init_context.logger_config["log_level"])
        echo.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(echo)
    else:
        logger.addHandler(_Progress(progress_stream or sys.stdout))
    return logger
