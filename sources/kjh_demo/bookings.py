"""Bookings (Buchungen) of the finance system, generated one service month at a time.

Per running help and month: the main payment (daily rate × days for homes and
day groups, otherwise a monthly amount), for homes a small monthly side
payment, now and then a one-off allowance, parents' contributions and
reimbursements from other offices as income, and a few refunds. Case-
independent grants go to the Sozialraumträger and counselling services.
Each month's rows are streamed to the delta file their booking date falls
into, so memory does not grow with the number of bookings.
"""
from dataclasses import dataclass
from datetime import date

import numpy as np

from kjh_demo import contract, csv_writer, profiles
from kjh_demo.county import County
from kjh_demo.dates import day, months_between, ymd
from kjh_demo.episodes import SETTINGS, Helps
from kjh_demo.providers import KINDS, Providers

TEILPLAN = {"ambulant": 3632, "teilstationaer": 3633, "stationaer": 3634}
SACHKONTO = {
    "leistung": 533100,  # Leistungen außerhalb von Einrichtungen (ambulant, Pflegefamilie)
    "einrichtung": 534100,  # Leistungen in Einrichtungen: daily rate of a home or day group
    "nebenleistung": 534200,  # Barbetrag, Bekleidung in Einrichtungen
    "beihilfe": 533900,  # einmalige Beihilfen
    "krankenhilfe": 533300,  # Krankenhilfe (§ 40): contributions to a health insurer
    "zuschuss": 531800,  # Zuschüsse an freie Träger, not tied to a case
    "kostenbeitrag": 442100,  # Kostenbeiträge (Einnahme)
    "erstattung": 448100,  # Kostenerstattungen anderer Jugendämter (Einnahme)
}
PRICE_INDEX = 0.025  # monthly amounts rise by this much each year
AVG_MONTH = 365.25 / 12
FOSTER_UPBRINGING_SHARE = 0.38  # of the foster care allowance: Kosten der Erziehung
FOSTER_INSURANCE_EUR = 55  # per month, paid half-yearly
# Child benefit a parent passes on as contribution (§ 94 Abs. 3), EUR per month; other years take the nearest.
KINDERGELD_EUR = {2021: 219, 2022: 219, 2023: 250, 2024: 250, 2025: 255}


@dataclass
class PaymentTerms:
    """How each help is paid, fixed at its start."""

    billed: np.ndarray  # Erziehungsberatung is financed by grants, not per case
    rated: np.ndarray  # paid by a provider's daily rate
    workdays: np.ndarray  # day groups charge school/work days only
    monthly: np.ndarray  # cents per month where no daily rate applies
    quarterly: np.ndarray  # a few foster families are paid quarterly in arrears
    side: np.ndarray  # cents per month of side payments in a home, 0 = none
    contribution: np.ndarray  # parents' contribution in cents per month, 0 = none
    child_benefit: np.ndarray  # parents also pass on their child benefit
    health: np.ndarray  # health insurance contribution in cents per month, 0 = none
    reimbursed: np.ndarray  # another office reimburses this share of the cost, 0 = none


def payment_terms(helps: Helps, providers: Providers, rng: np.random.Generator) -> PaymentTerms:
    prof = [profiles.PROFILES[c] for c in contract.codes("hilfeart")]
    h42 = contract.codes("hilfeart").index(contract.hilfeart_mit("inobhutnahme"))
    h33 = contract.codes("hilfeart").index("33")
    n = len(helps)
    p = helps.provider
    has_rate = (p >= 0) & (providers.rate_old[p] > 0)
    lo = np.array([(pr.monthly_eur or (0, 0))[0] for pr in prof])[helps.hilfeart]
    hi = np.array([(pr.monthly_eur or (0, 0))[1] for pr in prof])[helps.hilfeart]
    stationary = helps.setting == SETTINGS.index("stationaer")
    in_home = stationary & has_rate & (providers.kind[p] == KINDS.index("heim")) & (helps.hilfeart != h42)
    away = stationary & (helps.hilfeart != h42)
    contribution = np.where(away & (rng.random(n) < 0.4), np.round(rng.uniform(50, 400, n)) * 100, 0).astype("int64")
    return PaymentTerms(
        billed=np.array([pr.monthly_eur is not None for pr in prof])[helps.hilfeart],
        rated=has_rate,
        workdays=has_rate & (providers.kind[p] == KINDS.index("tagesgruppe")),
        monthly=np.round(rng.uniform(lo, hi) * 100).astype("int64"),
        quarterly=(helps.hilfeart == h33) & (rng.random(n) < 0.1),
        side=np.where(in_home, np.round(rng.uniform(60, 180, n)) * 100, 0).astype("int64"),
        contribution=contribution,
        child_benefit=(contribution > 0) & (rng.random(n) < 0.5),
        health=np.where(away & (rng.random(n) < 0.3), np.round(rng.uniform(190, 240, n) * 100), 0).astype("int64"),
        reimbursed=np.where((helps.hilfeart != h42) & (rng.random(n) < 0.05), rng.uniform(0.85, 1.0, n), 0.0),
    )


