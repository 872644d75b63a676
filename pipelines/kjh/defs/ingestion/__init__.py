import dagster as dg

from kjh.defs.ingestion.assets import codelisten, eingang, raw_assets
from kjh.defs.ingestion.checks import accounting_checks


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[eingang, codelisten, *raw_assets], asset_checks=accounting_checks)
