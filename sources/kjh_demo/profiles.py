"""What each type of help looks like in the demo: invented but plausible figures.

Keys are codes of sources/contract/codelisten.yml; `check()` makes the
generator fail when the contract and these assumptions drift apart.
"""
from dataclasses import dataclass

from kjh_demo import contract


@dataclass(frozen=True)
class Profile:
    share: float  # share among first helps of a young person
    ages: tuple[tuple[int, int, float], ...]  # (from, to, weight per year of age) at beginn
    age_range: tuple[int, int]  # plausible age at beginn for a follow-up help
    duration: tuple[int, int, int]  # days: min, mode, max (triangular)
    places: dict[str, float]  # ort_der_durchfuehrung -> weight; "" = left empty
    reasons: tuple[str, ...]  # hauptgrund codes that are more likely (first one most)
    without_provider: float  # share delivered by the office itself (traeger_id empty)
    monthly_eur: tuple[int, int] | None  # payment per month where no daily rate applies; None = no case bookings


PROFILES = {
    "19": Profile(0.01, ((0, 0, 6), (1, 2, 3), (3, 5, 1)), (0, 5), (120, 300, 700),
                  {"09": 5, "08": 3, "": 1}, ("unzureichende_foerderung", "eingeschraenkte_erziehungskompetenz"),
                  0.0, (2800, 3800)),
    "27.2": Profile(0.05, ((0, 5, 1), (6, 11, 1.2), (12, 17, 1.2), (18, 20, 0.15)), (0, 20), (60, 200, 540),
                    {"01": 4, "06": 3, "05": 1, "12": 1, "07": 0.5, "08": 0.4},
                    ("belastung_problemlagen_eltern", "eingeschraenkte_erziehungskompetenz"), 0.3, (400, 1500)),
    # Erziehungsberatung: many short helps, financed by flat grants, not per case.
    "28": Profile(0.31, ((0, 5, 0.8), (6, 11, 1.3), (12, 17, 1.2), (18, 20, 0.5)), (0, 20), (60, 120, 270),
                  {"06": 7, "01": 1, "05": 0.5, "": 1.5},
                  ("belastung_familiaere_konflikte", "entwicklung_seelische_probleme"), 0.0, None),
    "29": Profile(0.04, ((8, 10, 1), (11, 14, 1.5), (15, 17, 0.6)), (7, 17), (180, 300, 540),
                  {"06": 5, "05": 2, "": 1.5}, ("auffaelligkeit_sozialverhalten", "schulische_berufliche_probleme"),
                  0.1, (250, 500)),
    "30": Profile(0.08, ((8, 11, 0.5), (12, 17, 1.5), (18, 20, 0.9)), (8, 20), (180, 365, 730),
                  {"01": 3, "06": 3, "05": 1, "10": 1, "": 1.5},
                  ("auffaelligkeit_sozialverhalten", "schulische_berufliche_probleme"), 0.15, (600, 1200)),
    "31": Profile(0.14, ((0, 5, 1.3), (6, 11, 1.0), (12, 17, 0.7)), (0, 17), (270, 450, 730),
                  {"01": 8, "": 2},
                  ("eingeschraenkte_erziehungskompetenz", "belastung_problemlagen_eltern", "unzureichende_foerderung"),
                  0.05, (1500, 2800)),
    "32": Profile(0.03, ((6, 9, 1.3), (10, 13, 0.9)), (5, 13), (365, 600, 900),
                  {"07": 8, "": 1.5}, ("auffaelligkeit_sozialverhalten", "unzureichende_foerderung"),
                  0.0, (1900, 2800)),
    "33": Profile(0.06, ((0, 2, 2.0), (3, 5, 1.3), (6, 11, 0.9), (12, 17, 0.5), (18, 20, 0.05)), (0, 20),
                  (365, 1100, 2900), {"03": 6, "02": 2.5, "": 1},
                  ("gefaehrdung_kindeswohl", "unversorgtheit", "eingeschraenkte_erziehungskompetenz"),
                  0.6, (1100, 1600)),
    "34": Profile(0.07, ((6, 11, 0.3), (12, 14, 1.0), (15, 17, 1.8), (18, 20, 0.5)), (6, 20), (365, 700, 1460),
                  {"08": 5, "09": 2.5, "10": 1, "11": 0.1, "": 1},
                  ("gefaehrdung_kindeswohl", "auffaelligkeit_sozialverhalten", "belastung_familiaere_konflikte"),
                  0.0, (4500, 7000)),
    "35": Profile(0.01, ((13, 17, 1.0), (18, 20, 1.0)), (12, 20), (180, 365, 730),
                  {"10": 3, "01": 2, "12": 2, "11": 0.5, "09": 1.5}, ("auffaelligkeit_sozialverhalten",),
                  0.1, (2500, 4500)),
    "35a": Profile(0.09, ((3, 5, 0.5), (6, 11, 1.3), (12, 17, 1.1), (18, 20, 0.6)), (3, 20), (180, 450, 1095),
                   {"01": 3, "05": 3, "06": 2, "04": 1, "07": 0.6, "08": 0.8, "09": 0.6},
                   ("entwicklung_seelische_probleme",), 0.0, (500, 1000)),
    # Inobhutnahme: short, minors only; without provider = Bereitschaftspflege arranged by the office.
    "42": Profile(0.11, ((0, 5, 0.5), (6, 11, 0.5), (12, 13, 1.0), (14, 17, 2.5)), (0, 17), (3, 14, 60),
                  {"08": 4, "09": 2, "03": 3, "02": 0.5, "": 1}, ("gefaehrdung_kindeswohl", "unversorgtheit"),
                  0.25, (1800, 2700)),
}

