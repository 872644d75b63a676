"""Quality area: Great Expectations suites on the raw tables as Dagster asset checks.

Merge into kjh.definitions with `quality.defs()`; the checks use the
`warehouse` resource. ERROR_CHECKS are the ERROR checks the statutory export
must depend on.
"""
import dagster as dg

from kjh.defs.qualitaet.checks import ERROR_CHECK, ERROR_CHECKS, WARN_CHECK, quality_checks


def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=quality_checks)


__all__ = ["ERROR_CHECKS", "ERROR_CHECK", "WARN_CHECK", "defs"]
