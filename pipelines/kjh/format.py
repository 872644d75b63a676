"""German number, money, percentage and date formats for pages and charts.

    zahl(1234.5, 1)  -> '1.234,5'        eur(1234.56)  -> '1.234,56 €'
    prozent(12.34)   -> '12,3 %'         datum(d)      -> '31.12.2025'
    monat(d)         -> 'Okt. 2026'      mio_eur(1.5e6) -> '1,5 Mio. €'

Negative numbers carry a real minus sign (U+2212); number and unit are joined
by a no-break space so that '€' never wraps onto a line of its own.
"""
import datetime as dt
import math

import pandas as pd

NBSP = "\u00a0"
MINUS = "\u2212"

MONATE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
MONATE_KURZ = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez.")


def fehlt(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return math.isnan(v)
    except TypeError:
        return False


def zahl(v, stellen: int = 0) -> str:
    if fehlt(v):
        return "."
    text = f"{abs(float(v)):,.{stellen}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    return (MINUS if float(v) < 0 and text.strip("0,.") else "") + text


def vorzeichen(v, stellen: int = 0) -> str:
    """A change: '+12', '−3', '±0'."""
    if fehlt(v):
        return "."
    if round(float(v), stellen) == 0:
        return "±0"
    return ("+" if v > 0 else "") + zahl(v, stellen)


def eur(v, stellen: int = 2) -> str:
    return "." if fehlt(v) else f"{zahl(v, stellen)}{NBSP}€"


def mio_eur(v, stellen: int = 1) -> str:
    return "." if fehlt(v) else f"{zahl(float(v) / 1e6, stellen)}{NBSP}Mio.{NBSP}€"


def prozent(v, stellen: int = 1) -> str:
    return "." if fehlt(v) else f"{zahl(v, stellen)}{NBSP}%"


def prozent_vz(v, stellen: int = 1) -> str:
    return "." if fehlt(v) else f"{vorzeichen(v, stellen)}{NBSP}%"


def _as_date(d) -> dt.date:
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, str):
        return dt.date.fromisoformat(d[:10])
    return d


def datum(d) -> str:
    if fehlt(d):
        return "."
    d = _as_date(d)
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def datum_zeit(t) -> str:
    if fehlt(t):
        return "."
    t = pd.Timestamp(t)
    return f"{datum(t)}, {t.hour:02d}:{t.minute:02d}{NBSP}Uhr"


def monat(d, lang: bool = False) -> str:
    d = _as_date(d)
    return f"{(MONATE if lang else MONATE_KURZ)[d.month - 1]} {d.year}"


def parse_zahl(text: str) -> float | None:
    """The inverse of zahl/eur/prozent for tests and checks: '1.234,5 €' -> 1234.5; None if no number."""
    t = (text or "").replace(NBSP, " ").replace("€", "").replace("%", "").replace("Mio.", "").strip()
    t = t.strip("()").replace(MINUS, "-").replace("±", "").replace("+", "").strip()
    if not t:
        return None
    t = t.replace(".", "").replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return None
