"""The two report assets. Rendering lives in kjh_reports (site.schreibe, excel.schreibe);
these only read the run settings, open the warehouse and report metadata:
counts, paths and flags, never a figure about a person.

The warehouse is opened read-only with the resource's path: reports run after
every writer of the job (they depend on the marts), and DuckDB allows readers
only once the single writer is done.
"""

import dagster as dg

from kjh.defs.plausibilitaet import PRUEFERGEBNISSE
from kjh.defs.resources import Warehouse
from kjh.settings import RunSettings

GROUP = "berichte"  # as the asset keys berichte/…
MARTS = (
    "fallzahlen_jahr", "fallzahlen_monat", "ausgaben_jahr", "ausgaben_monat", "kosten_je_fall", "eckwerte_jahr",
    "budget_auslastung", "traeger_kennzahlen", "budget_verbleib_jahr", "prognose_backtest", "prognose_genauigkeit",
    "vorjahresvergleich", "traeger_sozialraum_jahr",
)
# dbt asset keys are [schema, model]; the reports also read the cut-off
REPORT_DEPS = [dg.AssetKey(["marts", m]) for m in MARTS] + [dg.AssetKey(["intermediate", "int_berichtsstand"])]
# the site's quality page shows every check result of the run (kjh.defs.plausibilitaet)
WEBSITE_DEPS = REPORT_DEPS + [PRUEFERGEBNISSE]


def _daten(warehouse: Warehouse, settings: RunSettings):
    from kjh_reports import daten

    return daten.lade_datei(warehouse.path, settings.year)


@dg.asset(key=["berichte", "website"], group_name=GROUP, deps=WEBSITE_DEPS, description=(
    "The report site in the reports folder: index.html, Kreisübersicht, one page per social space, Finanzen, "
    "Qualität, Statistik; plotly.js once under assets/, works offline. Small counts protected unless the run is "
    "internal (--intern)."))
def website(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    from kjh_reports import site
    from kjh_reports.daten import KeineDaten

    settings = warehouse.settings
    try:
        d = _daten(warehouse, settings)
    except KeineDaten as leer:
        index = site.schreibe_leer(settings.reports, str(leer))
        context.log.info(f"Berichte: {leer}")
        return dg.MaterializeResult(metadata={"seiten": 1, "leer": True, "index": dg.MetadataValue.path(str(index))})
    geschrieben = site.schreibe(d, settings.reports, settings.intern)
    context.log.info(f"Berichte: {len(geschrieben.seiten)} Seiten in {geschrieben.sekunden:.1f} s, "
                     f"{geschrieben.index}")
    if geschrieben.nicht_schuetzbar:  # the pages then say "NICHT zur Weitergabe" in their header
        context.log.warning(f"{geschrieben.nicht_schuetzbar} kleine Fallzahlen bleiben erschließbar: die Berichte "
                            "sind nicht zur Weitergabe geeignet (kjh.geheimhaltung).")
    else:
        context.log.info("Berichte: keine kleine Fallzahl aus veröffentlichten Summen erschließbar.")
    return dg.MaterializeResult(metadata={
        "seiten": len(geschrieben.seiten),
        "diagramme": geschrieben.diagramme,
        "index": dg.MetadataValue.path(str(geschrieben.index)),
        "intern": geschrieben.intern,
        "gesperrte_zellen": int(geschrieben.gesperrte_zellen),
        "nicht_schuetzbar": int(geschrieben.nicht_schuetzbar),
        "sekunden": round(float(geschrieben.sekunden), 2),
    })


@dg.asset(key=["berichte", "excel"], group_name=GROUP, deps=REPORT_DEPS, description=(
    "The Excel workbook kjh-kennzahlen.xlsx in the reports folder: one Excel table per mart and grain (totals in "
    "sheets of their own), with the same small-cell protection as the site."))
def excel(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    from kjh_reports import excel as excel_mod
    from kjh_reports.daten import KeineDaten

    settings = warehouse.settings
    try:
        d = _daten(warehouse, settings)
    except KeineDaten as leer:
        context.log.info(f"Arbeitsmappe: nicht geschrieben – {leer}")
        return dg.MaterializeResult(metadata={"leer": True})
    mappe = excel_mod.schreibe(d, settings.reports, settings.intern)
    context.log.info(f"Arbeitsmappe: {mappe.pfad} ({mappe.blaetter} Blätter)")
    return dg.MaterializeResult(metadata={
        "pfad": dg.MetadataValue.path(str(mappe.pfad)),
        "blaetter": mappe.blaetter,
        "zeilen": mappe.zeilen,
        "intern": mappe.intern,
        "gesperrte_zellen": int(mappe.gesperrte_zellen),
        "nicht_schuetzbar": int(mappe.nicht_schuetzbar),
    })
