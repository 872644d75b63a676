"""Reports area: the report site and the Excel workbook, downstream of the marts.

Merge into kjh.definitions with `reports.defs()`; the assets read the
warehouse named by the `warehouse` resource (read-only, after the writers) and
write into RunSettings.from_env().reports.
"""
import dagster as dg

from kjh.defs.reports.assets import REPORT_DEPS, excel, website


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[website, excel])


__all__ = ["REPORT_DEPS", "defs"]
