"""One scanner for personal values: every table, log, report, workbook and Dagster storage.

`find_values(places, values)` looks into every file under the given folders (and the given
files): a DuckDB file table by table (its pages may be compressed), a zip container such as
an .xlsx member by member, everything else as bytes (text files, SQLite run and event
storage, compute logs). It returns where a value was found: an empty list means none.
"""
import zipfile
from pathlib import Path

_DUCKDB_MAGIC = b"DUCK"


def _is_duckdb(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16)[8:12] == _DUCKDB_MAGIC
    except OSError:
        return False


def _duckdb_texts(path: Path):
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables").fetchall():
            rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
            yield f"{path}:{schema}.{table}", "\n".join("\t".join(map(str, r)) for r in rows).encode("utf-8")
    finally:
        con.close()


def _files(places):
    for place in places:
        place = Path(place)
        if place.is_file():
            yield place
        elif place.is_dir():
            yield from (p for p in sorted(place.rglob("*")) if p.is_file() and not p.is_symlink())


def _texts(path: Path):
    if _is_duckdb(path):
        yield from _duckdb_texts(path)
        return
    data = path.read_bytes()
    yield str(path), data
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    yield f"{path}!{name}", z.read(name)
        except zipfile.BadZipFile:
            pass


def find_values(places, values: list[str], extra_texts: dict[str, str] | None = None) -> list[str]:
    """Where any of `values` occurs: ["<file or table>: <value>", ...]."""
    needles = [(v, v.encode("utf-8")) for v in values]
    found = []
    for path in _files(places):
        for where, data in _texts(path):
            found += [f"{where}: {v}" for v, b in needles if b in data]
    for where, text in (extra_texts or {}).items():
        found += [f"{where}: {v}" for v, _ in needles if v in text]
    return found


def personal_values(rows: list[dict]) -> list[str]:
    """person_id, fall_id and birth date (as written and as ISO date) of hilfen records."""
    out = []
    for r in rows:
        out += [r["person_id"], r["fall_id"], r["geburtsdatum"]]
        d, m, y = r["geburtsdatum"].split(".")
        out.append(f"{y}-{m}-{d}")
    return sorted(set(out))
