"""The rule's thresholds and the status of a cell (rules 1 and 3 of kjh.geheimhaltung).

A count is OFFEN (shown), PRIMAER (1 .. MINDESTFALLZAHL-1: never shown) or
SEKUNDAER (locked so that a total does not give a small count away).
"""
from math import isnan

import pandas as pd

MINDESTFALLZAHL = 3
"""Counts 1 .. MINDESTFALLZAHL-1 are suppressed (primary suppression)."""

MINDESTNENNER_FAELLE = 10
"""Rates and averages over helps (€ per case-month, shares) need at least this many helps."""

MINDESTNENNER_EINWOHNER = 100
"""Rates per residents (Eckwert per 1,000 under 21) need at least this many residents."""

OFFEN, PRIMAER, SEKUNDAER = "offen", "primaer", "sekundaer"
GESPERRT = (PRIMAER, SEKUNDAER)


def ist_klein(wert) -> bool:
    """A count that primary suppression hides (1 or 2)."""
    return wert is not None and not kein_wert(wert) and 0 < wert < MINDESTFALLZAHL


def kein_wert(v) -> bool:
    """NaN or pd.NA (None is for the caller to decide)."""
    try:
        return v is pd.NA or isnan(v)
    except TypeError:
        return False


def einzelzahl(wert, intern: bool) -> str:
    """Status of a count that is part of no table (e.g. a number of records on the quality page)."""
    return PRIMAER if not intern and ist_klein(wert) else OFFEN


def abhaengig(status_der_fallzahl: str) -> str:
    """Status of an amount, case-months or rate that belongs to a count: suppressed with it (rule 3)."""
    return status_der_fallzahl if status_der_fallzahl in GESPERRT else OFFEN

