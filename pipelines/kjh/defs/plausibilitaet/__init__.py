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

The asset ["qualitaet", "pruefergebnisse"] computes every result of the run
(these and the GX suites) once all their tables are built; the report site
depends on it, so its quality page always shows this run's checks. A check
step after it reports the stored results instead of running the SQL again.
It also builds the GX Data Docs, once a run, from every suite's kept results.

Merge into kjh.definitions with `plausibilitaet.defs()`; uses the `warehouse` resource.
"""
import time

import dagster as dg

from kjh.contract import LOAD_ORDER
from kjh.defs.qualitaet.checks import check_result, ensure_run_results
from kjh.defs.resources import Warehouse
from kjh.quality import finanzkontrollen, plausibilitaet
from kjh.quality.gx_context import baue_data_docs  # imports great_expectations only when it builds
from kjh.quality.rules import ERROR, INFO, WARN, Pruefergebnis
from kjh.quality.sql_pruefungen import SqlPruefung

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
            # an INFO statistic rides with the check of its asset (stored, never failing)
            assert all(p.schweregrad in (schweregrad, INFO) for p in mine), asset
            key = dg.AssetKey(asset.split("/"))
            gruppen.append((key, check, schweregrad, mine, [d for d in _deps(mine) if d != key]))
    return gruppen


def _deps(pruefungen) -> list[dg.AssetKey]:
    """The relations the checks declare they read besides their own asset (SqlPruefung.liest):
    built before the check runs."""
    return [dg.AssetKey(rel.split(".")) for rel in dict.fromkeys(r for p in pruefungen for r in p.liest)]


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
    def _run(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        start = time.perf_counter()
        with warehouse.writer() as con:
            ergebnisse = ensure_results(con, context.run.run_id, pruefungen, check_name)
        for e in ergebnisse:
            if not e.bestanden:
                (context.log.error if e.schweregrad == ERROR else context.log.warning)(
                    f"{e.schweregrad} {e.pruefung}: {e.meldung}")
        return check_result(asset_key, ergebnisse, schweregrad, sekunden=time.perf_counter() - start,
                            check_name=check_name)

    return _run


GRUPPEN = _gruppen()
plausibilitaet_checks = [_check(*g) for g in GRUPPEN]

# The Dagster checks holding the ERROR items of the statistics office (hard errors of records; the
# statutory export evaluates them per record of its year, kjh.statistik.befunde).
PLAUSI_ERROR_CHECKS = [dg.AssetCheckKey(key, check)
                   for key, check, schweregrad, _, _ in GRUPPEN if schweregrad == ERROR]
PLAUSI_ERROR_ASSETS = tuple(dict.fromkeys(p.asset for p in ALLE_PRUEFUNGEN if p.schweregrad == ERROR))


def ensure_results(con, lauf_id: str, pruefungen: tuple[SqlPruefung, ...], check_name: str) -> list[Pruefergebnis]:
    """This run's results of these checks: read when an earlier step of the run
    wrote them, otherwise run and written. Caller holds the writer lock."""
    from kjh.quality import results
    from kjh.quality.sql_pruefungen import run_all

    ergebnisse = results.read(con, lauf_id, [p.name for p in pruefungen])
    if ergebnisse is None:
        ergebnisse = run_all(con, pruefungen)
        results.write(con, lauf_id, ergebnisse, {ERROR: check_name, WARN: check_name, INFO: check_name})
    return ergebnisse


# The asset holding every check result of a run (the report site and `kjh run`'s summary read it)
PRUEFERGEBNISSE = dg.AssetKey(["qualitaet", "pruefergebnisse"])

# Every table the quality results are computed from: the raw tables (GX suites)
# and the dbt models the plausibility checks and finance controls read.
_ERGEBNIS_DEPS = list(dict.fromkeys(
    [dg.AssetKey(["raw", art]) for art in LOAD_ORDER]
    + [key for key, _, _, _, _ in GRUPPEN] + [d for *_, deps in GRUPPEN for d in deps]))


@dg.asset(key=PRUEFERGEBNISSE, group_name="qualitaet", deps=_ERGEBNIS_DEPS, description=(
    "Alle Prüfergebnisse dieses Laufs in audit.pruefergebnisse: die Great-Expectations-Suiten der Rohdaten, die "
    "Plausibilitätsprüfungen und die Finanzkontrollen; dazu einmal je Lauf die GX Data Docs unter "
    "<Berichte>/qualitaet/gx/. Die Qualitätsseite der Berichte hängt davon ab, damit sie "
    "jede Prüfung des Laufs zeigt (Dagster ordnet Prüfschritte und Berichte sonst nicht). Die Prüfschritte "
    "(asset checks) melden diese Ergebnisse, statt sie neu zu berechnen."))
def pruefergebnisse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    lauf_id = context.run.run_id
    settings = warehouse.settings
    with warehouse.writer() as con:
        ensure_run_results(con, LOAD_ORDER, lauf_id=lauf_id, reports=settings.reports, log=context.log.info)
        for _, check, _, pruefungen, _ in GRUPPEN:
            ensure_results(con, lauf_id, pruefungen, check)
        gesamt = con.execute("select count(*) from audit.pruefergebnisse where lauf_id = ?", [lauf_id]).fetchall()
        # names and counts only (never examples): `kjh run` prints them in its summary
        nicht_bestanden = [{"pruefung": r[0], "schweregrad": r[1], "fehlerhafte_zeilen": int(r[2])}
                           for r in con.execute(
            "select pruefung, schweregrad, fehlerhafte_zeilen from audit.pruefergebnisse"
            " where lauf_id = ? and not bestanden order by schweregrad, pruefung", [lauf_id]).fetchall()]
    # every suite of the run has kept its GX results by now: the Data Docs once, not per check step, and
    # outside the writer lock (they read only the reports folder)
    start = time.perf_counter()
    docs = baue_data_docs(settings.reports)
    context.log.info(f"GX Data Docs in {time.perf_counter() - start:.2f} s gebaut: {docs}")
    return dg.MaterializeResult(metadata={
        "pruefungen": int(gesamt[0][0]),
        "nicht_bestanden_error": sum(n["schweregrad"] == ERROR for n in nicht_bestanden),
        "nicht_bestanden_warn": sum(n["schweregrad"] == WARN for n in nicht_bestanden),
        "nicht_bestanden": dg.MetadataValue.json(nicht_bestanden),
        "gx_data_docs": dg.MetadataValue.path(str(docs)),
    })


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[pruefergebnisse], asset_checks=plausibilitaet_checks)


__all__ = ["ALLE_PRUEFUNGEN", "PLAUSI_ERROR_CHECKS", "FINANZ_CHECK", "PLAUSI_ERROR_CHECK", "PLAUSI_WARN_CHECK",
           "PRUEFERGEBNISSE", "PLAUSI_ERROR_ASSETS", "check_result", "defs", "ensure_results"]
