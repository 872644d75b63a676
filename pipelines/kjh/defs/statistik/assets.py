"""["statistik", "lieferung"]: the statutory delivery of the reporting year.

Depends on the raw tables it is made from and on the marts it is reconciled
with. Two safeguards, both needed:

* The quality ERROR checks on raw/hilfen, raw/traeger and raw/zahlungen are
  not blocking in Dagster (that would skip every mart and controller report);
  this asset depends on their results explicitly: on the asset
  qualitaet/pruefergebnisse, which holds every result of the run, and its own
  blocking check `eingaben_qualitaet` fails on any failed ERROR among them.
  When an upstream step fails (dbt), the asset does not run at all; `kjh run`
  then records the withheld delivery (kjh.statistik.vermerke_blockierte_lieferung)
  and its summary names the reason.
* The asset itself: it builds every record of the year from the raw history,
  checks it (the checks below, one Dagster asset check each) and collects the
  findings per record (kjh.statistik.befunde). It always writes the draft:
  every record without a hard error, the validation report and the clerk's
  work list; a failed ERROR check keeps the year from release (`kjh statistik
  --freigeben ID` refuses) until the exports are corrected. A hard error of a
  help of an earlier year blocks nothing. The record says what was made and why
  it cannot be released yet; the silence of a skipped step says nothing.

Metadata: status, berichtsjahr, lieferung_nr, dateien, zurueckgehalten_wegen,
offene_befunde, harte_saetze, meldung, pruefbericht, arbeitsliste,
statistik_seite (paths and counts, no record values).
"""
import dagster as dg

from kjh.defs.plausibilitaet import PRUEFERGEBNISSE
from kjh.defs.reports.statistik_seite import render_statistik_page
from kjh.defs.resources import Warehouse
from kjh.statistik import arbeitsliste, ausgabe_ordner
from kjh.statistik.ergebnis import KEY
from kjh.statistik.lieferung import NICHT_ERSTELLT, KannNichtErstellen, Lieferergebnis, erstellen_alle
from kjh.statistik.pruefung import DATEI, ERROR, PRUEFUNGEN, SATZ

GROUP = "statistik"
EINGABEN = [dg.AssetKey(["raw", art]) for art in ("hilfen", "traeger", "zahlungen")]
MARTS = [dg.AssetKey(["marts", "fallzahlen_jahr"]), dg.AssetKey(["marts", "ausgaben_jahr"]),
         dg.AssetKey(["intermediate", "int_hilfen_episoden"])]  # the plausibility checks' asset

CHECK_SPECS = [
    dg.AssetCheckSpec(p.name, asset=KEY, blocking=p.schweregrad == ERROR,
                      description=({(ERROR, DATEI): "Blockierend (ERROR): hält die Freigabe des Jahres auf. ",
                                    (ERROR, SATZ): "Harter Fehler eines Satzes (ERROR): der Satz fehlt im Entwurf, "
                                                   "die Freigabe wartet auf die Korrektur. "}
                                   .get((p.schweregrad, p.ebene), "Hinweis (WARN). ")) + p.beschreibung)
    for p in PRUEFUNGEN
]


def metadata(ergebnisse: list[Lieferergebnis], seite=None) -> dict:
    """The main office's delivery in the classic keys; with several offices also one row per office."""
    ergebnis = ergebnisse[0]
    meta = {
        "status": ergebnis.status,
        "berichtsjahr": ergebnis.berichtsjahr if ergebnis.berichtsjahr is not None else "",
        "lieferung_nr": ergebnis.statistik_lieferung_id if ergebnis.statistik_lieferung_id is not None else "",
        "neu": ergebnis.neu,
        "meldung": dg.MetadataValue.md(ergebnis.meldung),
        "zurueckgehalten_wegen": dg.MetadataValue.json(list(dict.fromkeys(
            w for e in ergebnisse for w in e.zurueckgehalten_wegen))),
        # counts only: the findings name helps, so they stay in the internal work list
        "offene_befunde": sum(e.offene_befunde for e in ergebnisse),
        "harte_saetze": sum(e.harte_saetze for e in ergebnisse),
        "dateien": dg.MetadataValue.json([{k: x[k] for k in ("datei", "saetze", "bytes", "sha256")}
                                          for e in ergebnisse for x in e.dateien]),
    }
    if len(ergebnisse) > 1:
        meta["aemter"] = dg.MetadataValue.json([
            {"kennnummer": e.kennnummer, "lieferung_nr": e.statistik_lieferung_id, "status": e.status,
             "zurueckgehalten_wegen": e.zurueckgehalten_wegen, "harte_saetze": e.harte_saetze,
             "offene_befunde": e.offene_befunde, "ordner": str(e.ordner) if e.ordner else ""} for e in ergebnisse])
    if ergebnis.ordner is not None:
        meta["ordner"] = dg.MetadataValue.path(str(ergebnis.ordner))
    if ergebnis.pruefbericht is not None:
        meta["pruefbericht"] = dg.MetadataValue.path(str(ergebnis.pruefbericht))
    if ergebnis.arbeitsliste is not None:
        meta["arbeitsliste"] = dg.MetadataValue.path(str(ergebnis.arbeitsliste))
    if seite is not None:
        meta["statistik_seite"] = dg.MetadataValue.path(str(seite))
    return meta


