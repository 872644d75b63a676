"""All Dagster definitions of kjh: loads and merges the areas, nothing else.

`kjh ui` and the command line load exactly this object.
"""
import dagster as dg

from kjh.defs import ingestion, orchestration, plausibilitaet, qualitaet, reports, statistik, transform
from kjh.defs.resources import warehouse_resource

defs = dg.Definitions.merge(
    ingestion.defs(),
    qualitaet.defs(),
    transform.defs(),
    plausibilitaet.defs(),
    statistik.defs(),
    reports.defs(),
    orchestration.defs(),
    dg.Definitions(resources={"warehouse": warehouse_resource()}),
)
