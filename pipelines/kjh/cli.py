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
    demo.add_argument("--year", type=int, default=None, help="Berichtsjahr der Berichte (Standard: Jahr des neuesten Exports) und des "
                                                                  "Statistik-Entwurfs (Standard: letztes abgeschlossenes Jahr).")
    demo.add_argument("--intern", action="store_true", help="Interne Berichte mit exakten Fallzahlen.")

    run = sub.add_parser("run", help="Die ganze Pipeline über die Exporte eines Ordners ausführen.",
                         description="Lädt jede *.csv des Quellordners als Lieferung (nach Exportdatum im Namen), "
                                     "baut die Marts, prüft und schreibt die Berichte. Exit 0, wenn die Pipeline "
                                     "lief (auch mit Quarantäne oder abgelehnten Dateien).")
    _add_location_options(run, required=True)
    run.add_argument("--year", type=int, default=None, help="Berichtsjahr der Berichte (Standard: Jahr des neuesten Exports) und des "
                                                                  "Statistik-Entwurfs (Standard: letztes abgeschlossenes Jahr).")
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

    lf = sub.add_parser("lieferung", help="Eine geladene Lieferung zurückziehen (Stand vor ihr wiederherstellen).",
                        description="Verwaltet geladene Lieferungen im Warehouse.")
    lf_sub = lf.add_subparsers(dest="aktion", required=True, metavar="AKTION")
    zz = lf_sub.add_parser("zurueckziehen", help="Zeilen einer Lieferung entfernen, den Stand vor ihr wiederherstellen.",
                           description="Entfernt die Zeilen der Lieferung DATEI aus dem Warehouse und stellt den Stand "
                                       "vor ihr wieder her (z. B. ein Export mit falschem Datum im Namen); in "
                                       "audit.lieferungen als „zurueckgezogen“ vermerkt. Bei Vollexporten nur der "
                                       "neueste einer Art. Der nächste kjh run baut die Marts neu.")
    zz.add_argument("datei", metavar="DATEI", help="Dateiname der Lieferung (wie in audit.lieferungen.datei).")
    zz.add_argument("--warehouse", type=Path, required=True, metavar="FILE", help="DuckDB-Datei des Warehouse.")
    zz.add_argument("--wait", type=float, default=0, metavar="SEKUNDEN",
                    help="So lange warten, wenn ein anderer kjh-Prozess das Warehouse beschreibt (Standard 0).")

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
        if args.command == "lieferung":
            return _lieferung(args)
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
    _check_warehouse_file(settings.warehouse)
    for p in settings.mappings:
        if not p.is_file():
            raise CannotRun(f"Zuordnungsdatei {p} gibt es nicht.")
    try:
        mappings = find_mappings(settings.sources, settings.mappings)
        load_key()
    except (MappingError, MissingKeyError) as exc:
        raise CannotRun(str(exc)) from None
    exports = [p for p in settings.sources.iterdir() if p.suffix.lower() == ".csv"]
    if not exports:
        raise CannotRun(f"Quellordner {settings.sources} enthält keine Exporte (*.csv): nichts zu laden, "
                        "Lauf nicht gestartet.")
    if settings.year is not None:
        _check_year(settings, exports, mappings)
    for folder in (settings.warehouse.parent, settings.reports):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CannotRun(f"Ordner {folder} kann nicht angelegt werden: {exc.strerror}") from None


# The first bytes of a DuckDB file: 8 bytes checksum, then the magic "DUCK".
_DUCKDB_MAGIC = (8, b"DUCK")


def _check_warehouse_file(warehouse: Path) -> None:
    """--warehouse must be a DuckDB file or not exist yet: a folder or another file is
    refused at once (DuckDB would open a database in memory and lose every result)."""
    if warehouse.is_dir():
        raise CannotRun(f"--warehouse {warehouse} ist ein Ordner; erwartet wird die DuckDB-Datei des Warehouse "
                        f"(z. B. {warehouse / 'warehouse.duckdb'}).")
    if warehouse.exists():
        try:
            with warehouse.open("rb") as f:
                head = f.read(16)
        except OSError as exc:
            raise CannotRun(f"--warehouse {warehouse} ist nicht lesbar: {exc.strerror}.") from None
        offset, magic = _DUCKDB_MAGIC
        if head[offset:offset + len(magic)] != magic:
            raise CannotRun(f"--warehouse {warehouse} ist keine DuckDB-Datei (z. B. ein Export?): "
                            "nicht angerührt. Eine neue oder bestehende Warehouse-Datei angeben.")


