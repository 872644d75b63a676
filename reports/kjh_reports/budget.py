"""Budget figures shared by the finance page and the social-space pages.

The traffic light itself is computed in ONE place, the mart
`marts.budget_auslastung` (column `ampel`, per social space x Teilplan, with
the forecast's range from the backtest). This module states that rule to the
reader (`AMPEL_REGEL`), derives the light of a social space from it (the worst
of its Teilpläne, said so) and sums the county with and without the bookings
that have no social space.
"""
import pandas as pd

from kjh_reports.daten import PSEUDO_SOZIALRAEUME

AMPEL_GELB_AB_PCT = 95
AMPEL_ROT_UEBER_PCT = 100
"""The dbt vars ampel_gelb_ab_pct / ampel_rot_ueber_pct (dbt_project.yml), for the text; a test keeps them equal."""
SPANNE_PCT = 80
"""dbt var prognose_spanne_pct (default in budget_auslastung.sql): the central share of past deviations."""
SPANNE_MIN_JAHRE = 5
"""dbt var prognose_spanne_min_jahre: own backtested years needed before a range is taken from them alone."""

AMPEL_LABEL = {"gruen": "grün", "gelb": "gelb", "rot": "rot"}
RANG = {"rot": 0, "gelb": 1, "gruen": 2}

AMPEL_REGEL = (
    f"Ampel je Sozialraum und Teilplan, auf der Prognose des Jahresendes: rot, wenn sie über "
    f"{AMPEL_ROT_UEBER_PCT} % des Budgets liegt; gelb ab {AMPEL_GELB_AB_PCT} % – oder schon darunter, wenn die "
    f"Spanne der Prognose (die mittleren {SPANNE_PCT} % der Abweichungen früherer Jahre im selben Monat) das "
    f"Budget erreicht; sonst grün. Ein Sozialraum zeigt die Ampel seines schlechtesten Teilplans."
)


def schlimmste(zeilen: pd.DataFrame) -> pd.Series | None:
    """The row (Teilplan) whose light decides a social space's light: the worst light, then the highest use."""
    z = zeilen[zeilen["ampel"].notna()]
    if z.empty:
        return None
    z = z.assign(_rang=z["ampel"].map(RANG)).sort_values(["_rang", "prognose_auslastung_pct"],
                                                          ascending=[True, False])
    return z.iloc[0]


def summen(b: pd.DataFrame) -> dict:
    """County totals of one year's budget rows: the social spaces with a budget, and everything booked.

    mit_budget: rows with a budget (what the traffic lights judge); alle: plus the bookings without a social
    space or Teilplan budget (e.g. fallunabhängige Leistungen), which count against the county's money."""
    mit = b[b["budget_eur"].notna()]
    ohne = b[b["budget_eur"].isna()]
    budget = float(mit["budget_eur"].sum())
    out = {
        "budget": budget,
        "ist_mit_budget": float(mit["netto_bis_stand_eur"].sum()),
        "prognose_mit_budget": float(mit["prognose_jahresende_eur"].sum()),
        "ist_ohne_budget": float(ohne["netto_bis_stand_eur"].sum()),
        "prognose_ohne_budget": float(ohne["prognose_jahresende_eur"].sum()),
        "pseudo": sorted(set(ohne["sozialraum"]) & set(PSEUDO_SOZIALRAEUME)) or sorted(set(ohne["sozialraum"])),
    }
    out["ist_alle"] = out["ist_mit_budget"] + out["ist_ohne_budget"]
    out["prognose_alle"] = out["prognose_mit_budget"] + out["prognose_ohne_budget"]
    out["pct_mit_budget"] = out["prognose_mit_budget"] / budget * 100 if budget else None
    out["pct_alle"] = out["prognose_alle"] / budget * 100 if budget else None
    return out
