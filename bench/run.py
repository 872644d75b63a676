"""The benchmark: kjh at Land scale against plain DuckDB, a full and an incremental run.

    python -m bench                 # Land scale (scale 70: ~420,000 helps, ~9.5 M bookings), then the county
    python -m bench --quick         # tiny scale, every figure (the smoke test)

In one run, each measured as a separate process (wall time from process start
to exit, peak RSS of the process tree):

  help          `kjh --help`
  plain         plain DuckDB SQL: the four headline marts straight from the CSV files (the lower bound)
  full          `kjh run --no-reports` into a fresh warehouse (and a fresh Dagster home)
  incremental   `kjh run --no-reports` on that warehouse after the delta arrived
                (next month's zahlungen file and the newer hilfen export)
  full_reports  `kjh run` with reports into another fresh warehouse
  county        `kjh run` with reports at county scale: process start to finished reports

Writes bench/results/<timestamp>.json and .md and prints the table. Exports
are generated once per scale and cached in bench/cache/.
"""
import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import measure
from bench.generate import ensure_exports, link_into

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYTHON = Path(sys.executable)
KJH = PYTHON.with_name("kjh")
BENCH_KEY = "kjh-benchmark-schluessel-nur-fuer-demodaten"
GIB = 2**30

LAND_SCALE = 70.0
COUNTY_SCALE = 1.0
QUICK_SCALE = 0.02

TARGETS = {  # issue 15
    "full_vs_plain": 8.0,          # full run without reports <= 8 x plain DuckDB
    "incremental_vs_full": 0.25,   # incremental run <= 25 % of the full run
    "full_peak_gib": 3.0,          # peak memory of the full run at Land scale
    "county_s": 25.0,              # county scale, process start to finished reports
    "help_s": 1.0,                 # kjh --help
}

# Phases of a kjh run, from its output (first line matching each)
KJH_MARKS = {
    "lauf_startet": r"kjh: Lauf startet",
    "datei": r"\.csv: (angenommen|abgelehnt)",
    "dbt_start": r"Running dbt command",
    "dbt_erster_knoten": r"\d+ of \d+ START ",
    "dbt_fertig": r"Finished running ",
    "dbt_ende": r"Finished dbt command",
    "zusammenfassung": r"Zusammenfassung der Lieferungen",
}


def machine() -> dict:
    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) * 1024
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for pkg in ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt"):
        try:
            from importlib.metadata import version
            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001
            versions[pkg] = None
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem / GIB, 1),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "git": _git(),
    }


def _git() -> dict:
    def out(*args):
        r = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return r.stdout.strip() if r.returncode == 0 else None
    return {"commit": out("rev-parse", "--short", "HEAD"), "changed_files": len((out("status", "--porcelain") or "").splitlines())}


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _warm(files: list[Path]) -> None:
    """Read the exports once so that every measured run finds them in the page cache."""
    for p in files:
        with p.open("rb") as f:
            while f.read(1 << 24):
                pass


def _env(home: Path) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KJH_", "DBT_"))}
    env.update({
        "KJH_PSEUDONYM_KEY": BENCH_KEY,
        "KJH_HOME": str(home),
        "DAGSTER_HOME": str(home / "dagster"),
        "PYTHONUNBUFFERED": "1",
        "KJH_PROTOKOLL_AUF_STDOUT": "1",  # the whole log on stdout: the phases are timed from its lines
    })
    return env


def _dbt_timings(log: Path, top: int = 8) -> list[dict]:
    """The slowest dbt nodes of a run, from dbt's own lines (`OK created … in 9.11s`, `PASS … in 1.4s`)."""
    found = []
    pat = re.compile(r"\d+ of \d+ (OK created|PASS|WARN|ERROR|FAIL)\s+(.*?)\s+\.*\s*\[.*?in ([0-9.]+)s\]")
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        line = re.sub(r"\x1b\[[0-9;]*m", "", line)
        m = pat.search(line)
        if m:
            found.append({"node": m.group(2).strip(), "s": float(m.group(3))})
    return sorted(found, key=lambda d: -d["s"])[:top]