def check_results(ergebnisse: list[Lieferergebnis], selected) -> list[dg.AssetCheckResult]:
    """One result per check over every office's delivery: passed when it passed for each."""
    mehrere = len(ergebnisse) > 1
    out = []
    for p in PRUEFUNGEN:
        rs = [(e, r) for e in ergebnisse for r in e.pruefungen if r["name"] == p.name]
        if not rs or dg.AssetCheckKey(KEY, p.name) not in selected:
            continue  # not checked (no delivery due, or blocked upstream)
        failed = [(e, r) for e, r in rs if not r["bestanden"]]
        shown = failed or rs[:1]
        text = " | ".join((f"{e.kennnummer}: " if mehrere else "") + r["meldung"] for e, r in shown)
        out.append(dg.AssetCheckResult(
            asset_key=KEY, check_name=p.name, passed=not failed,
            severity=dg.AssetCheckSeverity.ERROR if p.schweregrad == ERROR else dg.AssetCheckSeverity.WARN,
            description=text[:2000],
            metadata={"anzahl": sum(int(r.get("anzahl", 0)) for _, r in rs),
                      "berichtsjahr": ergebnisse[0].berichtsjahr or ""},
        ))
    return out


@dg.multi_asset(
    specs=[dg.AssetSpec(KEY, group_name=GROUP, deps=EINGABEN + MARTS + [PRUEFERGEBNISSE], description=(
        "Draft of the reporting year's statutory delivery (HZE, § 42, Teil IV) as fixed-width files and "
        "DatML/RAW: every record without a hard error, checked against the record layouts and the survey's "
        "plausibility, reconciled with the marts, with the clerk's work list. Released with "
        "`kjh statistik --freigeben ID` when no ERROR is left. Recorded in audit.statistik_lieferungen."),)],
    check_specs=CHECK_SPECS,
    can_subset=True,
    name="statistik_lieferung",
)
def statistik_lieferung(context: dg.AssetExecutionContext, warehouse: Warehouse):
    settings = warehouse.settings
    out = ausgabe_ordner(settings)
    with warehouse.writer() as con:
        try:
            ergebnisse = erstellen_alle(con, out, settings.year, lauf_id=context.run.run_id)
        except KannNichtErstellen as exc:
            ergebnisse = [Lieferergebnis(berichtsjahr=settings.year, status=NICHT_ERSTELLT, meldung=str(exc))]
        seite = render_statistik_page(con, settings.reports, berichtsjahr=ergebnisse[0].berichtsjahr,
                                      intern=settings.intern)
        if settings.intern:  # the internal site also carries the clerk's work list
            for e in ergebnisse:
                if e.arbeitsliste is not None:
                    arbeitsliste.kopieren(e.arbeitsliste, settings.reports)
    for ergebnis in ergebnisse:
        if ergebnis.zurueckgehalten_wegen:
            context.log.warning(f"Statistik {ergebnis.berichtsjahr}: Entwurf Nr. {ergebnis.statistik_lieferung_id}"
                                f", Freigabe wartet auf {', '.join(ergebnis.zurueckgehalten_wegen)} – "
                                f"{ergebnis.pruefbericht}")
        elif ergebnis.status == NICHT_ERSTELLT:
            context.log.info(f"Keine Statistik-Lieferung: {ergebnis.meldung}")
        else:
            context.log.info(ergebnis.meldung)
    yield dg.MaterializeResult(asset_key=KEY, metadata=metadata(ergebnisse, seite))
    yield from check_results(ergebnisse, set(context.selected_asset_check_keys))