class _Rows:
    """Columns of one month's bookings, collected part by part."""

    FIELDS = ("hilfe", "buch", "von", "bis", "cents", "teilplan", "sachkonto", "kostenart", "provider", "sozialraum")

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, **cols) -> None:
        sizes = [np.size(v) for v in cols.values() if np.ndim(v) > 0]
        n = sizes[0] if sizes else 1
        if n:
            self.parts.append({k: np.broadcast_to(np.asarray(cols[k], dtype="int64"), (n,)) for k in self.FIELDS})

    def concat(self) -> dict[str, np.ndarray]:
        if not self.parts:
            return {k: np.zeros(0, "int64") for k in self.FIELDS}
        return {k: np.concatenate([p[k] for p in self.parts]) for k in self.FIELDS}


@dataclass
class BookingFiles:
    """The delta files: file i holds bookings dated after cut i-1 up to cut i."""

    cuts: np.ndarray  # day of each file's export date, ascending
    files: list[csv_writer.CsvFile]


def write_bookings(helps: Helps, providers: Providers, county: County, files: BookingFiles,
                   rng: np.random.Generator, scale: float, first_year: int, stand: date) -> np.ndarray:
    """Stream all bookings to `files`; return net expenditure in cents per
    (social space, year - first_year, teilplan index) by service year, including
    bookings after the stand (for the expected full-year figures of budgets)."""
    terms = payment_terms(helps, providers, rng)
    kostenarten = contract.codes("kostenart")
    leistung, erstattung, kostenbeitrag = (kostenarten.index(k) for k in ("leistung", "erstattung", "kostenbeitrag"))
    sachkonten = list(SACHKONTO.values())
    sk = {name: sachkonten.index(v) for name, v in SACHKONTO.items()}
    teilplaene = list(TEILPLAN.values())
    tp_of_setting = np.array([teilplaene.index(TEILPLAN[s]) for s in SETTINGS])
    tp_amb = teilplaene.index(TEILPLAN["ambulant"])
    produktkonto = [f"{tp}.{s:06d}" for tp in teilplaene for s in sachkonten]
    hilfe_ids = csv_writer.numbered("H-", helps.hilfe_no, 6)
    years = stand.year - first_year + 1
    net = np.zeros((len(county.sozialraeume), years, len(teilplaene)), dtype="int64")

    first_day, stand_day = day(date(first_year, 1, 1)), day(stand)
    billed = np.flatnonzero(terms.billed)
    beginn, ende = helps.beginn[billed], helps.ende[billed]
    grants = np.flatnonzero(providers.sozialraumtraeger >= 0)
    grant_cents = np.round(rng.uniform(6000, 14000, len(grants)) * scale * 100).astype("int64")
    counselling = np.flatnonzero((providers.kind == KINDS.index("beratung")) & (providers.seat >= 0)
                                 & (np.array(providers.art) != "oeffentlich"))
    counselling_cents = np.round(rng.uniform(15000, 35000, len(counselling)) * 100).astype("int64")
    small_grantees = np.flatnonzero(np.isin(providers.kind, [KINDS.index("ambulant"), KINDS.index("beratung")])
                                    & (providers.seat >= 0))
    next_id = 1
    h33, h42 = (contract.codes("hilfeart").index(c) for c in ("33", contract.hilfeart_mit("inobhutnahme")))

    # Through December of the stand year: bookings after the stand are not written,
    # but they complete the year's expected expenditure for the budgets.
    for yr, mo, ms, me in months_between(date(first_year, 1, 1), date(stand.year, 12, 31)):
        dim = me - ms + 1
        rows = _Rows()
        index = (1 + PRICE_INDEX) ** (yr - first_year)
        december = mo == 12
        quarter_start = day(date(yr, mo - (mo - 1) % 3, 1))
        half_start = day(date(yr, 1 if mo <= 6 else 7, 1))

        # Helps running in this month.
        run = (beginn <= me) & (ende >= ms)
        i = billed[run]
        von, bis = np.maximum(helps.beginn[i], ms), np.minimum(helps.ende[i], me)
        days = bis - von + 1
        prov = helps.provider[i]
        tp = tp_of_setting[helps.setting[i]]
        sr = county.sozialraum_at(helps.municipality[i], von)

        # Main payment; quarterly foster payments only at quarter end or when the help ends.
        q = terms.quarterly[i]
        emit = ~q | (mo % 3 == 0) | (helps.ende[i] <= me)
        m_von = np.where(q, np.maximum(np.maximum(helps.beginn[i], quarter_start), first_day), von)
        m_days = bis - m_von + 1
        rated = terms.rated[i]
        rate = np.where(rated, providers.rate_on(np.maximum(prov, 0), m_von), 0)
        charged = np.where(terms.workdays[i], np.busday_count(m_von.astype("M8[D]"), (bis + 1).astype("M8[D]")), m_days)
        per_day = terms.monthly[i] * index / np.where(q, AVG_MONTH, dim)
        cents = np.where(rated, rate * charged, np.round(per_day * m_days)).astype("int64")
        # Providers invoice early next month; the office pays its own helps at month end or
        # early next month; year-end closing pulls many December payments into December.
        end_share = np.where(rated, 0.5 if december else 0.0, 0.6 if december else 0.3)
        buch = np.where(rng.random(len(i)) < end_share, me - rng.integers(0, 6, len(i)),
                        me + 1 + np.where(rated, rng.integers(2, 20, len(i)), rng.integers(0, 12, len(i))))
        buch = np.maximum(buch, m_von)
        e = emit & (cents > 0)
        main = dict(hilfe=i[e], buch=buch[e], von=m_von[e], bis=bis[e], cents=cents[e], teilplan=tp[e],
                    sachkonto=np.where(rated[e], sk["einrichtung"], sk["leistung"]), kostenart=leistung,
                    provider=prov[e], sozialraum=sr[e])
        # Foster care allowance is booked in its two parts (material needs, cost of upbringing).
        foster = helps.hilfeart[main["hilfe"]] == h33
        upbringing = _take(main, foster)
        upbringing["cents"] = np.round(upbringing["cents"] * FOSTER_UPBRINGING_SHARE).astype("int64")
        main["cents"][foster] -= upbringing["cents"]
        # Corrections: some bookings go out with a wrong amount; they are reversed in full
        # later and booked again with the right one (bookings are never edited).
        corrected = rng.random(len(main["hilfe"])) < 0.015
        right = main["cents"][corrected].copy()
        main["cents"][corrected] = np.round(right * rng.uniform(0.9, 1.1, corrected.sum())).astype("int64")
        rows.add(**main)
        rows.add(**upbringing)
        # Ambulant services bill travel and material costs apart in many months.
        t = (~rated[e]) & (prov[e] >= 0) & (helps.setting[i[e]] == SETTINGS.index("ambulant")) \
            & (rng.random(e.sum()) < 0.55)
        travel = _take(main, t)
        travel["cents"] = np.round(rng.uniform(15, 180, t.sum()) * 100).astype("int64")
        travel["cents"] += travel["cents"] == main["cents"][t]  # never the same amount as the service itself
        rows.add(**travel)
        # Refunds: a service billed by the month pays back part of it (hours not delivered,
        # early end). A daily rate is billed by the days of care, so it needs none.
        r = (rng.random(len(main["hilfe"])) < 0.007) & ~rated[e]
        refund = _take(main, r)
        refund["cents"] = -np.round(refund["cents"] * rng.uniform(0.05, 0.5, r.sum())).astype("int64")
        refund["buch"] = refund["buch"] + rng.integers(20, 120, r.sum())
        rows.add(**refund)
        # The corrections drawn above: reversal of the wrong amount, then the right one.
        reversal = _take(main, corrected)
        reversal["cents"] = -reversal["cents"]
        reversal["buch"] = reversal["buch"] + rng.integers(5, 24, corrected.sum())  # noticed within the payment term
        rebooking = dict(reversal, cents=right)
        rows.add(**reversal)
        rows.add(**rebooking)

        # Side payments in homes, pocket money and clothing apart, at the start of the month.
        s = terms.side[i] > 0
        side = np.round(terms.side[i][s] * days[s] / dim).astype("int64")
        pocket = np.round(side * 0.55).astype("int64")
        for part in (pocket, side - pocket):
            rows.add(hilfe=i[s], buch=np.maximum(ms + rng.integers(0, 5, s.sum()), von[s]), von=von[s], bis=bis[s],
                     cents=part, teilplan=tp[s], sachkonto=sk["nebenleistung"], kostenart=leistung, provider=prov[s],
                     sozialraum=sr[s])
        # One-off allowances for young people living away from home; an outfit when they move in.
        h = helps.hilfeart[i]
        away = (helps.setting[i] == SETTINGS.index("stationaer")) & (h != h42)
        starting = helps.beginn[i] >= ms
        a = away & (rng.random(len(i)) < np.where(starting, 0.5, 0.05))
        rows.add(hilfe=i[a], buch=np.minimum(von[a] + rng.integers(0, 15, a.sum()), me + 10), von=von[a], bis=bis[a],
                 cents=np.round(rng.uniform(100, 1200, a.sum()) * 100), teilplan=tp[a], sachkonto=sk["beihilfe"],
                 kostenart=leistung, provider=-1, sozialraum=sr[a])

        # Foster parents' pension and accident insurance (§ 39 Abs. 4), half-yearly in arrears.
        half_end = (mo % 6 == 0) | (helps.ende[i] <= me)
        f = (h == h33) & half_end
        f_von = np.maximum(np.maximum(helps.beginn[i][f], half_start), first_day)
        rows.add(hilfe=i[f], buch=bis[f] + rng.integers(5, 25, f.sum()), von=f_von, bis=bis[f],
                 cents=np.round(FOSTER_INSURANCE_EUR * 100 * (bis[f] - f_von + 1) / AVG_MONTH), teilplan=tp[f],
                 sachkonto=sk["leistung"], kostenart=leistung, provider=-1, sozialraum=sr[f])

        # Health insurance for young people living away from home, monthly.
        k = terms.health[i] > 0
        rows.add(hilfe=i[k], buch=np.maximum(ms + rng.integers(0, 10, k.sum()), von[k]), von=von[k], bis=bis[k],
                 cents=np.round(terms.health[i][k] * days[k] / dim), teilplan=tp[k], sachkonto=sk["krankenhilfe"],
                 kostenart=leistung, provider=-1, sozialraum=sr[k])

        # Parents' contribution from the second month on, child benefit apart (income).
        c = (terms.contribution[i] > 0) & (helps.beginn[i] < ms)
        kindergeld = KINDERGELD_EUR[min(max(yr, min(KINDERGELD_EUR)), max(KINDERGELD_EUR))] * 100
        for monthly in (terms.contribution[i], np.where(terms.child_benefit[i], kindergeld, 0)):
            cc = c & (monthly > 0)
            rows.add(hilfe=i[cc], buch=ms + rng.integers(4, 20, cc.sum()), von=von[cc], bis=bis[cc],
                     cents=np.round(monthly[cc] * days[cc] / dim), teilplan=tp[cc],
                     sachkonto=sk["kostenbeitrag"], kostenart=kostenbeitrag, provider=-1, sozialraum=sr[cc])
        # Another office reimburses half-yearly (and at the end), some months later (income).
        x = (terms.reimbursed[i] > 0) & half_end
        x_von = np.maximum(np.maximum(helps.beginn[i][x], half_start), first_day)
        x_days = bis[x] - x_von + 1
        x_cost = np.where(rated[x], rate[x] * x_days, terms.monthly[i][x] * index * x_days / AVG_MONTH)
        rows.add(hilfe=i[x], buch=bis[x] + rng.integers(60, 200, x.sum()), von=x_von, bis=bis[x],
                 cents=np.round(x_cost * terms.reimbursed[i][x]), teilplan=tp[x], sachkonto=sk["erstattung"],
                 kostenart=erstattung, provider=-1, sozialraum=sr[x])

        # Case-independent: monthly grants to the Sozialraumträger, quarterly to counselling
        # services, and some small grants (group work, interpreters) to local providers.
        rows.add(hilfe=-1, buch=ms + rng.integers(0, 5, len(grants)), von=ms, bis=me, cents=grant_cents,
                 teilplan=tp_amb, sachkonto=sk["zuschuss"], kostenart=leistung, provider=grants,
                 sozialraum=county.sozialraum_at(providers.seat[grants], ms))
        if mo % 3 == 1:
            g = counselling[_active(providers, counselling, ms, me)]
            q_end = day(date(yr + (mo == 10), (mo + 3 - 1) % 12 + 1, 1)) - 1
            rows.add(hilfe=-1, buch=ms + rng.integers(0, 10, len(g)), von=ms, bis=q_end,
                     cents=counselling_cents[np.searchsorted(counselling, g)], teilplan=tp_amb,
                     sachkonto=sk["zuschuss"], kostenart=leistung, provider=g,
                     sozialraum=county.sozialraum_at(providers.seat[g], ms))
        pool = small_grantees[_active(providers, small_grantees, ms, me)]
        g = pool[rng.integers(0, len(pool), rng.poisson(4 * scale))]
        rows.add(hilfe=-1, buch=ms + rng.integers(0, dim, len(g)), von=ms, bis=me,
                 cents=np.round(rng.uniform(150, 2500, len(g)) * 100), teilplan=tp_amb, sachkonto=sk["zuschuss"],
                 kostenart=leistung, provider=g, sozialraum=county.sozialraum_at(providers.seat[g], ms))

        b = rows.concat()
        y = ymd(b["von"])[0] - first_year
        sign = np.where(b["kostenart"] == leistung, 1, -1)
        np.add.at(net, (b["sozialraum"], y, b["teilplan"]), sign * b["cents"])

        # Written: only what was booked by the stand; ordered by booking date.
        keep = np.flatnonzero(b["buch"] <= stand_day)
        keep = keep[np.lexsort((b["kostenart"][keep], b["hilfe"][keep], b["buch"][keep]))]
        b = {k: v[keep] for k, v in b.items()}
        ids = np.arange(next_id, next_id + len(keep))
        next_id += len(keep)
        target = np.searchsorted(files.cuts, b["buch"], side="left")
        for file_index in np.unique(target):
            sel = target == file_index
            files.files[file_index].write({
                "buchung_id": csv_writer.numbered("B-", ids[sel], 10),
                "hilfe_id": csv_writer.lookup(hilfe_ids, b["hilfe"][sel]),
                "buchungsdatum": csv_writer.dates(b["buch"][sel]),
                "zeitraum_von": csv_writer.dates(b["von"][sel]),
                "zeitraum_bis": csv_writer.dates(b["bis"][sel]),
                "betrag": csv_writer.amounts(b["cents"][sel]),
                "produktkonto": csv_writer.lookup(produktkonto,
                                                  b["teilplan"][sel] * len(sachkonten) + b["sachkonto"][sel]),
                "kostenart": csv_writer.lookup(kostenarten, b["kostenart"][sel]),
                "traeger_id": csv_writer.lookup(providers.ids, b["provider"][sel]),
                "jugendamt": _jugendamt(helps, b["hilfe"][sel], b["sozialraum"][sel], b["buch"][sel]),
            })
    return net


