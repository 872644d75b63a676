"""What `kjh run` says about the statutory delivery, and the record of a delivery Dagster did not build.

    summary_lines(result, settings=None) -> list[str]     pure reading; for kjh/cli_summary.py
    vermerke_blockierte_lieferung(result, settings=None)  writes a `zurueckgehalten` record when the
                                                          run planned the delivery but a blocking
                                                          ERROR check upstream stopped it

Lines, one of:
    Statistik 2025: Entwurf Nr. 3 bereit zur Freigabe (7 Dateien in /…/statistik/2025/entwurf); …
    Statistik 2025: Entwurf Nr. 4 – 18 Sätze mit harten Fehlern fehlen, Freigabe wartet: …; Arbeitsliste /…csv
    Statistik-Lieferung 2025 zurückgehalten: … (blockierende Prüfungen der Eingaben)
    Statistik-Lieferung nicht erstellt: Berichtsjahr 2026 ist noch nicht abgeschlossen …
plus, when ERROR checks of the draft failed, one line per check with its message.
"""
import datetime as dt

import dagster as dg

# the Dagster asset of the statutory delivery (kjh.defs.statistik)
KEY = dg.AssetKey(["statistik", "lieferung"])


def _value(meta: dict, key: str, default=None):
    v = meta.get(key)
    return default if v is None else getattr(v, "value", v)


def _materialization(result):
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if mat.asset_key == KEY:
            return mat
    return None


def _planned(result) -> bool:
    """Was the delivery part of this run (the job's assets, or the run's asset selection)?"""
    selection = result.dagster_run.asset_selection
    if selection:
        return KEY in selection
    try:
        return KEY in result.job_def.asset_layer.selected_asset_keys
    except AttributeError:
        return False


def blockierende_pruefungen(result) -> list[dict]:
    """Failed blocking ERROR checks of the run on other assets, with the quality checks named inside them."""
    out = []
    for ev in result.get_asset_check_evaluations():
        if ev.passed or ev.severity != dg.AssetCheckSeverity.ERROR or getattr(ev, "blocking", None) is False:
            continue
        if ev.asset_key == KEY:
            continue
        check = f"{ev.asset_key.to_user_string()}:{ev.check_name}"
        namen = []
        table = ev.metadata.get("ergebnisse") if ev.metadata else None
        for rec in getattr(getattr(table, "value", None), "records", None) or []:
            data = rec.data
            if data.get("bestanden") in (False, "false", 0):
                namen.append(str(data.get("pruefung")))
        for name in namen or [check]:
            out.append({"name": name, "check": check})
    return out


def _settings(settings):
    if settings is None:
        from kjh.settings import RunSettings

        settings = RunSettings.from_env()
    return settings


def _vermerk(settings, run_id: str):
    """The withheld record written for this run by vermerke_blockierte_lieferung, if any (read-only)."""
    from kjh.statistik import audit
    from kjh.warehouse.connection import connect

    try:
        con = connect(settings.warehouse, read_only=True)
    except Exception:  # noqa: BLE001 - no warehouse, no record
        return None
    try:
        for e in reversed(audit.alle(con)):
            if e.lauf_id == run_id:
                return e
    finally:
        con.close()
    return None