def _phases(m: measure.Measured) -> dict:
    """Seconds per phase of a kjh run, from the times its output lines appeared:
    start-up (imports, definitions) until `Lauf startet`; loading until the last file's
    outcome; quality checks until dbt starts; dbt; after dbt (reports, summary)."""
    k, last = m.marks, m.last_marks
    out = {}
    if "lauf_startet" in k:
        out["start_s"] = k["lauf_startet"]
        if "datei" in last:
            out["laden_s"] = round(last["datei"] - k["lauf_startet"], 2)
    if "dbt_start" in k:
        begin = last.get("datei", k.get("lauf_startet"))
        if begin is not None:
            out["pruefen_s"] = round(k["dbt_start"] - begin, 2)
    if "dbt_ende" in k and "dbt_start" in k:
        out["dbt_s"] = round(k["dbt_ende"] - k["dbt_start"], 2)
        # within dbt: start-up (dbt import, parse, adapter) until the first node, the nodes,
        # and the end (artifacts, Dagster taking in the results)
        if "dbt_erster_knoten" in k and "dbt_fertig" in k:
            out["dbt_anlauf_s"] = round(k["dbt_erster_knoten"] - k["dbt_start"], 2)
            out["dbt_knoten_s"] = round(last.get("dbt_fertig", k["dbt_fertig"]) - k["dbt_erster_knoten"], 2)
            out["dbt_abschluss_s"] = round(k["dbt_ende"] - last.get("dbt_fertig", k["dbt_fertig"]), 2)
    if "dbt_ende" in k:
        out["danach_s"] = round(m.wall_s - k["dbt_ende"], 2)
    return out


def _record(name: str, m: measure.Measured, **extra) -> dict:
    rec = {
        "wall_s": round(m.wall_s, 2),
        "peak_rss_gib": round(m.peak_rss_bytes / GIB, 3),
        "peak_at_s": m.peak_at_s,
        "cpu_s": m.cpu_s,
        "returncode": m.returncode,
        "log": str(m.log) if m.log else None,
        "load_after": _load(),
    }
    rec.update(extra)
    if m.returncode != 0:
        tail = m.log.read_text(encoding="utf-8", errors="replace")[-3000:] if m.log else ""
        raise SystemExit(f"bench: {name} failed (exit {m.returncode}); log {m.log}:\n{tail}")
    return rec


def kjh_run(sources: Path, warehouse: Path, home: Path, log: Path, *, reports: bool) -> measure.Measured:
    cmd = [str(KJH), "run", "--sources", str(sources), "--warehouse", str(warehouse), "--reports", str(home / "berichte")]
    if not reports:
        cmd.append("--no-reports")
    return measure.run(cmd, env=_env(home), cwd=home, log=log, marks=KJH_MARKS)