def _data_years(warehouse: Path) -> tuple[int, int] | None:
    """First and last report year of the data in the warehouse (intermediate.int_berichtsstand)."""
    import duckdb

    from kjh.warehouse.connection import connect

    if not warehouse.is_file():
        return None
    try:
        con = connect(warehouse, read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.execute("select erstes_jahr, letztes_jahr from intermediate.int_berichtsstand").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return (int(rows[0][0]), int(rows[0][1])) if rows and rows[0][0] is not None else None


def _check_year(settings, exports: list[Path], mappings) -> None:
    """--year must lie within the data: at most the year of the newest export, at least the
    first report year of the loaded data (known once a run has built the marts)."""
    from kjh.ingest.naming import classify

    dates = [d.exportdatum for d in (classify(p, mappings) for p in exports) if d.exportdatum]
    years = _data_years(settings.warehouse)
    last = max([d.year for d in dates] + ([years[1]] if years else []), default=None)
    if last is not None and settings.year > last:
        raise CannotRun(f"--year {settings.year} liegt nach den Daten: der neueste Export ist aus {last}. "
                        f"Ein Berichtsjahr bis {last} angeben.")
    if years and settings.year < years[0]:
        raise CannotRun(f"--year {settings.year} liegt vor den Daten: sie reichen von {years[0]} bis {years[1]}. "
                        f"Ein Berichtsjahr von {years[0]} bis {years[1]} angeben.")


def _execute(settings, wait: float, reports: bool = True) -> int:
    settings.apply()
    _preflight(settings)
    from kjh.defs.transform.project import ensure_manifest
    from kjh.settings import quiet_environment

    quiet_environment()
    ensure_manifest()  # kjh.definitions reads it on import
    from kjh.defs.orchestration.prozesse import children_die_with_parent, stop_on_sigterm
    from kjh.warehouse.lock import WarehouseBusy, writer_lock

    children_die_with_parent()
    stop_on_sigterm()
    try:
        with writer_lock(settings.warehouse, wait_seconds=wait):
            return _execute_job(settings, reports)
    except WarehouseBusy as exc:
        raise CannotRun(str(exc)) from None


REPORTS_GROUP = "berichte"


def _execute_job(settings, reports: bool) -> int:
    import contextlib

    import dagster as dg

    from kjh.cli_summary import print_summary
    from kjh.definitions import defs
    from kjh.defs.orchestration import protokoll
    from kjh.defs.orchestration.jobs import JOB_NAME
    from kjh.defs.orchestration.prozesse import mark_dead_runs_failed, run_tags

    instance = dg.DagsterInstance.get()
    dead = mark_dead_runs_failed(instance)
    if dead:
        print(f"kjh: {len(dead)} abgebrochene(r) frühere(r) Lauf/Läufe als fehlgeschlagen vermerkt "
              f"({', '.join(r[:8] for r in dead)}).", flush=True)
    log_file = protokoll.new_log_file(settings.warehouse)
    os.environ[protokoll.ENV_PROTOKOLL] = str(log_file)
    print(f"kjh: Lauf startet – Quellen {settings.sources}, Warehouse {settings.warehouse}", flush=True)
    print(f"kjh: Protokoll {log_file}", flush=True)
    job = defs.resolve_job_def(JOB_NAME)
    selection = None
    if not reports:
        graph = defs.resolve_asset_graph()
        selection = [k for k in graph.get_all_asset_keys()
                     if graph.get(k).is_materializable and graph.get(k).group_name != REPORTS_GROUP]
    from kjh.defs.reports.statistik_seite import render_statistik_page
    from kjh.statistik import vermerke_blockierte_lieferung

    # dbt's and Dagster's own output goes to the log file; the screen gets one line per step
    protokoll.progress_stream = sys.stdout
    with open(log_file, "a", encoding="utf-8") as log, \
            contextlib.nullcontext() if protokoll.verbose() else contextlib.redirect_stdout(log), \
            contextlib.nullcontext() if protokoll.verbose() else contextlib.redirect_stderr(log):
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            asset_selection=selection,
            tags=run_tags(settings.warehouse),
        )
        vermerke_blockierte_lieferung(result, settings, seite=render_statistik_page)  # still inside the writer lock
    print_summary(result, settings, log_file)
    failed = _failed_steps(result)
    if failed:
        print(f"kjh: Der Lauf ist fehlgeschlagen ({', '.join(failed)}); Einzelheiten im Protokoll {log_file} "
              "und in der Dagster-Oberfläche (kjh ui).", file=sys.stderr)
        return EXIT_RUN_FAILED
    years = _data_years(settings.warehouse) if settings.year is not None else None
    if years and not years[0] <= settings.year <= years[1]:
        print(f"kjh: --year {settings.year} liegt außerhalb der Daten ({years[0]}–{years[1]}): Berichte und "
              f"Statistik dieses Laufs gelten nicht für {settings.year}; mit einem Berichtsjahr von {years[0]} bis "
              f"{years[1]} erneut starten.", file=sys.stderr)
        return EXIT_CANNOT_RUN
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
    import signal
    import subprocess

    from kjh.defs.orchestration.prozesse import children_die_with_parent
    from kjh.settings import RunSettings, quiet_environment

    current = RunSettings.from_env()
    settings = RunSettings(sources=args.sources or current.sources, warehouse=args.warehouse or current.warehouse,
                           reports=args.reports or current.reports)
    settings.apply()
    _check_warehouse_file(settings.warehouse)
    quiet_environment()
    from kjh.defs.transform.project import ensure_manifest

    ensure_manifest()  # the UI's process loads kjh.definitions, which reads it
    from kjh.defs.orchestration.protokoll import new_log_file

    log_file = new_log_file(settings.warehouse)
    print(f"kjh: Dagster-Oberfläche auf http://127.0.0.1:{args.port} (Warehouse {settings.warehouse}, "
          f"Dagster-Verzeichnis {os.environ['DAGSTER_HOME']})", flush=True)
    print(f"kjh: Meldungen von Dagster im Protokoll {log_file}; beenden mit Strg-C", flush=True)
    cmd = [sys.executable, "-m", "dagster", "dev", "-m", "kjh.definitions", "-h", "127.0.0.1", "-p", str(args.port)]
    # its own process group: `dagster dev` and its webserver and daemon are stopped together
    children_die_with_parent()
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(cmd, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)

    def _stop(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, _stop)
    try:
        code = proc.wait()
        print(f"kjh: Oberfläche beendet (Exit {code}); Einzelheiten im Protokoll {log_file}", file=sys.stderr)
        return code
    except KeyboardInterrupt:
        _stop_group(proc)
        print("kjh: Oberfläche beendet.", file=sys.stderr)
        return 0