def summary_lines(result, settings=None) -> list[str]:
    """Lines about the statutory delivery of this run (empty when the run did not plan it)."""
    mat = _materialization(result)
    if mat is not None:
        meta = mat.metadata
        status = _value(meta, "status")
        jahr = _value(meta, "berichtsjahr", "")
        nr = _value(meta, "lieferung_nr", "")
        dateien = _value(meta, "dateien", []) or []
        ordner = _value(meta, "ordner", "")
        aemter = _value(meta, "aemter", None)
        if status == "entwurf" and aemter:
            lines = [f"Statistik {jahr}: {len(aemter)} Jugendämter, je eines ein Entwurf in {ordner}"]
            for a in aemter:
                wegen = ", ".join(a["zurueckgehalten_wegen"])
                lines.append(f"  {a['kennnummer']}: Entwurf Nr. {a['lieferung_nr']} – "
                             + (f"Freigabe wartet auf {wegen} ({a['harte_saetze']} Sätze mit harten Fehlern)"
                                if wegen else "bereit zur Freigabe"))
            return lines
        if status == "entwurf":
            wie = "" if _value(meta, "neu", True) else " (unverändert, gleiche Eingaben)"
            wegen = _value(meta, "zurueckgehalten_wegen", []) or []
            offen = int(_value(meta, "offene_befunde", 0) or 0)
            hart = int(_value(meta, "harte_saetze", 0) or 0)
            liste = _value(meta, "arbeitsliste", "")
            if not wegen:
                lines = [f"Statistik {jahr}: Entwurf Nr. {nr}{wie} bereit zur Freigabe ({len(dateien)} Dateien in "
                         f"{ordner}); freigeben mit: kjh statistik --warehouse {_settings(settings).warehouse} "
                         f"--freigeben {nr}"]
                if offen:
                    lines.append(f"  {offen} weiche Befunde noch unbestätigt (halten nichts auf): {liste}")
                return lines
            lines = [f"Statistik {jahr}: Entwurf Nr. {nr}{wie} in {ordner} – "
                     + (f"{hart} Sätze mit harten Fehlern fehlen, " if hart else "")
                     + f"Freigabe wartet auf: {', '.join(wegen)}; Arbeitsliste {liste}"]
            for ev in result.get_asset_check_evaluations():
                if ev.asset_key == KEY and not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR:
                    lines.append(f"  {ev.check_name}: {ev.description or ''}")
            return lines
        if status == "zurueckgehalten":
            wegen = _value(meta, "zurueckgehalten_wegen", []) or []
            lines = [f"Statistik-Lieferung {jahr} zurückgehalten: {', '.join(wegen)} (Nr. {nr}) – Prüfbericht "
                     f"{_value(meta, 'pruefbericht', '')}"]
            for ev in result.get_asset_check_evaluations():
                if ev.asset_key == KEY and not ev.passed and ev.severity == dg.AssetCheckSeverity.ERROR:
                    lines.append(f"  {ev.check_name}: {ev.description or ''}")
            return lines
        return [f"Statistik-Lieferung nicht erstellt: {_value(meta, 'meldung', '')}"]
    if not _planned(result):
        return []
    blockiert = blockierende_pruefungen(result)
    settings = _settings(settings)
    vermerk = _vermerk(settings, result.run_id)
    if vermerk is not None:
        return [f"Statistik-Lieferung {vermerk.berichtsjahr} zurückgehalten: {', '.join(vermerk.zurueckgehalten_wegen)} "
                f"(Nr. {vermerk.statistik_lieferung_id}) – Prüfbericht "
                f"{vermerk.ausgabe_ordner}/{vermerk.ausgaben[0]['datei'] if vermerk.ausgaben else ''}"]
    jahr = f" {settings.year}" if settings.year else ""
    if blockiert:
        return [f"Statistik-Lieferung{jahr} zurückgehalten: {', '.join(b['name'] for b in blockiert)} "
                "(blockierende Prüfungen der Eingaben; die Lieferung wurde nicht berechnet)"]
    return [f"Statistik-Lieferung{jahr} nicht erstellt: der Schritt lief nicht (siehe Fehler oben)."]


def vermerke_blockierte_lieferung(result, settings=None, *, jetzt: dt.datetime | None = None, seite=None):
    """Records the delivery as withheld when the run planned it but blocking ERROR checks stopped it.

    Call after the job, while holding the writer lock (as `kjh run` does). Returns
    the lieferung.Lieferergebnis, or None when there is nothing to record. seite: writes the Statistik page
    of the reports folder, called as seite(con, reports, berichtsjahr=..., intern=...) (`kjh run` passes
    kjh.defs.reports.statistik_seite.render_statistik_page; this package does not import the reports).
    """
    if _materialization(result) is not None or not _planned(result):
        return None
    blockiert = blockierende_pruefungen(result)
    if not blockiert:
        return None
    from kjh.statistik import ausgabe_ordner
    from kjh.statistik.lieferung import KannNichtErstellen, erstellen
    from kjh.warehouse.connection import writer

    settings = _settings(settings)
    with writer(settings.warehouse, wait_seconds=600) as con:
        try:
            ergebnis = erstellen(con, ausgabe_ordner(settings), settings.year, lauf_id=result.run_id,
                                 jetzt=jetzt, blockiert_durch=blockiert)
        except KannNichtErstellen:
            return None
        if seite is not None:
            seite(con, settings.reports, berichtsjahr=ergebnis.berichtsjahr, intern=settings.intern)
    return ergebnis
