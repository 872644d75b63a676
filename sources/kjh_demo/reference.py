"""The office's reference files: social-space mapping, young population, budgets."""
import numpy as np

from kjh_demo import contract, csv_writer
from kjh_demo.county import County

UNDER_21_SHARE = 0.20  # of the 2011 population (domain.md §7: no real figures per municipality)
POPULATION_BASE_YEAR = 2011
BUDGET_FACTOR = (0.92, 1.10)  # budget = expected net expenditure × factor: some spaces end over, some under


def sozialraeume_columns(county: County, after_change: bool) -> dict[str, object]:
    sr = county.sozialraum_after if after_change else county.sozialraum_before
    names = [county.sozialraeume[i] for i in sr]
    return {
        "ags": county.ags,
        "gemeinde": county.names,
        "sozialraum": names,
        "region": [county.region_of[n] for n in names],
    }


def bevoelkerung_columns(county: County, rng: np.random.Generator, scale: float, years: range) -> dict[str, object]:
    """Young residents per municipality, age group and year (31.12.): ~20 % of 2011's population
    under 21, split by the width of each group, with a slight trend per municipality and group.
    Scaled like the helps, so that rates per 1,000 young residents stay plausible at any scale."""
    groups = contract.codes("altersgruppe")
    widths = np.array([int(g.split("-")[1]) - int(g.split("-")[0]) + 1 for g in groups])
    share = UNDER_21_SHARE * widths / widths.sum()
    # Fewer small children than a flat split; young adults leave the villages for the towns.
    share = share * np.linspace(0.96, 1.0, len(groups))
    oldest = np.where(county.is_town, 1.12, 0.92)
    trend_group = np.linspace(0.004, -0.004, len(groups))  # more small children, fewer young adults
    trend_muni = rng.normal(0.002, 0.006, len(county.ags))

    out = {"ags": [], "jahr": [], "altersgruppe": [], "anzahl": []}
    for m, ags in enumerate(county.ags):
        base = county.population_2011[m] * share * np.r_[np.ones(len(groups) - 1), oldest[m]]
        for year in years:
            counts = np.rint(base * (1 + trend_muni[m] + trend_group) ** (year - POPULATION_BASE_YEAR) * scale)
            out["ags"] += [ags] * len(groups)
            out["jahr"] += [str(year)] * len(groups)
            out["altersgruppe"] += groups
            out["anzahl"] += [str(int(c)) for c in counts]
    return out


def budgets_columns(county: County, net_cents: np.ndarray, teilplaene: list[int], first_year: int,
                    rng: np.random.Generator) -> dict[str, object]:
    """Cap per social space, year and Teilplan: the expected net expenditure × 0.92–1.10, rounded
    to 100 EUR. Each year the social spaces get factors spread over the whole range."""
    n_sr, n_years, n_tp = net_cents.shape
    out = {"sozialraum": [], "haushaltsjahr": [], "teilplan": [], "budget_eur": []}
    for y in range(n_years):
        spread = rng.permutation(np.linspace(*BUDGET_FACTOR, n_sr))
        for s in range(n_sr):
            factors = np.clip(spread[s] + rng.normal(0, 0.01, n_tp), *BUDGET_FACTOR)
            budget = np.round(np.maximum(net_cents[s, y], 0) * factors / 10_000).astype("int64") * 10_000
            out["sozialraum"] += [county.sozialraeume[s]] * n_tp
            out["haushaltsjahr"] += [str(first_year + y)] * n_tp
            out["teilplan"] += [str(t) for t in teilplaene]
            out["budget_eur"] += csv_writer.amounts(budget)
    return out