def _stop_group(proc, grace: float = 15) -> None:
    """SIGTERM to the whole process group, SIGKILL after `grace` seconds."""
    import signal
    import time

    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            continue
        break
    try:
        proc.wait(timeout=5)
    except Exception:  # noqa: BLE001 - nothing more to do
        pass


def _lieferung(args) -> int:
    """`kjh lieferung zurueckziehen DATEI`: a delivery's rows out, the state before it back."""
    from kjh.ingest.withdraw import CannotWithdraw, find_delivery, forget_incremental_state, withdraw
    from kjh.warehouse.connection import writer
    from kjh.warehouse.lock import WarehouseBusy

    warehouse = args.warehouse.resolve()
    if not warehouse.is_file():
        raise CannotRun(f"Warehouse {warehouse} gibt es nicht.")
    _check_warehouse_file(warehouse)
    datei = Path(args.datei).name
    try:
        with writer(warehouse, wait_seconds=args.wait) as con:
            con.begin()
            try:
                lieferung_id, art = find_delivery(con, datei)
                removed = withdraw(con, lieferung_id, note="kjh lieferung zurueckziehen")
                forget_incremental_state(con)
                con.commit()
            except BaseException:
                con.rollback()
                raise
    except CannotWithdraw as exc:
        raise CannotRun(str(exc)) from None
    except WarehouseBusy as exc:
        raise CannotRun(str(exc)) from None
    print(f"Lieferung {datei} ({art}) zurückgezogen: {removed} Zeilen aus raw.{art} entfernt, der Stand vor ihr "
          "gilt wieder (audit.lieferungen: zurueckgezogen).")
    print("Der nächste kjh run baut die Marts neu. Die Datei kann im Quellordner bleiben: sie wird nicht erneut "
          "geladen; mit korrigiertem Namen abgelegt wird sie wie jede neue Lieferung geladen.")
    return EXIT_OK


def _statistik(args) -> int:
    """`kjh statistik`: draft (--year), confirm (--bestaetigen), release (--freigeben) or reproduce (--reproduce)."""
    import duckdb

    from kjh.defs.reports.statistik_seite import render_statistik_page
    from kjh.statistik import KannNichtErstellen, reproduzieren
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
