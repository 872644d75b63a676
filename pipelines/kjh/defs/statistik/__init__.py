"""Statistik area: the statutory delivery (HZE, § 42, Teil IV) as an asset with its plausibility checks.

Merge into kjh.definitions with `statistik.defs()`; uses the `warehouse` resource.
"""
import dagster as dg

from kjh.defs.statistik.assets import CHECK_SPECS, KEY, statistik_lieferung


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[statistik_lieferung])


__all__ = ["CHECK_SPECS", "KEY", "defs", "statistik_lieferung"]
