"""Run bench/plain_duckdb.sql on a folder of exports: the lower bound of the benchmark.

    python -m bench.plain_duckdb --sources DIR --out FILE.duckdb

Writes the four headline marts (fallzahlen_jahr, ausgaben_jahr,
eckwerte_jahr, budget_auslastung) as tables into FILE. DuckDB reads UTF-8
only (the `encodings` extension would be downloaded): a kind whose files
DuckDB rejects as not UTF-8 has those files transcoded from Windows-1252 in
large blocks into a temporary folder first (the small reference files of the
demo).
"""
import argparse
import codecs
import re
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SQL = HERE / "plain_duckdb.sql"
KINDS = ("hilfen", "zahlungen", "sozialraeume", "bevoelkerung", "budgets")
_NAME = re.compile(r"^(?P<art>[a-z]+)_(?P<d>\d{8})[^/]*\.csv$")
BLOCK = 16 * 1024 * 1024


def _files(sources: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {k: [] for k in KINDS}
    for p in sorted(sources.glob("*.csv")):
        m = _NAME.match(p.name)
        if m and m["art"] in out:
            out[m["art"]].append(p)
    for k in out:
        out[k].sort(key=lambda p: _NAME.match(p.name)["d"])
    return out


def _is_utf8(path: Path) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while block := f.read(BLOCK):
                dec.decode(block)
        dec.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


def _transcode(path: Path, tmp: Path) -> Path:
    out = tmp / path.name
    dec = codecs.getincrementaldecoder("cp1252")()
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while block := src.read(BLOCK):
            dst.write(dec.decode(block))
        dst.write(dec.decode(b"", final=True))
    return out


def _list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    # statements end with `;` at the end of a line (`;` also appears inside literals)
    return [s.strip() for s in re.split(r";[ \t]*(?:\n|$)", body) if s.strip()]


def _contract_tables(con) -> None:
    lists = yaml.safe_load((REPO / "sources" / "contract" / "codelisten.yml").read_text(encoding="utf-8"))
    con.execute("create temp table hilfearten (hilfeart varchar, setting varchar)")
    con.executemany("insert into hilfearten values (?, ?)",
                    [(str(k), v["setting"]) for k, v in lists["hilfeart"].items()])
    con.execute("create temp table orte (ort varchar, setting varchar)")
    con.executemany("insert into orte values (?, ?)",
                    [(str(k), v["setting"]) for k, v in lists["ort_der_durchfuehrung"].items()])


def _dbt_vars() -> dict:
    project = yaml.safe_load((REPO / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"]


def run(sources: Path, out: Path, *, verbose: bool = False) -> dict[str, float]:
    files = _files(sources)
    timings: dict[str, float] = {}
    out.unlink(missing_ok=True)
    con = duckdb.connect(str(out), config={"autoinstall_known_extensions": False,
                                           "autoload_known_extensions": False})
    with tempfile.TemporaryDirectory(prefix="kjh-plain-") as tmp:
        _contract_tables(con)
        v = _dbt_vars()
        fill = {
            "prognose_lernjahre": v["prognose_lernjahre"],
            "ampel_rot_ueber_pct": v["ampel_rot_ueber_pct"],
            "ampel_gelb_ab_pct": v["ampel_gelb_ab_pct"],
        }

        def lists() -> dict[str, str]:
            d = {k: _list(files[k]) for k in KINDS}
            d["bevoelkerung_neueste"] = _list(files["bevoelkerung"][-1:])
            d["budgets_neueste"] = _list(files["budgets"][-1:])
            return d

        for stmt in _statements(SQL.read_text(encoding="utf-8")):
            started = time.perf_counter()
            for attempt in range(2):
                try:
                    values = {**lists(), **{k: str(x) for k, x in fill.items()}}
                    con.execute(re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m[1], m[0]), stmt))
                    break
                except duckdb.InvalidInputException as exc:
                    if attempt or "unicode" not in str(exc).lower():
                        raise
                    # a kind with a non-UTF-8 file: transcode those files (Windows-1252) and retry
                    for kind in [k for k in KINDS if "{" + k + "}" in stmt or "{" + k + "_neueste}" in stmt]:
                        files[kind] = [p if _is_utf8(p) else _transcode(p, Path(tmp)) for p in files[kind]]
            head = " ".join(stmt.split()[:4])
            timings[head] = time.perf_counter() - started
            if verbose:
                print(f"{timings[head]:7.2f} s  {head}", file=sys.stderr)
    con.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.plain_duckdb", description=__doc__.splitlines()[0])
    p.add_argument("--sources", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args(argv)
    run(args.sources, args.out, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
