"""Help episodes (Hilfen): families, young people and their helps, all vectorised.

A family (fall_id) has one to three young people with helps; each young person
(person_id) has a chain of one to four helps, one after the other, so no two
helps of a person overlap. Every help carries its true end, which may lie
after an export date: an export shows `ende` only when it is not after its date.
"""
from dataclasses import dataclass
from datetime import date

import numpy as np

from kjh_demo import contract, csv_writer, merkmale, profiles
from kjh_demo.county import County
from kjh_demo.dates import add_years, age_at, day, ymd
from kjh_demo.providers import KINDS, Providers, assign_providers

IOB = contract.hilfeart_mit("inobhutnahme")
BERATUNG = contract.hilfeart_mit("beratung")

HELPS_PER_SCALE = 6000  # helps begun by the stand over all years, at scale 1
HELPS_PER_FAMILY = 1.72  # measured: what one family yields after helps beyond the stand are dropped
SETTINGS = ("ambulant", "teilstationaer", "stationaer")
FAMILY_PLACES = {"02", "03"}  # a family place is arranged through a foster-care service


@dataclass
class Helps:
    hilfe_no: np.ndarray
    fall_year: np.ndarray
    fall_no: np.ndarray
    person_no: np.ndarray
    birth: np.ndarray  # day
    geschlecht: np.ndarray  # index into contract.codes("geschlecht")
    herkunft: np.ndarray  # index into contract.codes("jnu")
    deutsch: np.ndarray
    municipality: np.ndarray  # index into county.ags
    hilfeart: np.ndarray  # index into contract.codes("hilfeart")
    ort: np.ndarray  # index into contract.codes("ort_der_durchfuehrung"), -1 empty
    setting: np.ndarray  # index into SETTINGS
    beginn: np.ndarray  # day
    ende: np.ndarray  # day of the true end (may be after every export)
    beendigung: np.ndarray  # index into contract.codes("beendigungsgrund")
    hauptgrund: np.ndarray  # index into contract.codes("hauptgrund")
    provider: np.ndarray  # index into providers, -1 = the office itself
    merkmale: merkmale.Merkmale  # contract v2 columns and the youth office

    def __len__(self) -> int:
        return len(self.hilfe_no)


def _choice_by_group(rng: np.random.Generator, group: np.ndarray, weights: dict[int, dict[int, float]]) -> np.ndarray:
    """For each element, draw a value from the weight table of its group (-1 for groups without one)."""
    out = np.full(len(group), -1)
    for g, table in weights.items():
        sel = np.flatnonzero(group == g)
        if len(sel) and table:
            values = np.array(list(table))
            p = np.array(list(table.values()), dtype=float)
            out[sel] = values[rng.choice(len(values), size=len(sel), p=p / p.sum())]
    return out


def _draw(rng: np.random.Generator, n: int, labels: list[str], weights: dict[str, float]) -> np.ndarray:
    """n indices into labels, drawn with weights keyed by label."""
    return _choice_by_group(rng, np.zeros(n, int), {0: {labels.index(k): w for k, w in weights.items()}})


def _age_tables(prof: list[profiles.Profile]) -> dict[int, dict[int, float]]:
    return {h: {a: w for lo, hi, w in p.ages for a in range(lo, hi + 1)} for h, p in enumerate(prof)}


