"""Plausibility checks (statistics office) and finance controls as Dagster
asset checks on the dbt models, so they run after dbt.

  ["intermediate", "int_hilfen_episoden"]  plausibilitaet_error  ERROR items of the statistics office
  ["marts", "fallzahlen_jahr"]             plausibilitaet_warn   year-over-year jump of case counts
  ["marts", "ausgaben_jahr"]               plausibilitaet_warn   year-over-year jump of net expenditure
  ["marts", "kosten_je_fall"]              plausibilitaet_warn   cost per case-month outliers
  ["intermediate", "int_zahlungen"]        finanzkontrollen_warn finance controls (all WARN)

Not blocking in Dagster's sense (a blocking check would skip the marts and
reports downstream); every result is written to audit.pruefergebnisse (names
"plausi.…" / "finanz.…"), which the statutory export and the quality page read.

Merge into kjh.definitions with `plausibilitaet.defs()`; uses the `warehouse` resource.
"""
import time

import dagster as dg
from dagster_duckdb import DuckDBResource

from kjh.quality import finanzkontrollen, plausibilitaet
from kjh.defs.quality.checks import check_result
from kjh.quality.rules import ERROR, WARN
from kjh.quality.sql_pruefungen import SqlPruefung
from kjh.settings import RunSettings
from kjh.warehouse.lock import writer_lock

PLAUSI_ERROR_CHECK = "plausibilitaet_error"
PLAUSI_WARN_CHECK = "plausibilitaet_warn"
FINANZ_CHECK = "finanzkontrollen_warn"

ALLE_PRUEFUNGEN: tuple[SqlPruefung, ...] = plausibilitaet.PRUEFUNGEN + finanzkontrollen.PRUEFUNGEN


def _gruppen() -> list[tuple[dg.AssetKey, str, str, tuple[SqlPruefung, ...], list[dg.AssetKey]]]:
    """(asset, check name, severity, checks, additional deps) of every Dagster check."""
    gruppen = []
    for check, schweregrad, pruefungen in (
        (PLAUSI_ERROR_CHECK, ERROR, [p for p in plausibilitaet.PRUEFUNGEN if p.schweregrad == ERROR]),
        (PLAUSI_WARN_CHECK, WARN, [p for p in plausibilitaet.PRUEFUNGEN if p.schweregrad == WARN]),
        (FINANZ_CHECK, WARN, list(finanzkontrollen.PRUEFUNGEN)),
    ):
        for asset in dict.fromkeys(p.asset for p in pruefungen):
            mine = tuple(p for p in pruefungen if p.asset == asset)
            assert all(p.schweregrad == schweregrad for p in mine), asset
            gruppen.append((dg.AssetKey(asset.split("/")), check, schweregrad, mine, _deps(mine)))
    return gruppen


def _deps(pruefungen) -> list[dg.AssetKey]:
    """Tables the checks read besides their own asset (must be built before the check runs)."""
    sql = " ".join(p.fehler_sql + p.geprueft_sql for p in pruefungen)
    deps = []
    for key, table in ((["intermediate", "int_berichtsstand"], "intermediate.int_berichtsstand"),
                       (["intermediate", "int_hilfen_monate"], "intermediate.int_hilfen_monate"),
                       (["intermediate", "int_zahlungen_periodengerecht"],
                        "intermediate.int_zahlungen_periodengerecht"),
                       (["raw", "traeger"], "raw.traeger")):
        if table in sql:
            deps.append(dg.AssetKey(key))
    return deps


def _check(asset_key: dg.AssetKey, check_name: str, schweregrad: str, pruefungen: tuple[SqlPruefung, ...],
           deps: list[dg.AssetKey]) -> dg.AssetChecksDefinition:
    art = "Finanzkontrollen" if check_name == FINANZ_CHECK else "Plausibilitätsprüfungen"
    folge = ("Fehler (ERROR): schlägt eine fehl, wird die amtliche Statistik-Lieferung zurückgehalten."
             if schweregrad == ERROR else "Nur Hinweis (WARN): blockiert nichts.")

    @dg.asset_check(
        asset=asset_key,
        name=check_name,
        blocking=False,
        additional_deps=deps,
        description=f"{art} ({folge}) Prüfungen: " + "; ".join(
            f"{p.name}: {p.beschreibung}" for p in pruefungen) + " Ergebnisse in audit.pruefergebnisse.",
    )
    def _run(context: dg.AssetCheckExecutionContext, warehouse: DuckDBResource) -> dg.AssetCheckResult:
        from kjh.quality import results
        from kjh.quality.sql_pruefungen import run_all

        start = time.perf_counter()
        settings = RunSettings.from_env()
        with writer_lock(settings.warehouse, wait_seconds=600), warehouse.get_connection() as con:
            ergebnisse = run_all(con, pruefungen)
            results.write(con, context.run.run_id, ergebnisse, {ERROR: check_name, WARN: check_name})
        for e in ergebnisse:
            if not e.bestanden:
                (context.log.error if e.schweregrad == ERROR else context.log.warning)(
                    f"{e.schweregrad} {e.pruefung}: {e.meldung}")
        return check_result(asset_key, ergebnisse, schweregrad, sekunden=time.perf_counter() - start,
                            check_name=check_name)

    return _run


GRUPPEN = _gruppen()
plausibilitaet_checks = [_check(*g) for g in GRUPPEN]

# For the statutory export (kjh.defs.statistik / kjh.statistik.pruefung, not wired here): the ERROR
# check it must depend on, and the audit.pruefergebnisse asset names whose ERROR rows withhold it.
BLOCKING_CHECKS = [dg.AssetCheckKey(key, check)
                   for key, check, schweregrad, _, _ in GRUPPEN if schweregrad == ERROR]
QUALITAET_ASSETS = tuple(dict.fromkeys(p.asset for p in ALLE_PRUEFUNGEN if p.schweregrad == ERROR))


def ensure_error_results(con, lauf_id: str) -> None:
    """This run's results of the ERROR plausibility checks, for the statutory export.

    The check steps and the export are independent steps (no order between
    them): the export calls this first; the checks run here when their step has
    not run yet. Caller holds the writer lock.
    """
    from kjh.quality import results
    from kjh.quality.sql_pruefungen import run_all

    results.ensure_table(con)
    error = [p for p in plausibilitaet.PRUEFUNGEN if p.schweregrad == ERROR]
    done = {r[0] for r in con.execute(
        "select distinct asset from audit.pruefergebnisse where lauf_id = ?", [lauf_id]).fetchall()}
    if {p.asset for p in error} <= done:
        return
    results.write(con, lauf_id, run_all(con, error), {ERROR: PLAUSI_ERROR_CHECK, WARN: PLAUSI_ERROR_CHECK})


def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=plausibilitaet_checks)


__all__ = ["ALLE_PRUEFUNGEN", "BLOCKING_CHECKS", "FINANZ_CHECK", "PLAUSI_ERROR_CHECK", "PLAUSI_WARN_CHECK",
           "QUALITAET_ASSETS", "check_result", "defs"]
