"""Great Expectations 1.x, used quietly: imported only when a check runs,
analytics and progress bars off, nothing read from or sent to a network.

One ephemeral context per suite run. Without a reports folder its stores live
in memory; with one, the expectations and results are kept on disk (see
kjh.quality.data_docs) so that the Data Docs show every table's newest result.
The Data Docs are built from those stores once a run, after every suite has
run (`baue_data_docs`, called by qualitaet/pruefergebnisse), not per check step.
"""
import datetime as dt
import os
import shutil
from functools import cache
from pathlib import Path

from kjh.quality import data_docs
from kjh.quality.rules import ERROR, Bedingung, Pruefung

RESULT_FORMAT = {"result_format": "COMPLETE"}
# Results kept for the Data Docs carry at most this many unexpected values.
_GESPEICHERTE_WERTE = 20


@cache
def gx():
    """great_expectations, imported on first use (4-5 s) with analytics off."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # kjh.settings.quiet_environment sets it too
    os.environ.setdefault("GE_USAGE_STATS", "FALSE")
    import great_expectations

    return great_expectations


def _stores(ablage: Path | None) -> dict:
    def backend(name):
        if ablage is None:
            return {"class_name": "InMemoryStoreBackend"}
        return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(ablage / name)}

    memory = {"class_name": "InMemoryStoreBackend"}
    return {
        "expectations_store": {"class_name": "ExpectationsStore", "store_backend": backend("expectations")},
        "validation_results_store": {"class_name": "ValidationResultsStore", "store_backend": backend("validations")},
        "checkpoint_store": {"class_name": "CheckpointStore", "store_backend": memory},
        "validation_definition_store": {"class_name": "ValidationDefinitionStore", "store_backend": memory},
    }


class GxLauf:
    """The GX side of one suite run."""

    def __init__(self, reports: Path | None):
        g = gx()
        from great_expectations.data_context.types.base import DataContextConfig, ProgressBarsConfig

        self.site = data_docs.site_dir(reports) if reports else None
        self.ablage = data_docs.ablage_dir(reports) if reports else None
        config = DataContextConfig(
            stores=_stores(self.ablage),
            expectations_store_name="expectations_store",
            validation_results_store_name="validation_results_store",
            checkpoint_store_name="checkpoint_store",
            data_docs_sites={data_docs.SITE_NAME: data_docs.site_config(self.site)} if self.site else {},
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
        )
        self.context = g.get_context(project_config=config, mode="ephemeral")
        self.datasource = self.context.data_sources.add_pandas("kjh")
        self.batches = {}

    def forget(self, gx_suite_prefix: str) -> None:
        """Drop the stored suites and results of one table before its new ones are stored."""
        if self.ablage is None:
            return
        for store in ("expectations", "validations"):
            shutil.rmtree(self.ablage / store / gx_suite_prefix, ignore_errors=True)

    @property
    def version(self) -> str:
        return gx().__version__

    def _suite(self, suite_name: str, pruefungen: list[Pruefung], argumente: dict[str, dict]):
        g = gx()
        suite = g.ExpectationSuite(name=suite_name, expectations=[_expectation(p, argumente[p.name]) for p in pruefungen])
        return self.context.suites.add_or_update(suite)

    def validate(self, suite_name: str, frame, pruefungen: list[Pruefung], argumente: dict[str, dict]):
        """Validate one frame; returns the suite result and {pruefung name: ExpectationValidationResult}."""
        suite = self._suite(suite_name, pruefungen, argumente)
        # One data asset per table (raw_hilfen), shared by its parts and by every validation of a part:
        # GX writes its whole configuration again for each asset it adds (some 15 ms each, growing).
        tabelle = suite_name.split(".")[0]
        if tabelle not in self.batches:
            asset = self.datasource.add_dataframe_asset(tabelle)
            self.batches[tabelle] = asset.add_batch_definition_whole_dataframe(tabelle)
        batch = self.batches[tabelle].get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format=RESULT_FORMAT)
        return result, {r.expectation_config.meta["pruefung"]: r for r in result.results}

    def zusammen(self, suite_name: str, results: list, pruefungen: list[Pruefung], argumente: dict[str, dict]):
        """One result of several validations of a frame (the row checks by what they read, the rest on all
        rows), for the Data Docs; the suite is stored again with all its checks."""
        if len(results) == 1:
            return results[0]
        self._suite(suite_name, pruefungen, argumente)
        erstes = results[0]
        for r in results[1:]:
            erstes.results.extend(r.results)
        n, ok = len(erstes.results), sum(bool(r.success) for r in erstes.results)
        erstes.success = n == ok
        erstes.statistics.update({"evaluated_expectations": n, "successful_expectations": ok,
                                  "unsuccessful_expectations": n - ok,
                                  "success_percent": 100 * ok / n if n else None})
        return erstes

    def store(self, suite_name: str, result, lauf_id: str) -> None:
        """Keep the result for the Data Docs (shortened: call after evaluating it)."""
        if self.ablage is None:
            return
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        for r in result.results:  # the Data Docs show a few values, the warehouse keeps the counts
            for key in ("unexpected_list", "unexpected_index_list"):
                if isinstance(r.result.get(key), list):
                    r.result[key] = r.result[key][:_GESPEICHERTE_WERTE]
        run_id = RunIdentifier(run_name=lauf_id, run_time=dt.datetime.now(dt.UTC))
        result.meta["run_id"] = run_id
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
            run_id=run_id,
            batch_identifier=suite_name.split(".")[-1],
        )
        self.context.validation_results_store.set(key, result)


def baue_data_docs(reports: Path) -> Path:
    """The Data Docs site rebuilt from what the suite runs kept under `reports`; returns its index page."""
    lauf = GxLauf(reports)
    return data_docs.build(lauf.context, lauf.site)


def _expectation(p: Pruefung, argumente: dict):
    from great_expectations.expectations.metadata_types import FailureSeverity

    cls = getattr(gx().expectations, p.erwartung)
    kwargs = dict(argumente)
    condition = _row_condition(p.bedingungen)
    if condition is not None:
        kwargs["row_condition"] = condition
    return cls(
        **kwargs,
        severity=FailureSeverity.CRITICAL if p.schweregrad == ERROR else FailureSeverity.WARNING,
        # GX renders `description` in the Data Docs instead of its English text.
        description=f"{p.schweregrad} · {p.name}: {p.beschreibung}",
        meta={"pruefung": p.name, "schweregrad": p.schweregrad},
    )


def _row_condition(bedingungen: tuple[Bedingung, ...]):
    if not bedingungen:
        return None
    from great_expectations.expectations.row_conditions import Column

    parts = []
    for b in bedingungen:
        col = Column(name=b.spalte)
        parts.append({
            "==": lambda: col == b.wert, "!=": lambda: col != b.wert, "<": lambda: col < b.wert,
            "<=": lambda: col <= b.wert, ">": lambda: col > b.wert, ">=": lambda: col >= b.wert,
            "in": lambda: col.is_in(b.wert), "not_in": lambda: col.is_not_in(b.wert),
            "null": col.is_null, "not_null": col.is_not_null,
        }[b.op]())
    condition = parts[0]
    for part in parts[1:]:
        condition = condition & part
    return condition