def generate_helps(county: County, providers: Providers, rng: np.random.Generator, scale: float,
                   first_year: int, stand: date) -> Helps:
    profiles.check()
    hilfearten = contract.codes("hilfeart")
    orte = contract.codes("ort_der_durchfuehrung")
    prof = [profiles.PROFILES[c] for c in hilfearten]
    h_index = {c: i for i, c in enumerate(hilfearten)}
    # Helps are simulated to the end of the stand year: the exports cut at the stand, but the
    # bookings of the rest of that year complete its expected expenditure (budgets).
    first_day, last_day = day(date(first_year - 2, 1, 1)), day(date(stand.year, 12, 31))

    # Families: when they first come to the office (seasonal, slowly growing) and where they live.
    days = np.arange(first_day, last_day + 1)
    y, m, _ = ymd(days)
    w = np.array(profiles.MONTH_WEIGHT)[m - 1] * (1 + profiles.YEARLY_GROWTH) ** (y - first_year)
    for k, boost in enumerate(profiles.WARM_UP):
        w[y == first_year - 2 + k] *= boost
    by_stand = w[days <= day(stand)].sum() / w.sum()
    n_fam = max(30, round(HELPS_PER_SCALE * scale / HELPS_PER_FAMILY / by_stand))
    fam_start = rng.choice(days, size=n_fam, p=w / w.sum())
    # Helps follow the young population, more often in the towns, with some local variation.
    propensity = county.population_2011 * np.where(county.is_town, 1.5, 1.0) * rng.lognormal(0, 0.25, len(county.ags))
    fam_muni = rng.choice(len(county.ags), size=n_fam, p=propensity / propensity.sum())
    jnu = contract.codes("jnu")
    fam_herkunft = _draw(rng, n_fam, jnu, profiles.HERKUNFT)
    fam_deutsch = _choice_by_group(rng, fam_herkunft, {jnu.index(h): {jnu.index(k): v for k, v in t.items()}
                                                       for h, t in profiles.DEUTSCH_GIVEN_HERKUNFT.items()})

    # Young people: the first in a family is its index child; siblings often start together.
    n_children = rng.choice([1, 2, 3], size=n_fam, p=[0.7, 0.22, 0.08])
    fam = np.repeat(np.arange(n_fam), n_children)
    n_p = len(fam)
    first_of_fam = np.cumsum(n_children) - n_children
    is_index = np.zeros(n_p, bool)
    is_index[first_of_fam] = True
    shares = np.array([p.share for p in prof])
    hilfeart = rng.choice(len(prof), size=n_p, p=shares / shares.sum())
    index_hilfeart = hilfeart[first_of_fam[fam]]
    joint = (~is_index & (rng.random(n_p) < 0.5)
             & np.isin(index_hilfeart, [h_index[c] for c in profiles.JOINT_FOR_SIBLINGS]))
    hilfeart = np.where(joint, index_hilfeart, hilfeart)
    offset = np.where(is_index, 0, np.where(joint, rng.integers(0, 11, n_p), rng.exponential(300, n_p).astype(int)))
    start = fam_start[fam] + offset
    age = _choice_by_group(rng, hilfeart, _age_tables(prof))
    birth = start - np.floor((age + rng.uniform(0.02, 0.98, n_p)) * 365.2425).astype("int64")
    geschlecht = _draw(rng, n_p, contract.codes("geschlecht"), profiles.GESCHLECHT)
    chain_len = rng.choice([1, 2, 3, 4], size=n_p, p=[0.72, 0.2, 0.06, 0.02])

    # Chains: help k+1 starts the day after help k ends or later.
    lo = np.array([p.age_range[0] for p in prof])
    hi = np.array([p.age_range[1] for p in prof])
    dur = np.array([p.duration for p in prof])
    follow = {h_index[c]: {h_index[n]: w for n, w in t.items()} for c, t in profiles.FOLLOW_UPS.items()}
    parts = []
    who, h, b = np.arange(n_p), hilfeart, start
    for k in range(4):
        if k:
            prev = parts[-1]
            keep = (chain_len[prev["person"]] > k) & (prev["ende"] < last_day)
            who = prev["person"][keep]
            prev_h, prev_end = prev["hilfeart"][keep], prev["ende"][keep]
            seamless = (prev_h == h_index[IOB]) & (rng.random(len(who)) < 0.6)
            gap = np.where(seamless, 0, np.where(prev_h == h_index[IOB], rng.integers(1, 60, len(who)),
                                                  rng.exponential(120, len(who)).astype(int)))
            b = prev_end + 1 + gap
            h = _choice_by_group(rng, prev_h, follow)
            a = age_at(birth[who], b)
            misfit = (a < lo[h]) | (a > hi[h])
            h = np.where(misfit, np.where(a >= profiles.FALLBACK_AGE, h_index[profiles.FALLBACK_OLDER],
                                          h_index[profiles.FALLBACK_YOUNGER]), h)
            ok = (a <= 20) & (b <= last_day)  # help for young adults begins before 21
            who, h, b = who[ok], h[ok], b[ok]
        else:
            ok = b <= last_day
            who, h, b = who[ok], h[ok], b[ok]
        length = np.rint(rng.triangular(dur[h, 0], dur[h, 1], dur[h, 2])).astype("int64")
        e = b + length
        # § 41 help ends by the 21st birthday; an Inobhutnahme ends when the child comes of age.
        e = np.minimum(e, add_years(birth[who], 21) - 1)
        e = np.where(h == h_index[IOB], np.minimum(e, add_years(birth[who], contract.volljaehrig_ab()) - 1), e)
        parts.append({"person": who, "hilfeart": h, "beginn": b, "ende": e})

    person = np.concatenate([p["person"] for p in parts])
    hilfeart = np.concatenate([p["hilfeart"] for p in parts])
    beginn = np.concatenate([p["beginn"] for p in parts])
    ende = np.concatenate([p["ende"] for p in parts])
    order = np.lexsort((person, beginn))
    person, hilfeart, beginn, ende = person[order], hilfeart[order], beginn[order], ende[order]
    n = len(person)

    # Identifiers in order of first appearance; a case number carries the year the family came.
    _, first_pos, person_rank = np.unique(person, return_index=True, return_inverse=True)
    person_no = np.argsort(np.argsort(first_pos))[person_rank] + 1
    f = fam[person]
    _, fam_first, fam_rank = np.unique(f, return_index=True, return_inverse=True)
    fam_order = np.argsort(fam_first)  # families in order of their first help
    fam_year = ymd(beginn[fam_first[fam_order]])[0]
    fam_no_in_year = np.empty(len(fam_order), int)
    for yr in np.unique(fam_year):
        sel = fam_year == yr
        fam_no_in_year[sel] = np.arange(1, sel.sum() + 1)
    year_of, no_of = np.empty(len(fam_order), int), np.empty(len(fam_order), int)
    year_of[fam_order], no_of[fam_order] = fam_year, fam_no_in_year

    # Place, setting and the kind of provider that delivers it.
    ort = _choice_by_group(rng, hilfeart, {i: {(orte.index(o) if o else -1): w for o, w in p.places.items()}
                                           for i, p in enumerate(prof)})
    hilfeart_setting = contract.settings("hilfeart")
    ort_setting = contract.settings("ort_der_durchfuehrung")
    by_code = np.array([SETTINGS.index(hilfeart_setting[c]) if hilfeart_setting[c] in SETTINGS else -1
                        for c in hilfearten])
    by_place = np.array([SETTINGS.index(ort_setting[o]) for o in orte] + [0])  # empty place = ambulant
    setting = np.where(by_code[hilfeart] >= 0, by_code[hilfeart], by_place[ort])

    kind_by_setting = np.array([KINDS.index(k) for k in ("ambulant", "tagesgruppe", "heim")])
    kind = kind_by_setting[setting]
    kind = np.where(hilfeart == h_index[BERATUNG], KINDS.index("beratung"), kind)
    family_place = np.isin(ort, [orte.index(o) for o in FAMILY_PLACES])
    kind = np.where((hilfeart == h_index["33"]) | family_place, KINDS.index("pflege"), kind)
    # The office delivers some helps itself, never a place in a home or day group.
    by_office = ((rng.random(n) < np.array([p.without_provider for p in prof])[hilfeart])
                 & ~np.isin(kind, [KINDS.index("heim"), KINDS.index("tagesgruppe")]))
    kind = np.where(by_office, -1, kind)
    municipality = fam_muni[f]
    provider = assign_providers(providers, kind, county.sozialraum_at(municipality, beginn), beginn, ende, rng)

    # Reasons: those typical for the help more often, `sonstig` never (no longer a reason of the statistics).
    gruende = contract.codes("hauptgrund")
    reason_w = {}
    for i, p in enumerate(prof):
        table = {j: 1.0 for j, g in enumerate(gruende) if g not in profiles.UNUSED_REASONS}
        for g, wt in zip(p.reasons, profiles.REASON_WEIGHTS):
            table[gruende.index(g)] = wt
        reason_w[i] = table
    hauptgrund = _choice_by_group(rng, hilfeart, reason_w)
    beend = contract.codes("beendigungsgrund")
    beendigung = _choice_by_group(
        rng, (hilfeart == h_index[BERATUNG]).astype(int),
        {0: {beend.index(k): v for k, v in profiles.BEENDIGUNG.items()},
         1: {beend.index(k): v for k, v in profiles.BEENDIGUNG_BERATUNG.items()}})
    # Contract v2 Merkmale last, from their own random stream: everything above stays as it was.
    v2 = merkmale.draw(hilfeart, beginn, birth[person], beendigung, hauptgrund, setting == SETTINGS.index("stationaer"),
                       fam_muni[f], scale)

    return Helps(
        hilfe_no=np.arange(1, n + 1),
        fall_year=year_of[fam_rank],
        fall_no=no_of[fam_rank],
        person_no=person_no,
        birth=birth[person],
        geschlecht=geschlecht[person],
        herkunft=fam_herkunft[f],
        deutsch=fam_deutsch[f],
        municipality=municipality,
        hilfeart=hilfeart,
        ort=ort,
        setting=setting,
        beginn=beginn,
        ende=ende,
        beendigung=v2.beendigung,
        hauptgrund=hauptgrund,
        provider=provider,
        merkmale=v2,
    )


