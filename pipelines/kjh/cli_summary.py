"""The summary table `kjh run` prints at the end: one line per delivered file."""
from kjh.contract import LOAD_ORDER

_COLUMNS = ("datei", "art", "zeilen", "geladen", "quarantaene", "uebersprungen", "status", "meldung")


def outcomes_of(result) -> list[dict]:
    """Per-file outcomes from the run's materialization metadata (no record values in there)."""
    rows = []
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        meta = mat.metadata.get("lieferungen")
        if meta is not None:
            rows.extend(meta.value)
    rank = {art: i for i, art in enumerate(LOAD_ORDER)}
    return sorted(rows, key=lambda r: (rank.get(r["art"], -1), r["exportdatum"] or "", r["datei"]))


def format_table(rows: list[dict]) -> str:
    header = ["Datei", "Art", "Zeilen", "geladen", "Quarantäne", "übersprungen", "Status", "Meldung"]
    body = []
    for r in rows:
        status = r["status"] + (" (schon bekannt)" if r.get("bereits_geladen") else "")
        body.append([r["datei"], r["art"] or "–", r["zeilen"], r["geladen"], r["quarantaene"], r["uebersprungen"],
                     status, r["meldung"]])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *body)] if body else [len(h) for h in header]
    widths[-1] = len(header[-1])  # the message runs on, no padding
    numeric = {2, 3, 4, 5}

    def line(cells):
        return "  ".join(str(c).rjust(w) if i in numeric else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(b) for b in body]
    return "\n".join(out)


def print_summary(result, settings, log_file=None) -> None:
    rows = outcomes_of(result)
    print()
    print("Zusammenfassung der Lieferungen")
    print(format_table(rows) if rows else "(keine Dateien im Quellordner)")
    from kjh.statistik import summary_lines

    statistik = summary_lines(result, settings)
    if statistik:
        print()
        for line in statistik:
            print(line)
    pruefungen = quality_lines(result, settings)
    if pruefungen:
        print()
        for line in pruefungen:
            print(line)
    rejected = [r for r in rows if r["status"] == "abgelehnt" and not r.get("bereits_geladen")]
    quarantined = sum(r["quarantaene"] for r in rows if not r.get("bereits_geladen"))
    print()
    print(f"Warehouse: {settings.warehouse}")
    print(f"Berichte:  {settings.reports}")
    if log_file is not None:
        print(f"Protokoll: {log_file}")
    if quarantined:
        print(f"{quarantined} Datensätze in Quarantäne: select * from audit.quarantaene")
    if rejected:
        print(f"{len(rejected)} Datei(en) abgelehnt: select * from audit.lieferungen where status = 'abgelehnt'")
    for line in report_lines(result):
        print(line)


def report_lines(result) -> list[str]:
    """The last lines: what the reports asset says about small counts, and which page to open."""
    meta = None
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if mat.asset_key.path == ["berichte", "website"]:
            meta = mat.metadata
    if meta is None:
        return []
    lines = []
    offen = meta["nicht_schuetzbar"].value if "nicht_schuetzbar" in meta else 0
    if offen:
        lines.append(f"Achtung: {offen} kleine Fallzahlen bleiben in den Berichten erschließbar – vor einer "
                     "Weitergabe nach außen prüfen.")
    if "index" in meta:
        lines.append(f"Berichte öffnen: {meta['index'].value}")
    return lines


_MAX_GENANNT = 10


def quality_lines(result, settings) -> list[str]:
    """The run's quality results in a few lines, from the metadata of qualitaet/pruefergebnisse
    (names and counts, nothing from a record). Empty when that asset did not run."""
    from kjh.defs.plausibilitaet import PRUEFERGEBNISSE

    meta = None
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if mat.asset_key == PRUEFERGEBNISSE:
            meta = mat.metadata
    if meta is None:
        return []
    gesamt = meta["pruefungen"].value
    fehler, warnungen = meta["nicht_bestanden_error"].value, meta["nicht_bestanden_warn"].value
    seite = settings.reports / "qualitaet.html"
    wo = (str(seite) if seite.exists() else
          f"select * from audit.pruefergebnisse where lauf_id = '{result.run_id}' and not bestanden")
    lines = [f"Qualitätsprüfungen: {gesamt} geprüft, {fehler} Fehler (ERROR), {warnungen} Warnungen (WARN)"
             + ("" if fehler or warnungen else " – alle bestanden") + f"; Einzelheiten: {wo}"]
    nicht_bestanden = meta["nicht_bestanden"].value if "nicht_bestanden" in meta else []
    for n in nicht_bestanden[:_MAX_GENANNT]:
        lines.append(f"  {n['schweregrad']:5}  {n['pruefung']}: {n['fehlerhafte_zeilen']} auffällig")
    if len(nicht_bestanden) > _MAX_GENANNT:
        lines.append(f"  … und {len(nicht_bestanden) - _MAX_GENANNT} weitere")
    return lines