AMT_AB = day(date(2026, 1, 1))  # the finance system writes `jugendamt` from then on (one office)


def _jugendamt(helps: Helps, hilfe: np.ndarray, sozialraum: np.ndarray, buch: np.ndarray) -> np.ndarray:
    """The office of a booking: that of its help, else by social space; one office writes it only
    for newer bookings (empty = the office of meldestelle.yml), several offices always."""
    m = helps.merkmale
    kenn = np.array(m.kennnummern, dtype=object)
    amt = np.where(hilfe >= 0, m.amt[np.maximum(hilfe, 0)], sozialraum % len(kenn))
    return kenn[amt] if len(kenn) > 1 else np.where(buch >= AMT_AB, kenn[amt], "")


def _take(cols: dict[str, object], mask: np.ndarray) -> dict[str, object]:
    """The rows of a column dict where mask is true (scalars stay scalars)."""
    return {k: (v[mask] if np.ndim(v) else v) for k, v in cols.items()}


def _active(providers: Providers, idx: np.ndarray, ms: int, me: int) -> np.ndarray:
    """Mask of providers whose agreement runs through the whole month."""
    return (providers.gueltig_ab[idx] <= ms) & ((providers.gueltig_bis[idx] < 0) | (providers.gueltig_bis[idx] >= me))
