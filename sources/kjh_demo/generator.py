"""Writes the demo's export files: which file, which date, which flavour of CSV."""
import contextlib
from datetime import date
from pathlib import Path

import numpy as np

from kjh_demo import bookings, csv_writer, episodes, providers, reference
from kjh_demo.county import load_county
from kjh_demo.csv_writer import CP1252_CRLF, UTF8_BOM_CRLF, UTF8_CRLF, UTF8_LF, CsvFile, CsvFormat
from kjh_demo.dates import day, to_date

# Each source system writes its own flavour, as in a real office (source-exports.md
# allows them all): the ingestion must detect encoding and line ends itself.
FORMAT = {
    "sozialraeume_alt": CP1252_CRLF,  # Excel "CSV (Trennzeichen-getrennt)"
    "sozialraeume_neu": UTF8_BOM_CRLF,  # Excel "CSV UTF-8"
    "bevoelkerung": UTF8_LF,  # statistics office download
    "budgets": CP1252_CRLF,  # finance department's spreadsheet
    "traeger": CP1252_CRLF,  # contract register
    "hilfen": UTF8_BOM_CRLF,  # case-management software
    "zahlungen_jahr": UTF8_LF,  # finance system, year-end extracts
    "zahlungen_monat": UTF8_CRLF,  # finance system, monthly extracts
}


def generate(out_dir: Path, *, seed: int = 2026, scale: float = 1.0, stand: date = date(2026, 10, 31),
             first_year: int = 2021) -> list[Path]:
    """Write the demo exports for a county youth office into out_dir and return their paths.

    Same arguments give byte-identical files. `scale` multiplies helps, bookings
    and providers (and the young population, so rates stay plausible).
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if first_year >= stand.year:
        raise ValueError("stand must lie in a year after first_year")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng_population, rng_providers, rng_helps, rng_bookings, rng_budgets = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5))
    county = load_county(first_year, stand)
    written: list[Path] = []

    def write(kind: str, on: date, fmt: CsvFormat, columns: dict[str, object]) -> None:
        with CsvFile(out_dir / csv_writer.file_name(kind, on.isoformat()), kind, fmt) as f:
            f.write(columns)
        written.append(f.path)

    # Reference files are dated before the first export; the newer mapping takes effect from its date.
    ref_date = date(first_year, 1, 1)
    write("sozialraeume", ref_date, FORMAT["sozialraeume_alt"], reference.sozialraeume_columns(county, False))
    write("sozialraeume", to_date(county.change_day), FORMAT["sozialraeume_neu"],
          reference.sozialraeume_columns(county, True))
    write("bevoelkerung", ref_date, FORMAT["bevoelkerung"],
          reference.bevoelkerung_columns(county, rng_population, scale, range(first_year, stand.year + 1)))

    # Full exports at the end of last year and at the stand.
    full_exports = [date(stand.year - 1, 12, 31), stand]
    provs = providers.build_providers(county, rng_providers, scale, first_year, stand)
    for on in full_exports:
        write("traeger", on, FORMAT["traeger"], providers.traeger_columns(provs, day(on)))
    helps = episodes.generate_helps(county, provs, rng_helps, scale, first_year, stand)
    for on in full_exports:
        write("hilfen", on, FORMAT["hilfen"], episodes.hilfen_columns(helps, county, provs, day(on)))

    # Delta exports of bookings: one per past year (15 January holds the last of
    # the year's bookings), then one per month of the stand year up to the stand.
    cuts = [date(y + 1, 1, 15) for y in range(first_year, stand.year) if date(y + 1, 1, 15) < stand]
    for m in range(1, stand.month):
        month_end = to_date(day(date(stand.year, m + 1, 1)) - 1)
        if not cuts or month_end > cuts[-1]:
            cuts.append(month_end)
    cuts.append(stand)
    with contextlib.ExitStack() as stack:
        files = [stack.enter_context(CsvFile(
            out_dir / csv_writer.file_name("zahlungen", on.isoformat()), "zahlungen",
            FORMAT["zahlungen_jahr"] if on.year < stand.year or (on.month, on.day) == (1, 15)
            else FORMAT["zahlungen_monat"])) for on in cuts]
        delta_files = bookings.BookingFiles(np.array([day(c) for c in cuts]), files)
        net = bookings.write_bookings(helps, provs, county, delta_files, rng_bookings, scale, first_year, stand)
    written += [f.path for f in files]

    write("budgets", ref_date, FORMAT["budgets"],
          reference.budgets_columns(county, net, list(bookings.TEILPLAN.values()), first_year, rng_budgets))
    return sorted(written)
