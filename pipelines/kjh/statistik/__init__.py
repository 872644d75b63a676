"""Statutory state statistics (§§ 98–103 SGB VIII): the HZE, § 42 (VSM) and Teil IV deliveries.

Made from the warehouse's raw history, checked against versioned record
layouts (sources/statistik/layouts/) and the survey's plausibility rules,
reconciled with the marts, recorded in audit.statistik_lieferungen and
reproducible byte for byte. Entry points:

    erstellen_alle(con, out, berichtsjahr)   the year's drafts, one per office (kjh run)
    erstellen(con, out, berichtsjahr)        the draft of one office
    freigeben(con, id, out)                  the final files of a draft without hard errors
    reproduzieren(con, id, out)              a recorded draft or release again, byte for byte
    statistik_tabellen(con, ...)             the reviewer's tables as DataFrames (small cells suppressed)
    zusammenfassung.lesen(warehouse, ...)    everything the Statistik page of the report site shows
                                             (written by kjh.defs.reports.statistik_seite)
    summary_lines(result)                    lines for the `kjh run` summary
    vermerke_blockierte_lieferung(result)    records a delivery Dagster did not build (blocked upstream)
"""
import os
from pathlib import Path

ENV_STATISTIK = "KJH_STATISTIK"


def ausgabe_ordner(settings=None) -> Path:
    """Where `kjh run` writes deliveries: $KJH_STATISTIK, else <warehouse folder>/statistik.

    Not the reports folder: the delivery files are individual records (with
    Geburtsmonat/-jahr) and must not land on a published report site.
    """
    if os.environ.get(ENV_STATISTIK):
        return Path(os.environ[ENV_STATISTIK]).resolve()
    if settings is None:
        from kjh.settings import RunSettings

        settings = RunSettings.from_env()
    return Path(settings.warehouse).resolve().parent / "statistik"


from kjh.statistik.ergebnis import summary_lines, vermerke_blockierte_lieferung  # noqa: E402
from kjh.statistik.lieferung import (  # noqa: E402
    KannNichtErstellen,
    Lieferergebnis,
    erstellen,
    erstellen_alle,
    freigeben,
    reproduzieren,
)
from kjh.statistik.zusammenfassung import statistik_tabellen  # noqa: E402

__all__ = ["ENV_STATISTIK", "Lieferergebnis", "KannNichtErstellen", "ausgabe_ordner", "erstellen", "erstellen_alle",
           "freigeben",
           "reproduzieren", "statistik_tabellen", "summary_lines",
           "vermerke_blockierte_lieferung"]
