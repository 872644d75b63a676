"""python -m kjh_demo --out DIR [--seed N] [--scale X] [--stand YYYY-MM-DD] [--first-year YYYY]"""
import argparse
import sys
import time
from datetime import date
from pathlib import Path

from kjh_demo import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kjh_demo",
        description="Write demo exports (hilfen, zahlungen, traeger, sozialraeume, bevoelkerung, budgets) "
                    "of a county youth office modelled on Kreis Segeberg.")
    parser.add_argument("--out", type=Path, required=True, help="folder for the CSV files (created if missing)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed; same arguments give identical files")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies helps, bookings and providers (1 ≈ 6,000 helps, 150,000 bookings)")
    parser.add_argument("--stand", type=date.fromisoformat, default=date(2026, 10, 31),
                        help="date of the newest export, YYYY-MM-DD (default 2026-10-31)")
    parser.add_argument("--first-year", type=int, default=2021, help="first year with bookings (default 2021)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = generate(args.out, seed=args.seed, scale=args.scale, stand=args.stand, first_year=args.first_year)
    for p in paths:
        print(f"{p}  {p.stat().st_size:>12,d} bytes")
    print(f"{len(paths)} files in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
