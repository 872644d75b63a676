"""Dates as whole days since 1970-01-01 (int64), so numpy can work on millions at once."""
from datetime import date, timedelta

import numpy as np

_EPOCH = date(1970, 1, 1)


def day(d: date) -> int:
    return (d - _EPOCH).days


def to_date(n: int) -> date:
    return _EPOCH + timedelta(days=int(n))


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(days, dtype="int64").astype("M8[D]")
    months = d.astype("M8[M]")
    year = d.astype("M8[Y]").astype("int64") + 1970
    month = months.astype("int64") % 12 + 1
    dom = (d - months.astype("M8[D]")).astype("int64") + 1
    return year, month, dom


def add_years(days: np.ndarray, years: int | np.ndarray) -> np.ndarray:
    """Same calendar day `years` later; 29 February becomes 1 March in a common year."""
    d = np.asarray(days, dtype="int64").astype("M8[D]")
    months = d.astype("M8[M]")
    offset = d - months.astype("M8[D]")
    shifted = (months + np.asarray(years) * 12).astype("M8[D]") + offset
    return shifted.astype("int64")


def age_at(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Completed years of life on a day (birthday counts from the day itself)."""
    by, bm, bd = ymd(birth)
    oy, om, od = ymd(on)
    return oy - by - ((om * 100 + od) < (bm * 100 + bd))


def months_between(first: date, last: date) -> list[tuple[int, int, int, int]]:
    """(year, month, first day, last day) for every calendar month from first to last."""
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append((y, m, day(date(y, m, 1)), day(nxt) - 1))
        y, m = nxt.year, nxt.month
    return out