def hilfen_columns(helps: Helps, county: County, providers: Providers, stand_day: int) -> dict[str, object]:
    """The `hilfen` full export as of a day: helps begun by then; an end only if it has happened."""
    s = np.flatnonzero(helps.beginn <= stand_day)
    ended = helps.ende[s] <= stand_day
    open_ = ~ended
    return {
        "hilfe_id": csv_writer.numbered("H-", helps.hilfe_no[s], 6),
        "fall_id": [f"AZ-51-{y}-{n:04d}" for y, n in zip(helps.fall_year[s].tolist(), helps.fall_no[s].tolist())],
        "person_id": csv_writer.numbered("P-", helps.person_no[s], 6),
        "geburtsdatum": csv_writer.dates(helps.birth[s]),
        "geschlecht": csv_writer.lookup(contract.codes("geschlecht"), helps.geschlecht[s]),
        "auslaendische_herkunft": csv_writer.lookup(contract.codes("jnu"), helps.herkunft[s]),
        "deutsch_in_familie": csv_writer.lookup(contract.codes("jnu"), helps.deutsch[s]),
        "wohnort_ags": csv_writer.lookup(county.ags, helps.municipality[s]),
        "hilfeart": csv_writer.lookup(contract.codes("hilfeart"), helps.hilfeart[s]),
        "ort_der_durchfuehrung": csv_writer.lookup(contract.codes("ort_der_durchfuehrung"), helps.ort[s]),
        "beginn": csv_writer.dates(helps.beginn[s]),
        "ende": csv_writer.dates(helps.ende[s], empty=open_),
        "beendigungsgrund": csv_writer.lookup(contract.codes("beendigungsgrund"),
                                              np.where(ended, helps.beendigung[s], -1)),
        "traeger_id": csv_writer.lookup(providers.ids, helps.provider[s]),
        "hauptgrund": csv_writer.lookup(contract.codes("hauptgrund"), helps.hauptgrund[s]),
        **merkmale_columns(helps, s, ended),
    }


ENDE_MERKMALE = ("anschliessender_aufenthalt", "nachfolgende_hilfe")
AMT_AB = day(date(2025, 1, 1))  # the case system fills `jugendamt` for helps begun from then on


def merkmale_columns(helps: Helps, s: np.ndarray, ended: np.ndarray) -> dict[str, object]:
    """The v2 columns of the rows s; what followed a help only once it has ended. `jugendamt`: one
    office writes its Kennnummer only for newer helps (empty = the office of meldestelle.yml);
    several offices in one export always write it."""
    m = helps.merkmale
    cols = {name: (np.where(ended, values[s], "") if name in ENDE_MERKMALE else values[s])
            for name, values in m.spalten.items()}
    kenn = np.array(m.kennnummern, dtype=object)[m.amt[s]]
    cols["jugendamt"] = kenn if len(m.kennnummern) > 1 else np.where(helps.beginn[s] >= AMT_AB, kenn, "")
    return cols
