"""Demo data for kjh: the exports of a county youth office modelled on Kreis Segeberg.

    from kjh_demo import generate
    generate(Path("demo"), seed=2026, scale=1.0)

or `python -m kjh_demo --out demo`. See README.md beside this file.
"""
from kjh_demo.generator import generate

__all__ = ["generate"]
