"""Benchmark of kjh at Land scale against plain DuckDB (see README "Benchmark").

    python -m bench            # Land scale (about 420,000 helps, 9.5 M bookings)
    python -m bench --quick    # tiny scale, a few seconds (the smoke test)
"""
