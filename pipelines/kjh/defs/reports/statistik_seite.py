"""The Statistik page of the report site, written after a statutory delivery.

Wiring between two packages that do not import each other: kjh.statistik
computes what the page shows (its tables with small cells suppressed by
kjh.geheimhaltung, the delivery's status and checks), kjh_reports lays it out
in the site's frame. Called by the statistik asset, by `kjh statistik
--reports` and by `kjh run` when it records a blocked delivery.
"""
from pathlib import Path

import duckdb

from kjh.warehouse.connection import lesend


def render_statistik_page(warehouse, reports_dir: Path, *, berichtsjahr: int | None = None,
                          statistik_lieferung_id: int | None = None, intern: bool = False) -> Path:
    """Writes <reports_dir>/statistik.html (the site's page for the latest delivery) and returns its path.

    warehouse: the DuckDB file (opened read-only) or an open connection to it.
    """
    from kjh.statistik.zusammenfassung import lesen
    from kjh_reports import daten, site

    with lesend(warehouse) as con:
        seite = lesen(con, berichtsjahr=berichtsjahr, statistik_lieferung_id=statistik_lieferung_id, intern=intern)
        try:  # the frame's Datenstand and navigation (the social spaces) are the site's
            d = daten.lade(con)
        except (daten.KeineDaten, duckdb.CatalogException):
            d = None
    return site.schreibe_statistik(d, Path(reports_dir), intern, seite)