def compare_with_plain(warehouse: Path, plain: Path) -> dict:
    """The headline marts of kjh against plain DuckDB's: rows only in one of them (0 = the same figures)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"attach '{warehouse}' as kjh (read_only)")
    con.execute(f"attach '{plain}' as plain (read_only)")
    out = {}
    try:
        for mart in ("fallzahlen_jahr", "ausgaben_jahr", "eckwerte_jahr", "budget_auslastung"):
            cols = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_catalog = 'plain' "
                "and table_name = ? order by ordinal_position", [mart]).fetchall()]
            sel = ", ".join(f'"{c}"' for c in cols)
            only_kjh = con.execute(
                f"select count(*) from (select {sel} from kjh.marts.{mart} except all select {sel} from plain.main.{mart})"
            ).fetchone()[0]
            only_plain = con.execute(
                f"select count(*) from (select {sel} from plain.main.{mart} except all select {sel} from kjh.marts.{mart})"
            ).fetchone()[0]
            rows = con.execute(f"select count(*) from plain.main.{mart}").fetchone()[0]
            out[mart] = {"rows": rows, "only_kjh": only_kjh, "only_plain": only_plain}
    finally:
        con.close()
    return out


def statutory_outcome(warehouse: Path) -> dict:
    """The statutory drafts of the run: one per office, the largest survey per office against the 99,999
    records a five-digit running number allows, and the checks that keep a draft from release."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("""select eingaben ->> 'jugendamt', pruefung -> 'saetze', zurueckgehalten_wegen
                              from audit.statistik_lieferungen where status = 'entwurf'
                              qualify row_number() over (partition by eingaben ->> 'jugendamt'
                                                         order by statistik_lieferung_id desc) = 1""").fetchall()
    except duckdb.Error as exc:
        return {"error": str(exc).splitlines()[0]}
    finally:
        con.close()
    groesste = max((max(json.loads(s).values(), default=0) for _, s, _ in rows), default=0)
    wegen = sorted({w for *_, z in rows for w in json.loads(z)})
    return {"offices": len(rows), "largest_survey_records": groesste, "overflow": groesste > 99_999,
            "blocking_checks": wegen}


def verify_incremental(warehouse: Path, work: Path) -> dict:
    """A copy of the warehouse after the incremental run, rebuilt with dbt --full-refresh: every mart compared."""
    from tests.test_incremental_marts import compare  # the same comparison as the test

    copy = work / "voll_neu.duckdb"
    shutil.copy(warehouse, copy)
    env = {**os.environ, "KJH_WAREHOUSE": str(copy), "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "DBT_TARGET_PATH": str(work / "dbt_target"), "DBT_LOG_PATH": str(work / "dbt_logs")}
    dbt = PYTHON.with_name("dbt")
    started = time.perf_counter()
    r = subprocess.run([str(dbt), "build", "--full-refresh", "--project-dir", str(REPO / "dbt_project"),
                        "--profiles-dir", str(REPO / "dbt_project")], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("bench: dbt build --full-refresh failed:\n" + r.stdout[-4000:])
    compared = compare(warehouse, copy)
    copy.unlink(missing_ok=True)
    return {"identical": True, "relations": len(compared), "full_refresh_build_s": round(time.perf_counter() - started, 1)}


def _ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("inf")


def run_benchmark(args) -> dict:
    scale = QUICK_SCALE if args.quick else args.scale
    county_scale = QUICK_SCALE if args.quick else args.county_scale
    started_at = dt.datetime.now().astimezone()
    stamp = started_at.strftime("%Y%m%d-%H%M%S")
    work = (args.work or (args.cache / "work")) / stamp
    work.mkdir(parents=True, exist_ok=True)
    log = lambda msg: print(f"bench: {msg}", flush=True)  # noqa: E731

    result: dict = {"date": started_at.isoformat(timespec="seconds"), "machine": machine(), "quick": args.quick,
                    "load_before": _load(), "targets": TARGETS}
    land = ensure_exports(args.cache, scale, log=log)
    county = ensure_exports(args.cache, county_scale, log=log)

    def volume(e) -> dict:
        rec = e.counts
        return {
            "scale": e.scale,
            "files": len(e.base),
            "bytes": e.base_bytes,
            "helps": rec[max(p.name for p in e.base if p.name.startswith("hilfen_"))],
            "bookings": sum(rec[p.name] for p in e.base if p.name.startswith("zahlungen_")),
            "delta_bookings": sum(rec[p.name] for p in e.delta if p.name.startswith("zahlungen_")),
            "delta_helps": sum(rec[p.name] for p in e.delta if p.name.startswith("hilfen_")),
            "delta_bytes": e.delta_bytes,
        }

    result["data"] = {"land": volume(land), "county": volume(county)}
    _warm(land.base + land.delta + county.base)
    runs: dict = {}

    log("kjh --help …")
    m = measure.run([str(KJH), "--help"], env=_env(work / "help"), log=work / "help.log")
    runs["help"] = _record("help", m)

    log(f"plain DuckDB on {len(land.base)} files ({land.base_bytes / 2**20:,.0f} MiB) …")
    src = work / "quellen"
    link_into(land.base, src)
    plain_db = work / "plain.duckdb"
    m = measure.run([str(PYTHON), "-m", "bench.plain_duckdb", "--sources", str(src), "--out", str(plain_db)],
                    env=_env(work / "plain"), cwd=REPO, log=work / "plain.log")
    runs["plain"] = _record("plain", m)

    log("full kjh run without reports (fresh warehouse) …")
    home = work / "voll"
    warehouse = home / "warehouse.duckdb"
    m = kjh_run(src, warehouse, home, work / "voll.log", reports=False)
    runs["full"] = _record("full", m, phases=_phases(m), dbt_slowest=_dbt_timings(m.log))
    runs["full"]["same_as_plain"] = compare_with_plain(warehouse, plain_db)
    runs["full"]["statistik"] = statutory_outcome(warehouse)
    log(f"statutory drafts: {runs['full']['statistik']}")

    log("delta arrives: incremental kjh run without reports …")
    link_into(land.delta, src)
    m = kjh_run(src, warehouse, home, work / "inkrementell.log", reports=False)
    runs["incremental"] = _record("incremental", m, phases=_phases(m), dbt_slowest=_dbt_timings(m.log))
    if args.verify_incremental:
        log("checking the incremental result against dbt --full-refresh …")
        runs["incremental"]["same_as_full_refresh"] = verify_incremental(warehouse, work)
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)

    log("full kjh run with reports (fresh warehouse) …")
    src_r = work / "quellen_berichte"
    link_into(land.base, src_r)
    home_r = work / "mit_berichten"
    m = kjh_run(src_r, home_r / "warehouse.duckdb", home_r, work / "mit_berichten.log", reports=True)
    runs["full_reports"] = _record("full_reports", m, phases=_phases(m), dbt_slowest=_dbt_timings(m.log))
    if not args.keep:
        shutil.rmtree(home_r, ignore_errors=True)

    if county.folder == land.folder:  # --quick: the county is the same tiny data, measured once
        runs["county"] = {**runs["full_reports"], "same_run_as": "full_reports"}
    else:
        log(f"county scale {county_scale:g}: kjh run with reports …")
        src_c = work / "quellen_kreis"
        link_into(county.base, src_c)
        home_c = work / "kreis"
        m = kjh_run(src_c, home_c / "warehouse.duckdb", home_c, work / "kreis.log", reports=True)
        runs["county"] = _record("county", m, phases=_phases(m), dbt_slowest=_dbt_timings(m.log))

    result["runs"] = runs
    result["load_after"] = _load()
    result["figures"] = figures(result)
    result["work"] = str(work)
    if not args.keep:  # keep the logs only
        for p in sorted(work.iterdir()):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            elif p.suffix != ".log":
                p.unlink(missing_ok=True)
    return result


def figures(r: dict) -> list[dict]:
    """Every figure against its target."""
    runs = r["runs"]
    full, plain, inc = runs["full"]["wall_s"], runs["plain"]["wall_s"], runs["incremental"]["wall_s"]
    t = r["targets"]
    land = "Land" if not r["quick"] else "quick"
    rows = [
        {"figure": "full `kjh run`, reports excluded", "value": f"{full:.1f} s",
         "measure": _ratio(full, plain), "target": f"≤ {t['full_vs_plain']:g} × plain",
         "met": full <= t["full_vs_plain"] * plain, "note": f"{_ratio(full, plain)} × plain DuckDB"},
        {"figure": "full `kjh run`, reports included", "value": f"{runs['full_reports']['wall_s']:.1f} s",
         "measure": _ratio(runs["full_reports"]["wall_s"], plain), "target": "–", "met": None,
         "note": f"{_ratio(runs['full_reports']['wall_s'], plain)} × plain DuckDB"},
        {"figure": "plain DuckDB, same CSV files, four headline marts", "value": f"{plain:.1f} s",
         "measure": 1.0, "target": "lower bound", "met": None, "note": ""},
        {"figure": "incremental `kjh run` after a one-month delta", "value": f"{inc:.1f} s",
         "measure": _ratio(inc, full), "target": f"≤ {int(t['incremental_vs_full'] * 100)} % of full",
         "met": inc <= t["incremental_vs_full"] * full, "note": f"{_ratio(inc, full) * 100:.0f} % of the full run"},
        {"figure": f"peak memory, full run without reports ({land})", "value": f"{runs['full']['peak_rss_gib']:.2f} GiB",
         "measure": runs["full"]["peak_rss_gib"], "target": f"≤ {t['full_peak_gib']:g} GiB",
         "met": runs["full"]["peak_rss_gib"] <= t["full_peak_gib"], "note": ""},
        {"figure": f"peak memory, full run with reports ({land})",
         "value": f"{runs['full_reports']['peak_rss_gib']:.2f} GiB", "measure": runs["full_reports"]["peak_rss_gib"],
         "target": f"≤ {t['full_peak_gib']:g} GiB", "met": runs["full_reports"]["peak_rss_gib"] <= t["full_peak_gib"],
         "note": ""},
        {"figure": "peak memory, incremental run", "value": f"{runs['incremental']['peak_rss_gib']:.2f} GiB",
         "measure": runs["incremental"]["peak_rss_gib"], "target": "–", "met": None, "note": ""},
        {"figure": "peak memory, plain DuckDB", "value": f"{runs['plain']['peak_rss_gib']:.2f} GiB",
         "measure": runs["plain"]["peak_rss_gib"], "target": "–", "met": None, "note": ""},
        {"figure": "county scale, process start to finished reports", "value": f"{runs['county']['wall_s']:.1f} s",
         "measure": runs["county"]["wall_s"], "target": f"≤ {t['county_s']:g} s",
         "met": runs["county"]["wall_s"] <= t["county_s"], "note": ""},
        {"figure": "`kjh --help`", "value": f"{runs['help']['wall_s']:.2f} s", "measure": runs["help"]["wall_s"],
         "target": f"< {t['help_s']:g} s", "met": runs["help"]["wall_s"] < t["help_s"], "note": ""},
    ]
    st = runs["full"].get("statistik") or {}
    if "offices" in st:
        rows.append({"figure": f"statutory drafts, full run ({land})",
                     "value": f"{st['offices']} offices, ≤ {st['largest_survey_records']:,} records each",
                     "measure": st["largest_survey_records"], "target": "≤ 99,999 per office and survey",
                     "met": not st["overflow"], "note": ", ".join(st["blocking_checks"]) or "releasable"})
    return rows


def markdown(r: dict) -> str:
    m, d = r["machine"], r["data"]
    land, county = d["land"], d["county"]
    lines = [
        f"Benchmark {r['date']} on {m['cores']} cores, {m['memory_gib']:g} GiB RAM ({m['cpu'] or m['platform']}), "
        f"load average before/after {r['load_before'][0]}/{r['load_after'][0]}; "
        f"commit {m['git']['commit']}{' + changes' if m['git']['changed_files'] else ''}.",
        "",
        f"Land: scale {land['scale']:g}, {land['helps']:,} helps, {land['bookings']:,} bookings in {land['files']} files "
        f"({land['bytes'] / 2**20:,.0f} MiB); delta {land['delta_bookings']:,} bookings + hilfen export of "
        f"{land['delta_helps']:,} helps. County: scale {county['scale']:g}, {county['helps']:,} helps, "
        f"{county['bookings']:,} bookings.",
        "",
        "| figure | value | target | met |",
        "|---|---|---|---|",
    ]
    for f in r["figures"]:
        met = "–" if f["met"] is None else ("yes" if f["met"] else "**no**")
        value = f["value"] + (f" ({f['note']})" if f["note"] else "")
        lines.append(f"| {f['figure']} | {value} | {f['target']} | {met} |")
    lines += ["", "Where the time goes (seconds, from the output of each run: start-up = imports and "
              "definitions; load = ingestion of every file; checks = quality checks until dbt starts; "
              "after dbt = checks on the marts, statutory export, reports and summary):", "",
              "| run | wall s | CPU s | peak GiB (at s) | start-up | load | checks | dbt | after dbt |",
              "|---|---|---|---|---|---|---|---|---|"]
    for name in ("plain", "full", "incremental", "full_reports", "county"):
        run = r["runs"][name]
        p = run.get("phases", {})
        cells = [p.get(k, "–") for k in ("start_s", "laden_s", "pruefen_s", "dbt_s", "danach_s")]
        lines.append(f"| {name} | {run['wall_s']:.1f} | {run.get('cpu_s', 0):.1f} | {run['peak_rss_gib']:.2f} "
                     f"({run.get('peak_at_s', 0):.0f}) | " + " | ".join(map(str, cells)) + " |")
    full, plain, inc = (r["runs"][k] for k in ("full", "plain", "incremental"))
    if plain.get("cpu_s") and full.get("cpu_s"):
        lines += ["", f"In CPU time (less sensitive to other load on the machine): full run "
                  f"{_ratio(full['cpu_s'], plain['cpu_s'])} × plain DuckDB, incremental "
                  f"{_ratio(inc['cpu_s'], full['cpu_s']) * 100:.0f} % of the full run."]
    slow = r["runs"]["full"].get("dbt_slowest", [])
    if slow:
        lines += ["", "Slowest dbt nodes of the full run: "
                  + ", ".join(f"{d['node']} {d['s']:.1f} s" for d in slow[:6]) + "."]
    same = r["runs"]["full"].get("same_as_plain", {})
    if same:
        diff = sum(v["only_kjh"] + v["only_plain"] for v in same.values())
        lines += ["", "kjh's headline marts against plain DuckDB's: "
                  + ("identical" if diff == 0 else f"{diff} differing rows")
                  + " (" + ", ".join(f"{k} {v['rows']} rows" for k, v in same.items()) + ")."]
    inc = r["runs"]["incremental"].get("same_as_full_refresh")
    if inc:
        lines.append(f"Incremental result against `dbt build --full-refresh`: identical in all {inc['relations']} "
                     "marts and intermediate models.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description="kjh benchmark against plain DuckDB (README: Benchmark).")
    p.add_argument("--scale", type=float, default=LAND_SCALE, help=f"Land scale (default {LAND_SCALE:g})")
    p.add_argument("--county-scale", type=float, default=COUNTY_SCALE, help=f"county scale (default {COUNTY_SCALE:g})")
    p.add_argument("--quick", action="store_true", help=f"tiny scale {QUICK_SCALE:g} for everything (smoke test)")
    p.add_argument("--cache", type=Path, default=HERE / "cache", help="cached exports and work folders (bench/cache)")
    p.add_argument("--work", type=Path, default=None, help="work folder (default <cache>/work)")
    p.add_argument("--out", type=Path, default=HERE / "results", help="results folder (bench/results)")
    p.add_argument("--keep", action="store_true", help="keep the warehouses of the runs (the logs are always kept)")
    p.add_argument("--verify-incremental", action="store_true",
                   help="also rebuild a copy with dbt --full-refresh after the incremental run and compare every mart")
    args = p.parse_args(argv)
    result = run_benchmark(args)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.fromisoformat(result["date"]).strftime("%Y%m%d-%H%M%S")
    name = f"{stamp}{'-quick' if args.quick else ''}"
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    text = markdown(result)
    (args.out / f"{name}.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"bench: results in {args.out / name}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
