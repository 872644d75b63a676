"""The quality suites as Dagster asset checks on the raw tables.

Every raw table gets two checks on ["raw", <art>]:

  qualitaet_error  severity ERROR: every ERROR expectation of its suite. When
                   one fails, the statutory export is withheld (its asset reads
                   these results of the run); marts and controller reports are
                   still built, and show the failure.
  qualitaet_warn   not blocking, severity WARN: listed in the reports.

They come from multi-asset checks, not one step per table: the suites read
each other's tables (bookings need the helps, helps the providers and social
spaces, the coverage of population and budgets the bookings), so a per-table
step would have to depend on the other tables, and Dagster skips any step
downstream of a table whose failed check it waited for: one bad hilfen export
would hide every finding about the bookings. So the tables share one step
that runs after all of them are loaded, and every suite always runs. Only a table that other tables are loaded against
(sozialraeume) is checked in a step of its own, before them (see _groups).
The checks of a step can be run on their own (it validates only those tables).

Each run writes every expectation's result into audit.pruefergebnisse and
rebuilds the GX Data Docs in <reports>/qualitaet/gx/. Great Expectations is
imported only when the check runs.
"""
import time

import dagster as dg

from kjh.contract import LOAD_ORDER, load_contract
from kjh.defs.resources import Warehouse
from kjh.quality.rules import ERROR, WARN, Pruefergebnis, Suite
from kjh.quality.suites import SUITES

ERROR_CHECK = "qualitaet_error"
WARN_CHECK = "qualitaet_warn"
CHECK_NAMES = {ERROR: ERROR_CHECK, WARN: WARN_CHECK}
_SEVERITY = {ERROR: dg.AssetCheckSeverity.ERROR, WARN: dg.AssetCheckSeverity.WARN}
_MAX_MELDUNGEN = 20


def _description(suite: Suite, schweregrad: str) -> str:
    prefix = ("Fehler (ERROR): schlägt eine dieser Prüfungen fehl, wird die amtliche Statistik-Lieferung "
              "zurückgehalten." if schweregrad == ERROR else "Nur Hinweis (WARN): blockiert nichts.")
    names = ", ".join(p.name.split(".", 1)[1] for p in suite.von(schweregrad))
    return f"{prefix} {suite.beschreibung} Prüfungen: {names}."


def check_result(asset_key: dg.AssetKey, ergebnisse: list[Pruefergebnis], schweregrad: str, *, data_docs=None,
                 sekunden: float | None = None, check_name: str | None = None) -> dg.AssetCheckResult:
    """The Dagster result of one severity: passed when every check of it passed."""
    mine = [e for e in ergebnisse if e.schweregrad == schweregrad]
    failed = [e for e in mine if not e.bestanden]
    if failed:
        description = (f"{len(failed)} von {len(mine)} {schweregrad}-Prüfungen nicht bestanden: "
                       + "; ".join(f"{e.pruefung} ({e.fehlerhafte_zeilen})" for e in failed[:5])
                       + (" …" if len(failed) > 5 else ""))
    else:
        description = f"Alle {len(mine)} {schweregrad}-Prüfungen bestanden."
    metadata = {
        "schweregrad": schweregrad,
        "pruefungen": len(mine),
        "nicht_bestanden": len(failed),
        "fehlerhafte_zeilen": sum(e.fehlerhafte_zeilen for e in failed),
        "ergebnisse": dg.MetadataValue.table(
            records=[dg.TableRecord({"pruefung": e.pruefung, "bestanden": e.bestanden,
                                     "fehlerhafte_zeilen": e.fehlerhafte_zeilen, "geprueft_zeilen": e.geprueft_zeilen,
                                     "meldung": e.meldung}) for e in mine],
            schema=dg.TableSchema(columns=[
                dg.TableColumn("pruefung", "string"), dg.TableColumn("bestanden", "bool"),
                dg.TableColumn("fehlerhafte_zeilen", "int"), dg.TableColumn("geprueft_zeilen", "int"),
                dg.TableColumn("meldung", "string"),
            ]),
        ),
        "meldungen": dg.MetadataValue.md(
            "\n".join(f"- **{e.pruefung}** – {e.meldung}" for e in failed[:_MAX_MELDUNGEN])
            or "Keine Auffälligkeiten."),
        "beispiele": dg.MetadataValue.json({e.pruefung: e.beispiele for e in failed}),
        "je_sozialraum": dg.MetadataValue.json({e.pruefung: e.je_sozialraum for e in failed if e.je_sozialraum}),
    }
    if data_docs is not None:
        metadata["gx_data_docs"] = dg.MetadataValue.path(str(data_docs))
    if sekunden is not None:
        metadata["laufzeit_s"] = round(sekunden, 2)
    return dg.AssetCheckResult(asset_key=asset_key, check_name=check_name or CHECK_NAMES[schweregrad],
                               passed=not failed,
                               severity=_SEVERITY[schweregrad], description=description, metadata=metadata)


