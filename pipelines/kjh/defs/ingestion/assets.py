"""One asset per export kind and reference file, plus the inbox and the code lists.

Each raw asset loads the files of its kind found in the sources folder (oldest
export date first), one transaction per file. Metadata carries counts and file
names only, never a value from a record.
"""

import dagster as dg

from kjh.contract import LOAD_ORDER, load_contract
from kjh.defs.resources import Warehouse
from kjh.ingest.codelisten import write_codelisten
from kjh.ingest.load import Outcome, deliver
from kjh.ingest.mapping import find_mappings
from kjh.ingest.naming import discover
from kjh.ingest.pseudonym import install_hmac_macro, load_key
from kjh.warehouse.arbeitsordner import bereitstellen
from kjh.warehouse.connection import scalar

GROUP = "ingestion"


def _deliveries(warehouse: Warehouse, art):
    settings = warehouse.settings
    mappings = find_mappings(settings.sources, settings.mappings)
    return settings, [d for d in discover(settings.sources, mappings) if d.art == art]


def _load_all(context: dg.AssetExecutionContext, warehouse: Warehouse, art) -> list[Outcome]:
    settings, deliveries = _deliveries(warehouse, art)
    outcomes = []
    with warehouse.writer() as con:
        # the private working folder, emptied of anything a killed run left there
        workdir = bereitstellen(settings.warehouse)
        install_hmac_macro(con, load_key())
        for delivery in deliveries:
            context.log.info(f"{delivery.datei}: wird geladen …")
            outcome = deliver(con, delivery, lauf_id=context.run.run_id, workdir=workdir)
            log = context.log.warning if outcome.status == "abgelehnt" else context.log.info
            log(f"{delivery.datei}: {outcome.status}, {outcome.zeilen} Datensätze – {outcome.meldung}")
            outcomes.append(outcome)
    return outcomes


def _metadata(outcomes: list[Outcome], bestand: int | None = None) -> dict:
    rows = [o.as_row() for o in outcomes]
    meta = {
        "dateien": len(outcomes),
        "abgelehnt": sum(o.status == "abgelehnt" and not o.bereits_geladen for o in outcomes),
        "zeilen": sum(o.zeilen for o in outcomes if not o.bereits_geladen),
        "geladen": sum(o.geladen for o in outcomes if not o.bereits_geladen),
        "quarantaene": sum(o.quarantaene for o in outcomes if not o.bereits_geladen),
        "uebersprungen": sum(o.uebersprungen for o in outcomes),
        "lieferungen": dg.MetadataValue.json(rows),
    }
    if bestand is not None:
        meta["bestand_aktuell"] = bestand
    return meta


@dg.asset(key=["audit", "eingang"], group_name=GROUP, description=(
    "Scans the sources folder. Every *.csv is a delivery; a file whose name matches no kind is "
    "rejected and recorded in audit.lieferungen, never silently ignored."))
def eingang(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    outcomes = _load_all(context, warehouse, None)
    return dg.MaterializeResult(metadata=_metadata(outcomes))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["ref", "codelisten"], group_name=GROUP, description="All code lists of the contract (liste, code, bezeichnung)."),
        dg.AssetSpec(["ref", "hilfearten"], group_name=GROUP, description="Types of help with paragraph, setting and statistics code."),
        dg.AssetSpec(["ref", "orte_der_durchfuehrung"], group_name=GROUP,
                     description="Places of help (01-12) with the setting they imply."),
    ]
)
def codelisten(context: dg.AssetExecutionContext, warehouse: Warehouse):
    with warehouse.writer() as con:
        counts = write_codelisten(con)
    for table, n in counts.items():
        yield dg.MaterializeResult(asset_key=["ref", table], metadata={"zeilen": n})


def _raw_asset(art: str) -> dg.AssetsDefinition:
    kind = load_contract().kinds[art]
    deps = [["audit", "eingang"]]
    deps += [["raw", ref.split(".")[0]] for ref in kind.referenz.values()]
    history = "full export: every version kept (stand_ab/stand_bis)" if kind.load == "full" else "delta: append-only"

    @dg.asset(key=["raw", art], group_name=GROUP, deps=deps, name=None,
              description=f"raw.{art}: the `{art}` deliveries, {history}.")
    def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        outcomes = _load_all(context, warehouse, art)
        with warehouse.reader() as con:
            where = "where stand_bis is null" if kind.load == "full" else ""
            bestand = scalar(con, f"select count(*) from raw.{art} {where}")
        return dg.MaterializeResult(metadata=_metadata(outcomes, bestand))

    return _asset


raw_assets = [_raw_asset(art) for art in LOAD_ORDER]
