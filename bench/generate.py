"""Benchmark exports, generated once with the demo generator and cached.

One generation with the stand of the delta (default 30.11.2026) gives every
booking file; the generator cuts one zahlungen delta per month of the stand
year, so the base folder holds the files up to the base stand (31.10.2026)
and the delta is exactly the next month's zahlungen file plus the hilfen
export of the delta stand. The base needs full exports (hilfen, traeger) as
of the base stand too; the generator writes them only at its own stand, so
they are written here from the same simulated helps and providers (the same
seeds and calls as kjh_demo.generate: deterministic; a check re-writes the
delta stand's hilfen export and compares it byte for byte with the
generator's file).

    base  = every file dated <= base stand   (the first, full load)
    delta = zahlungen_<delta stand>.csv, hilfen_<delta stand>.csv
"""
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

BASE_STAND = date(2026, 10, 31)
DELTA_STAND = date(2026, 11, 30)
FIRST_YEAR = 2021
SEED = 2026
_DATED = re.compile(r"^(?P<art>[a-z]+)_(?P<d>\d{8})\.csv$")


@dataclass(frozen=True)
class Exports:
    folder: Path
    base: list[Path]
    delta: list[Path]
    scale: float
    counts: dict  # records per file name (lines after the header)

    @property
    def base_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.base)

    @property
    def delta_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.delta)


# Bump when the way this module lays out base and delta changes: the cache is then rebuilt.
LAYOUT_VERSION = 1


def _generator_fingerprint() -> str:
    """Hash of the generator's code and data: a changed generator invalidates the cache."""
    import kjh_demo

    h = hashlib.sha256(f"layout {LAYOUT_VERSION}".encode())
    for p in sorted(Path(kjh_demo.__file__).parent.rglob("*")):
        if p.is_file() and p.suffix in {".py", ".csv", ".yml", ".yaml", ".json"}:
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _scale_tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def _write_full_exports(out: Path, *, seed: int, scale: float, stand: date, dates: list[date]) -> list[Path]:
    """hilfen and traeger full exports as of `dates`, from the helps kjh_demo.generate simulates."""
    import numpy as np

    from kjh_demo import csv_writer, episodes, providers
    from kjh_demo.county import load_county
    from kjh_demo.dates import day
    from kjh_demo.generator import FORMAT

    _, rng_providers, rng_helps, _, _ = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5))
    county = load_county(FIRST_YEAR, stand)
    provs = providers.build_providers(county, rng_providers, scale, FIRST_YEAR, stand)
    helps = episodes.generate_helps(county, provs, rng_helps, scale, FIRST_YEAR, stand)
    written = []
    for on in dates:
        for kind, columns in (("traeger", providers.traeger_columns(provs, day(on))),
                              ("hilfen", episodes.hilfen_columns(helps, county, provs, day(on)))):
            with csv_writer.CsvFile(out / csv_writer.file_name(kind, on.isoformat()), kind, FORMAT[kind]) as f:
                f.write(columns)
            written.append(f.path)
    return written


def _split(folder: Path, base_stand: date, delta_stand: date) -> tuple[list[Path], list[Path]]:
    base, delta = [], []
    tag_delta = delta_stand.strftime("%Y%m%d")
    for p in sorted(folder.glob("*.csv")):
        m = _DATED.match(p.name)
        if not m:
            continue
        d = m["d"]
        if d <= base_stand.strftime("%Y%m%d"):
            base.append(p)
        elif d == tag_delta and m["art"] in ("zahlungen", "hilfen"):
            delta.append(p)
    return base, delta


def ensure_exports(cache: Path, scale: float, *, seed: int = SEED, log=lambda m: print(f"bench: {m}")) -> Exports:
    """The cached exports of `scale`; generated when missing or when the generator changed."""
    folder = cache / f"exporte-s{_scale_tag(scale)}-seed{seed}"
    marker = folder / "complete.json"
    fingerprint = _generator_fingerprint()
    if marker.exists():
        meta = json.loads(marker.read_text())
        if meta.get("fingerprint") == fingerprint:
            if "records" not in meta:
                meta["records"] = {p.name: _records(p) for p in sorted(folder.glob("*.csv"))}
                marker.write_text(json.dumps(meta, indent=1))
            base, delta = _split(folder, BASE_STAND, DELTA_STAND)
            return Exports(folder, base, delta, scale, meta["records"])
        log(f"generator changed, regenerating {folder}")
    if folder.exists():
        shutil.rmtree(folder)
    tmp = folder.with_name(folder.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    log(f"generating exports at scale {scale:g} into {folder} (cached for later runs) …")
    import kjh_demo

    kjh_demo.generate(tmp, seed=seed, scale=scale, stand=DELTA_STAND, first_year=FIRST_YEAR)
    # The base stand's full exports, and the delta stand's hilfen again as a check of determinism.
    check = tmp / "check"
    check.mkdir()
    _write_full_exports(tmp, seed=seed, scale=scale, stand=DELTA_STAND, dates=[BASE_STAND])
    _write_full_exports(check, seed=seed, scale=scale, stand=DELTA_STAND, dates=[DELTA_STAND])
    for p in check.glob("*.csv"):
        if p.read_bytes() != (tmp / p.name).read_bytes():
            raise RuntimeError(f"bench: {p.name} re-written differs from the generator's file: "
                               "the benchmark's base exports would not match the generator")
    shutil.rmtree(check)
    base, delta = _split(tmp, BASE_STAND, DELTA_STAND)
    if not any(p.name.startswith("zahlungen_") for p in delta) or not any(p.name.startswith("hilfen_") for p in delta):
        raise RuntimeError("bench: the delta lacks its zahlungen or hilfen file")
    marker_tmp = tmp / "complete.json"
    marker_tmp.write_text(json.dumps({
        "fingerprint": fingerprint, "scale": scale, "seed": seed, "first_year": FIRST_YEAR,
        "base_stand": BASE_STAND.isoformat(), "delta_stand": DELTA_STAND.isoformat(),
        "files": {p.name: p.stat().st_size for p in sorted(tmp.glob("*.csv"))},
        "records": {p.name: _records(p) for p in sorted(tmp.glob("*.csv"))},
    }, indent=1))
    tmp.rename(folder)
    base, delta = _split(folder, BASE_STAND, DELTA_STAND)
    return Exports(folder, base, delta, scale, json.loads(marker.read_text())["records"])


def _records(path: Path) -> int:
    """Data records of a demo export: its lines after the header (the demo has no line break in a field)."""
    lines, last = 0, b"\n"
    with path.open("rb") as f:
        while block := f.read(1 << 24):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n") - 1


def link_into(files: list[Path], folder: Path) -> None:
    """Put the files into a sources folder as hard links (no copy of the bytes; kjh never changes an input
    file). Not symbolic links: kjh refuses a link that points out of its sources folder. A copy where the
    cache lies on another file system."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in files:
        target = folder / p.name
        if not target.exists():
            try:
                os.link(p.resolve(), target)
            except OSError:
                shutil.copy2(p.resolve(), target)