def _groups() -> list[list[str]]:
    """Which tables are checked in which step.

    A table other raw tables are loaded against (contract `referenz`:
    sozialraeume for hilfen.wohnort_ags) gets a step of its own, checked before
    those tables are loaded. All
    other tables share one step that runs after all of them are loaded.
    """
    contract = load_contract()
    referenced = {target.split(".")[0] for kind in contract.kinds.values() for target in kind.referenz.values()}
    groups = [[art] for art in LOAD_ORDER if art in referenced]
    groups.append([art for art in LOAD_ORDER if art not in referenced])
    for group in groups[:-1]:  # an early step cannot read tables loaded after it
        assert not SUITES[group[0]]().abhaengig_von, group
    return groups


def _quality_check(arts: list[str], name: str) -> dg.AssetChecksDefinition:
    specs = []
    for art in arts:
        suite = SUITES[art]()  # plain data, no GX
        key = dg.AssetKey(["raw", art])
        # Not blocking in Dagster's sense: a blocking check would skip every dbt model and report
        # downstream of the table. The statutory export is what an ERROR stops: its asset
        # (kjh.defs.statistik) depends on these results explicitly and is withheld on any ERROR.
        specs.append(dg.AssetCheckSpec(ERROR_CHECK, asset=key, blocking=False, description=_description(suite, ERROR)))
        specs.append(dg.AssetCheckSpec(WARN_CHECK, asset=key, blocking=False, description=_description(suite, WARN)))

    @dg.multi_asset_check(
        specs=specs,
        name=name,
        can_subset=True,
        description=(f"Great-Expectations-Suiten für {', '.join('raw.' + a for a in arts)} (je Tabelle ERROR "
                     "blockierend, WARN als Hinweis); Ergebnisse in audit.pruefergebnisse, Data Docs (gebaut von "
                     "qualitaet/pruefergebnisse) unter <Berichte>/qualitaet/gx/."),
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        from kjh.quality import data_docs, results
        from kjh.quality.runner import SuiteLauf, run_suites

        start = time.perf_counter()
        selected = set(context.selected_asset_check_keys)
        chosen = [art for art in arts if any(k.asset_key == dg.AssetKey(["raw", art]) for k in selected)]
        settings = warehouse.settings
        lauf_id = context.run.run_id
        # Writes audit.pruefergebnisse and the Data Docs: one writer at a time.
        with warehouse.writer() as con:
            # results an earlier step of this run already wrote (ensure_run_results) are reported, not re-run
            stored = {art: results.read(con, lauf_id, [p.name for p in SUITES[art]().pruefungen]) for art in chosen}
            laeufe = run_suites(con, [SUITES[art]() for art in chosen if stored[art] is None], lauf_id=lauf_id,
                                reports=settings.reports, log=context.log.info)
            for lauf in laeufe:
                results.write(con, lauf_id, lauf.ergebnisse, CHECK_NAMES)
        sekunden = time.perf_counter() - start
        # built once the run has every result (qualitaet/pruefergebnisse), not in each check step
        docs = data_docs.site_dir(settings.reports) / "index.html"
        laeufe += [SuiteLauf(suite=SUITES[art](), ergebnisse=ergebnisse)
                   for art, ergebnisse in stored.items() if ergebnisse is not None]
        for lauf in laeufe:
            key = dg.AssetKey(["raw", lauf.suite.art])
            for e in lauf.ergebnisse:
                if not e.bestanden:
                    log = context.log.error if e.schweregrad == ERROR else context.log.warning
                    log(f"{e.schweregrad} {e.pruefung}: {e.meldung}")
            for schweregrad in (ERROR, WARN):
                if dg.AssetCheckKey(key, CHECK_NAMES[schweregrad]) in selected:
                    yield check_result(key, lauf.ergebnisse, schweregrad, data_docs=docs,
                                       sekunden=sekunden)

    return _check


_GROUPS = _groups()
quality_checks = [_quality_check(group, f"kjh_qualitaet_{group[0]}") for group in _GROUPS[:-1]]
quality_checks.append(_quality_check(_GROUPS[-1], "kjh_qualitaet"))

# What the statutory export must depend on (and `kjh run` names when it is withheld).
ERROR_CHECKS = [dg.AssetCheckKey(dg.AssetKey(["raw", art]), ERROR_CHECK) for art in LOAD_ORDER]


def ensure_run_results(con, arts, *, lauf_id: str, reports, log=None) -> None:
    """Make sure this run's results of the suites of `arts` are in audit.pruefergebnisse.

    The check steps and the statutory export are independent steps of the job:
    Dagster gives no order between them. The export calls this first, so it
    always decides on this run's results (the suites run here when their step
    has not run yet; the step later replaces them with identical ones).
    Caller holds the writer lock.
    """
    from kjh.quality import results
    from kjh.quality.runner import run_suites

    results.ensure_table(con)
    done = {r[0] for r in con.execute(
        "select distinct asset from audit.pruefergebnisse where lauf_id = ?", [lauf_id]).fetchall()}
    missing = [art for art in arts if f"raw/{art}" not in done]
    if not missing:
        return
    for lauf in run_suites(con, [SUITES[art]() for art in missing], lauf_id=lauf_id, reports=reports, log=log):
        results.write(con, lauf_id, lauf.ergebnisse, CHECK_NAMES)
