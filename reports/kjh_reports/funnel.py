"""Funnel plot arithmetic (Spiegelhalter 2005; domain notes § 10).

For a rate of events per person with overall proportion p0 = Σ helps / Σ
residents and a unit of n residents the control limits are

    p0 ± z · sqrt(p0 · (1 − p0) / n),   z = 1.96 (95 %) and 3.09 (99.8 %),

scaled ×1,000 for an Eckwert. The normal approximation is fine for the
hundreds of helps per social space; a point outside 99.8 % is worth a
question, not a verdict. The overdispersion factor φ (mean squared z-score)
is reported so that the note can say when the social spaces differ more than
chance would explain; the limits are not widened.
"""
import math

Z = {"95 %-Grenzen": 1.96, "99,8 %-Grenzen": 3.09}
JE = 1000


def gesamtquote(hilfen: list[float], einwohner: list[float]) -> float:
    return sum(hilfen) / sum(einwohner)


def grenzen(p0: float, n_min: float, n_max: float, schritte: int = 80) -> dict:
    """Limit curves over n from n_min to n_max (rates ×1,000)."""
    lo_n, hi_n = max(1.0, n_min), max(n_max, n_min + 1)
    n = [lo_n + (hi_n - lo_n) * i / (schritte - 1) for i in range(schritte)]
    linien = {}
    for name, z in Z.items():
        se = [math.sqrt(p0 * (1 - p0) / x) for x in n]
        linien[name] = ([max(0.0, (p0 - z * s) * JE) for s in se], [(p0 + z * s) * JE for s in se])
    return {"n": n, "linien": linien}


def z_wert(hilfen: float, einwohner: float, p0: float) -> float:
    return (hilfen / einwohner - p0) / math.sqrt(p0 * (1 - p0) / einwohner)


def auffaellig(hilfen: float, einwohner: float, p0: float) -> bool:
    """Outside the 99.8 % limits."""
    return abs(z_wert(hilfen, einwohner, p0)) > Z["99,8 %-Grenzen"]


def ueberdispersion(hilfen: list[float], einwohner: list[float], p0: float) -> float:
    z = [z_wert(h, n, p0) for h, n in zip(hilfen, einwohner)]
    return sum(x * x for x in z) / len(z) if z else float("nan")
