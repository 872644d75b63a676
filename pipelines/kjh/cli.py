"""The `kjh` command line. It drives the Dagster job in-process: the same
definitions the UI shows, never a side path.

Heavy imports (dagster, dbt, duckdb) happen inside the commands so that
`kjh --help` answers at once.
"""
import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_RUN_FAILED, EXIT_CANNOT_RUN = 0, 1, 2


class CannotRun(Exception):
    """The pipeline could not start: one line for the user, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kjh",
        description="kjh: Data-Warehouse für die Kinder- und Jugendhilfestatistik (SGB VIII) nach Sozialräumen.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    demo = sub.add_parser("demo", help="Demodaten eines Beispielkreises erzeugen und alles darauf ausführen.",
                          description="Schreibt Demo-Exporte eines Kreises nach dem Vorbild Kreis Segeberg und "
                                      "führt die ganze Pipeline darauf aus (mit einem Demo-Schlüssel).")
    demo.add_argument("--dir", type=Path, default=None, help="Arbeitsordner der Demo (Standard: var/demo im Checkout).")
    demo.add_argument("--scale", type=float, default=1.0, help="Datenmenge als Vielfaches eines Kreises (Standard 1).")
    demo.add_argument("--seed", type=int, default=2026, help="Startwert des Zufallsgenerators (Standard 2026).")
    demo.add_argument("--year", type=int, default=None, help="Berichtsjahr (Standard: Jahr des neuesten Exports).")
    demo.add_argument("--intern", action="store_true", help="Interne Berichte mit exakten Fallzahlen.")

    run = sub.add_parser("run", help="Die ganze Pipeline über die Exporte eines Ordners ausführen.",
                         description="Lädt jede *.csv des Quellordners als Lieferung (nach Exportdatum im Namen), "
                                     "baut die Marts, prüft und schreibt die Berichte. Exit 0, wenn die Pipeline "
                                     "lief (auch mit Quarantäne oder abgelehnten Dateien).")
    _add_location_options(run, required=True)
    run.add_argument("--year", type=int, default=None, help="Berichtsjahr (Standard: Jahr des neuesten Exports).")
    run.add_argument("--mapping", type=Path, action="append", default=[],
                     help="Zuordnungsdatei (YAML) eines Herstellers; mehrfach möglich. *.mapping.yml im "
                          "Quellordner werden automatisch gelesen.")
    run.add_argument("--wait", type=float, default=0, metavar="SEKUNDEN",
                     help="So lange warten, wenn ein anderer kjh-Prozess das Warehouse beschreibt (Standard 0).")
    run.add_argument("--intern", action="store_true", help="Interne Berichte mit exakten Fallzahlen.")
    run.add_argument("--no-reports", action="store_true",
                     help="Ohne Berichte: nur laden, Marts bauen und prüfen (z. B. für Messungen).")

    ui = sub.add_parser("ui", help="Die Dagster-Oberfläche auf 127.0.0.1 starten (dieselben Definitionen).",
                        description="Startet Dagster (Webserver und Daemon) für dieselben Definitionen auf 127.0.0.1.")
    _add_location_options(ui, required=False)
    ui.add_argument("--port", type=int, default=3000, help="Port (Standard 3000).")

    st = sub.add_parser(
        "statistik", help="Amtliche Statistik (HZE, § 42, Teil IV): Entwurf, Befunde bestätigen, freigeben, wiederholen.",
        description="Der Weg der Statistikstelle: --year erstellt den Entwurf eines Berichtsjahres (alle Sätze ohne "
                    "harten Fehler, Prüfbericht, Arbeitsliste; kjh run tut das bei jedem Lauf); --bestaetigen "
                    "bestätigt einen weichen Befund mit Begründung; --freigeben schreibt die endgültigen Dateien "
                    "eines Entwurfs ohne harte Fehler; --reproduce wiederholt eine verzeichnete Lieferung "
                    "byte-gleich. Exit 0: erledigt (Entwurf ohne harte Fehler, freigegeben, byte-gleich); 1: Entwurf "
                    "mit harten Fehlern bzw. abweichend; 2: nicht möglich (mit Grund).")
    st.add_argument("--warehouse", type=Path, required=True, metavar="FILE", help="DuckDB-Datei des Warehouse.")
    st.add_argument("--out", type=Path, default=None, metavar="DIR",
                    help="Ordner für die Lieferung (Dateien in DIR/<Berichtsjahr>/, der Entwurf in "
                         "DIR/<Berichtsjahr>/entwurf/); Standard: $KJH_STATISTIK oder statistik/ neben dem Warehouse.")
    which = st.add_mutually_exclusive_group()
    which.add_argument("--year", type=int, default=None,
                       help="Entwurf dieses Berichtsjahres (Standard: letztes abgeschlossenes Jahr vor dem neuesten "
                            "Export).")
    which.add_argument("--freigeben", type=int, default=None, metavar="ID",
                       help="Entwurf Nr. ID freigeben: die endgültigen Dateien schreiben (nur ohne harte Fehler und "
                            "auf dem neuesten Stand der Exporte).")
    which.add_argument("--bestaetigen", nargs=2, default=None, metavar=("REGEL", "HILFE_ID"),
                       help="Weichen Befund REGEL (z. B. plausi.ende_nach_exportdatum) der Hilfe HILFE_ID aus der "
                            "Arbeitsliste des neuesten Entwurfs bestätigen; mit --grund.")
    which.add_argument("--reproduce", type=int, default=None, metavar="ID",
                       help="Verzeichnete Lieferung Nr. ID (audit.statistik_lieferungen) byte-gleich wiederholen.")
    st.add_argument("--grund", default=None, help="Begründung der Bestätigung (Pflicht bei --bestaetigen).")
    st.add_argument("--wer", default=None,
                    help="Wer bestätigt oder freigibt (Standard: $KJH_USER oder der angemeldete Benutzer).")
    st.add_argument("--reports", type=Path, default=None, metavar="DIR",
                    help="Die Statistik-Seite (statistik.html) auch in diesen Berichtsordner schreiben.")
    st.add_argument("--wait", type=float, default=0, metavar="SEKUNDEN",
                    help="So lange warten, wenn ein anderer kjh-Prozess das Warehouse beschreibt (Standard 0).")
    return p


def _add_location_options(p, required: bool) -> None:
    p.add_argument("--sources", type=Path, required=required, metavar="DIR", help="Ordner mit den Exporten (Eingang).")
    p.add_argument("--warehouse", type=Path, required=required, metavar="FILE", help="DuckDB-Datei des Warehouse.")
    p.add_argument("--reports", type=Path, required=required, metavar="DIR", help="Ordner für die Berichte.")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "run":
            return _run(args)
        if args.command == "ui":
            return _ui(args)
        if args.command == "statistik":
            return _statistik(args)
    except CannotRun as exc:
        print(f"kjh: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        print("kjh: abgebrochen", file=sys.stderr)
        return 130
    return EXIT_CANNOT_RUN


def _demo(args) -> int:
    from kjh.ingest.pseudonym import DEMO_KEY
    from kjh.paths import kjh_home
    from kjh.settings import RunSettings

    base = (args.dir or kjh_home() / "demo").resolve()
    exports = base / "exporte"
    print(f"Demo: erzeuge Exporte eines Beispielkreises in {exports} …", flush=True)
    import kjh_demo

    files = kjh_demo.generate(exports, seed=args.seed, scale=args.scale)
    print(f"Demo: {len(files)} Dateien geschrieben.", flush=True)
    print("Demo: Pseudonymisierung mit dem eingebauten DEMO-Schlüssel (nur für Demodaten, nie für echte Daten).")
    os.environ["KJH_PSEUDONYM_KEY"] = DEMO_KEY.decode()
    settings = RunSettings(sources=exports, warehouse=base / "warehouse.duckdb", reports=base / "berichte",
                           year=args.year, intern=args.intern)
    return _execute(settings, wait=0)


def _run(args) -> int:
    from kjh.settings import RunSettings

    settings = RunSettings(sources=args.sources, warehouse=args.warehouse, reports=args.reports,
                           year=args.year, mappings=args.mapping, intern=args.intern)
    return _execute(settings, wait=args.wait, reports=not args.no_reports)


def _preflight(settings) -> None:
    """Everything that would stop the run, checked before it starts, each with one line."""
    from kjh.ingest.mapping import MappingError, find_mappings
    from kjh.ingest.pseudonym import MissingKeyError, load_key

    if not settings.sources.is_dir() or not os.access(settings.sources, os.R_OK | os.X_OK):
        raise CannotRun(f"Quellordner {settings.sources} fehlt oder ist nicht lesbar.")
    for p in settings.mappings:
        if not p.is_file():
            raise CannotRun(f"Zuordnungsdatei {p} gibt es nicht.")
    try:
        find_mappings(settings.sources, settings.mappings)
        load_key()
    except (MappingError, MissingKeyError) as exc:
        raise CannotRun(str(exc)) from None
    for folder in (settings.warehouse.parent, settings.reports):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CannotRun(f"Ordner {folder} kann nicht angelegt werden: {exc.strerror}") from None


def _execute(settings, wait: float, reports: bool = True) -> int:
    settings.apply()
    _preflight(settings)
    from kjh.settings import quiet_environment

    quiet_environment()
    from kjh.warehouse.lock import WarehouseBusy, writer_lock

    try:
        with writer_lock(settings.warehouse, wait_seconds=wait):
            return _execute_job(settings, reports)
    except WarehouseBusy as exc:
        raise CannotRun(str(exc)) from None


REPORTS_GROUP = "reports"


def _execute_job(settings, reports: bool) -> int:
    import dagster as dg

    from kjh.cli_summary import print_summary
    from kjh.definitions import defs
    from kjh.defs.orchestration.jobs import JOB_NAME

    print(f"kjh: Lauf startet – Quellen {settings.sources}, Warehouse {settings.warehouse}", flush=True)
    job = defs.resolve_job_def(JOB_NAME)
    selection = None
    if not reports:
        graph = defs.resolve_asset_graph()
        selection = [k for k in graph.get_all_asset_keys()
                     if graph.get(k).is_materializable and graph.get(k).group_name != REPORTS_GROUP]
    result = job.execute_in_process(
        instance=dg.DagsterInstance.get(),
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        asset_selection=selection,
    )
    from kjh.statistik import vermerke_blockierte_lieferung

    vermerke_blockierte_lieferung(result, settings)  # still inside the writer lock
    print_summary(result, settings)
    failed = _failed_steps(result)
    if failed:
        print(f"kjh: Der Lauf ist fehlgeschlagen ({', '.join(failed)}); Einzelheiten stehen oben und in der "
              "Dagster-Oberfläche (kjh ui).", file=sys.stderr)
        return EXIT_RUN_FAILED
    return EXIT_OK


def _failed_steps(result) -> list[str]:
    """Steps that failed for another reason than a failed blocking check.

    A failed blocking ERROR check withholds what depends on it (the statutory
    export) and is reported in the summary: the pipeline ran, as designed.
    """
    failed = []
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        error = event.event_specific_data.error
        if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
            continue
        failed.append(event.step_key)
    return failed


def _ui(args) -> int:
    import subprocess

    from kjh.settings import RunSettings, quiet_environment

    current = RunSettings.from_env()
    settings = RunSettings(sources=args.sources or current.sources, warehouse=args.warehouse or current.warehouse,
                           reports=args.reports or current.reports)
    settings.apply()
    quiet_environment()
    print(f"kjh: Dagster-Oberfläche auf http://127.0.0.1:{args.port} (Warehouse {settings.warehouse})", flush=True)
    cmd = [sys.executable, "-m", "dagster", "dev", "-m", "kjh.definitions", "-h", "127.0.0.1", "-p", str(args.port)]
    return subprocess.call(cmd)


def _statistik(args) -> int:
    """`kjh statistik`: draft (--year), confirm (--bestaetigen), release (--freigeben) or reproduce (--reproduce)."""
    import duckdb

    from kjh.statistik import KannNichtErstellen, render_statistik_page, reproduzieren
    from kjh.statistik.bestaetigungen import BestaetigungAbgelehnt
    from kjh.warehouse.connection import connect, writer
    from kjh.warehouse.lock import WarehouseBusy

    warehouse = args.warehouse.resolve()
    if not warehouse.is_file():
        raise CannotRun(f"Warehouse {warehouse} gibt es nicht.")
    out = args.out or _statistik_ordner(warehouse)
    try:
        if args.reproduce is not None:
            try:
                con = connect(warehouse, read_only=True)
            except duckdb.IOException:
                raise CannotRun(f"Warehouse {warehouse} wird gerade von einem anderen Prozess beschrieben; "
                                "später erneut starten.") from None
            try:
                ergebnis = reproduzieren(con, args.reproduce, out)
            finally:
                con.close()
        elif args.bestaetigen is not None:
            with writer(warehouse, wait_seconds=args.wait) as con:
                return _bestaetigen(con, args)
        else:
            from kjh.statistik.lieferung import erstellen_alle, freigeben

            with writer(warehouse, wait_seconds=args.wait) as con:
                if args.freigeben is not None:
                    ergebnisse = [freigeben(con, args.freigeben, out, wer=args.wer)]
                else:
                    ergebnisse = erstellen_alle(con, out, args.year)
                if args.reports is not None:
                    render_statistik_page(con, args.reports, berichtsjahr=ergebnisse[0].berichtsjahr)
    except (KannNichtErstellen, BestaetigungAbgelehnt, WarehouseBusy) as exc:
        raise CannotRun(str(exc)) from None
    if args.reproduce is not None:
        ergebnisse = [ergebnis]
    for ergebnis in ergebnisse:
        status = {"entwurf": "Entwurf", "freigegeben": "freigegeben", "zurueckgehalten": "zurückgehalten"}.get(
            ergebnis.status, ergebnis.status)
        print(f"Statistik {ergebnis.berichtsjahr} Nr. {ergebnis.statistik_lieferung_id}: {status}"
              + ("" if ergebnis.neu else " (verzeichnete Lieferung)"))
        print(ergebnis.meldung)
        for x in ergebnis.dateien:
            print(f"  {ergebnis.ordner / x['datei']}  sha256 {x['sha256']}")
        if ergebnis.arbeitsliste is not None:
            print(f"Arbeitsliste ({ergebnis.offene_befunde} offene Befunde): {ergebnis.arbeitsliste}")
    if args.reproduce is not None:
        return EXIT_RUN_FAILED if ergebnisse[0].abweichend else EXIT_OK
    if any(e.status == "entwurf" and e.zurueckgehalten_wegen for e in ergebnisse):
        return EXIT_RUN_FAILED
    return EXIT_OK


def _statistik_ordner(warehouse: Path) -> Path:
    from kjh.statistik import ENV_STATISTIK

    return Path(os.environ[ENV_STATISTIK]).resolve() if os.environ.get(ENV_STATISTIK) else warehouse.parent / "statistik"


def _bestaetigen(con, args) -> int:
    from kjh.statistik import bestaetigungen
    from kjh.statistik.befunde import Befund
    from kjh.statistik.lieferung import neuester_entwurf

    regel, hilfe_id = args.bestaetigen
    entwurf = neuester_entwurf(con)
    if entwurf is None:
        raise CannotRun("Noch kein Entwurf verzeichnet: erst kjh run (oder kjh statistik --year) ausführen.")
    befunde = [Befund(**b) for b in entwurf.pruefung.get("befunde", [])]
    passend = bestaetigungen.bestaetigen(con, befunde, regel, hilfe_id, args.grund, wer=args.wer,
                                         berichtsjahr=entwurf.berichtsjahr)
    print(f"Bestätigt: {regel} für Hilfe {hilfe_id} ({len(passend)} Befund(e) aus Entwurf Nr. "
          f"{entwurf.statistik_lieferung_id}); verzeichnet in audit.statistik_bestaetigungen. Die Arbeitsliste "
          "zeigt es beim nächsten Entwurf (kjh run oder kjh statistik --year).")
    return EXIT_OK

if __name__ == "__main__":
    sys.exit(main())