# Which help tends to follow which for the same young person (consecutive, never overlapping).
FOLLOW_UPS = {
    "19": {"31": 5, "33": 3, "30": 2},
    "27.2": {"31": 4, "30": 3, "34": 3},
    "28": {"31": 3.5, "30": 2.5, "35a": 2, "29": 1, "28": 1},
    "29": {"30": 5, "28": 3, "32": 2},
    "30": {"34": 3, "30": 2, "35": 1, "28": 1, "35a": 3},
    "31": {"34": 2, "33": 1, "30": 2.5, "32": 1.5, "28": 1, "31": 2},
    "32": {"34": 4, "30": 3, "31": 3},
    "33": {"33": 3, "34": 4, "30": 3},
    "34": {"34": 3, "30": 3.5, "35": 1.5, "33": 2},
    "35": {"34": 5, "30": 5},
    "35a": {"35a": 5, "34": 2, "30": 3},
    "42": {"34": 3.5, "33": 2, "31": 2, "30": 1, "35a": 0.5, "27.2": 1},
}
# A follow-up whose type does not fit the person's age becomes this instead.
FALLBACK_OLDER, FALLBACK_YOUNGER, FALLBACK_AGE = "30", "31", 8

# Helps that siblings often start together (a family help like SPFH has one record for the family).
JOINT_FOR_SIBLINGS = {"42", "33", "34", "28"}

BEENDIGUNG = {"planmaessig": 0.58, "abbruch_adressat": 0.18, "abbruch_einrichtung": 0.08,
              "zustaendigkeitswechsel": 0.09, "sonstig": 0.07}
BEENDIGUNG_BERATUNG = {"planmaessig": 0.72, "abbruch_adressat": 0.16, "abbruch_einrichtung": 0.01,
                       "zustaendigkeitswechsel": 0.05, "sonstig": 0.06}

GESCHLECHT = {"m": 0.515, "w": 0.465, "d": 0.008, "o": 0.012}
HERKUNFT = {"j": 0.33, "n": 0.60, "u": 0.07}
# German spoken at home, given foreign origin j / n / u.
DEUTSCH_GIVEN_HERKUNFT = {"j": {"j": 0.5, "n": 0.45, "u": 0.05}, "n": {"j": 0.97, "n": 0.02, "u": 0.01},
                          "u": {"j": 0.4, "n": 0.0, "u": 0.6}}

# More helps begin in autumn, fewer in the summer holidays and around Christmas.
MONTH_WEIGHT = (0.95, 1.0, 1.05, 0.95, 0.95, 0.9, 0.75, 0.85, 1.2, 1.25, 1.2, 0.8)
YEARLY_GROWTH = 0.03
# The exports hold only helps begun since first_year - 2, so the long helps an office
# carries from earlier years are missing; a larger intake in those two warm-up years
# stands in for them, so that the caseload does not seem to climb steeply after first_year.
WARM_UP = (2.4, 1.5)

# Share of reasons not named in a profile (the `sonstig` reason is never used).
REASON_WEIGHTS = (6.0, 4.0, 3.0)
UNUSED_REASONS = {"sonstig"}


def check() -> None:
    hilfearten = set(contract.codes("hilfeart"))
    for table in (PROFILES, FOLLOW_UPS):
        if set(table) != hilfearten:
            raise ValueError(f"profiles.py and codelisten.yml/hilfeart differ: {sorted(set(table) ^ hilfearten)}")
    contract.require_codes("hilfeart", {c for f in FOLLOW_UPS.values() for c in f}
                           | JOINT_FOR_SIBLINGS | {FALLBACK_OLDER, FALLBACK_YOUNGER})
    contract.require_codes("ort_der_durchfuehrung", {o for p in PROFILES.values() for o in p.places} - {""})
    contract.require_codes("hauptgrund", {r for p in PROFILES.values() for r in p.reasons} | UNUSED_REASONS)
    contract.require_codes("beendigungsgrund", set(BEENDIGUNG) | set(BEENDIGUNG_BERATUNG))
    contract.require_codes("geschlecht", GESCHLECHT)
    contract.require_codes("jnu", set(HERKUNFT) | {k for d in DEUTSCH_GIVEN_HERKUNFT.values() for k in d})
