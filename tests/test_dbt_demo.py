"""Exports written by someone else: the demo generator's files, loaded by the
real ingestion, then `dbt build` (the session's demo county, `kjh demo`); the key
mart figures are recomputed in plain Python from the raw tables (no dbt model,
no SQL logic) and must agree to the cent and to the case.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from tests.test_dbt_marts import rows

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

kjh_demo = pytest.importorskip("kjh_demo")

KEY = b"demo-test-key-0123456789abcdef"
ZERO = Decimal("0.00")


def load_demo(folder: Path, warehouse: Path) -> None:
    from kjh.ingest.codelisten import write_codelisten
    from kjh.ingest.load import deliver
    from kjh.ingest.mapping import find_mappings
    from kjh.ingest.naming import discover
    from kjh.ingest.pseudonym import install_hmac_macro
    from kjh.warehouse.connection import writer

    with writer(warehouse) as con:
        install_hmac_macro(con, KEY)
        write_codelisten(con)
        for delivery in discover(folder, find_mappings(folder, [])):
            deliver(con, delivery)


@pytest.fixture(scope="module")
def demo(demo_warehouse) -> Path:
    """The session's demo county (tests/conftest.py): `kjh demo`, read only."""
    return demo_warehouse


class Hand:
    """The definitions of the issue, computed row by row in Python."""

    def __init__(self, warehouse: Path):
        q = lambda sql: rows(warehouse, sql)  # noqa: E731
        self.current = q("select hilfe_id, wohnort_ags, hilfeart, beginn, ende, alter_bei_beginn"
                         " from raw.hilfen where stand_bis is null")
        self.latest_ags = {h: a for h, a, _ in q("select hilfe_id, wohnort_ags, stand_ab from raw.hilfen order by stand_ab")}
        self.mapping = defaultdict(list)
        for ags, sozialraum, stand_ab in q("select ags, sozialraum, stand_ab from raw.sozialraeume order by ags, stand_ab"):
            self.mapping[ags].append((stand_ab, sozialraum))
        self.bookings = q("select hilfe_id, buchungsdatum, betrag, produktkonto, kostenart from raw.zahlungen")
        self.population = q("select ags, jahr, anzahl from raw.bevoelkerung where stand_bis is null")
        self.budgets = q("select haushaltsjahr, sozialraum, teilplan, budget_eur from raw.budgets where stand_bis is null")
        dates = q("select max(stand_ab), max(stand_bis) from raw.hilfen")[0] + q(
            "select max(stand), max(buchungsdatum) from raw.zahlungen")[0]
        self.cutoff = max(d for d in dates if d is not None)
        # the first year in which both sources have data (int_berichtsstand)
        first = max(min(h[3].year for h in self.current), min(b[1].year for b in self.bookings))
        self.years = range(first, self.cutoff.year + 1)

    def sozialraum(self, ags: str, day: dt.date) -> str:
        versions = self.mapping.get(ags)
        if not versions:
            return "nicht zugeordnet"
        chosen = versions[0][1]  # the oldest file also covers everything before it
        for stand_ab, sozialraum in versions:
            if stand_ab <= day:
                chosen = sozialraum
        return chosen

    def reference_date(self, year: int) -> dt.date:
        return min(dt.date(year, 12, 31), self.cutoff)

    def help_years(self):
        for year in self.years:
            start, d = dt.date(year, 1, 1), self.reference_date(year)
            for _hilfe_id, ags, hilfeart, beginn, ende, alter in self.current:
                running = beginn <= d and (ende is None or ende > d)
                begun = start <= beginn <= d
                ended = ende is not None and start <= ende <= d
                if running or begun or ended:
                    yield year, self.sozialraum(ags, d), hilfeart, running, begun, ended, alter >= 18

    def fallzahlen_jahr(self) -> dict:
        out = defaultdict(lambda: [0, 0, 0, 0])
        for year, sozialraum, hilfeart, running, begun, ended, p41 in self.help_years():
            cell = out[(year, sozialraum, hilfeart)]
            cell[0] += running
            cell[1] += begun
            cell[2] += ended
            cell[3] += (running or ended) and p41
        return {k: tuple(v) for k, v in out.items()}

    def booking_sozialraum(self, hilfe_id, day) -> str:
        if hilfe_id is None:
            return "ohne Sozialraum"
        if hilfe_id not in self.latest_ags:
            return "nicht zugeordnet"
        return self.sozialraum(self.latest_ags[hilfe_id], day)

    def ausgaben_jahr(self) -> dict:
        out = defaultdict(lambda: [ZERO, ZERO])
        for hilfe_id, day, betrag, produktkonto, kostenart in self.bookings:
            cell = out[(day.year, self.booking_sozialraum(hilfe_id, day), produktkonto[:4])]
            if kostenart == "leistung":
                cell[0] += betrag
            else:
                cell[1] += betrag
        return {k: (a, e, a - e) for k, (a, e) in out.items()}

    def eckwerte_jahr(self) -> dict:
        helps, people = defaultdict(int), defaultdict(int)
        for year, sozialraum, _, running, _, ended, _ in self.help_years():
            if running or ended:
                helps[(year, sozialraum)] += 1
                helps[(year, "Kreis gesamt")] += 1
        for ags, year, anzahl in self.population:
            if year in self.years:
                people[(year, self.sozialraum(ags, dt.date(year, 12, 31)))] += anzahl
                people[(year, "Kreis gesamt")] += anzahl
        out = {}
        for key in set(helps) | set(people):
            h, e = helps.get(key, 0), people.get(key)
            eckwert = (Decimal(h * 1000) / Decimal(e)).quantize(Decimal("0.01"), ROUND_HALF_UP) if e else None
            out[key] = (h, e, eckwert)
        return out

    def budget(self) -> dict:
        out = {}
        for (year, sozialraum, teilplan), (_, _, netto) in self.ausgaben_jahr().items():
            out[(year, sozialraum, teilplan)] = [None, netto]
        for year, sozialraum, teilplan, budget in self.budgets:
            out.setdefault((year, sozialraum, teilplan), [None, ZERO])[0] = budget
        return {k: tuple(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def hand(demo) -> Hand:
    return Hand(demo)


def test_demo_is_not_trivial(hand):
    assert len(hand.current) > 1000 and len(hand.bookings) > 20000
    assert any(len(v) > 1 for v in hand.mapping.values()), "the demo should move a municipality"


def test_fallzahlen_jahr_equal_hand_computation(demo, hand):
    got = {(r[0], r[1], r[2]): tuple(r[3:]) for r in rows(demo, """
        select jahr, sozialraum, hilfeart, laufend_31_12, begonnen, beendet, davon_41 from marts.fallzahlen_jahr""")}
    assert got == hand.fallzahlen_jahr()


def test_ausgaben_jahr_equal_hand_computation(demo, hand):
    got = {(r[0], r[1], r[2]): tuple(r[3:]) for r in rows(demo, """
        select haushaltsjahr, sozialraum, teilplan, ausgaben_eur, einnahmen_eur, netto_eur from marts.ausgaben_jahr""")}
    assert got == hand.ausgaben_jahr()


def test_eckwerte_jahr_equal_hand_computation(demo, hand):
    got = {(r[0], r[1]): tuple(r[2:]) for r in rows(demo, "select * from marts.eckwerte_jahr")}
    assert got == hand.eckwerte_jahr()


def test_budget_auslastung_equal_hand_computation(demo, hand):
    got = {(r[0], r[1], r[2]): tuple(r[3:]) for r in rows(demo, """
        select haushaltsjahr, sozialraum, teilplan, budget_eur, netto_bis_stand_eur from marts.budget_auslastung""")}
    assert got == hand.budget()


def test_forecast_beats_straight_line_on_demo(demo):
    got = rows(demo, """
        select prognosemonat, wape_pct, wape_linear_pct from marts.prognose_genauigkeit
        where ebene = 'kreis_teilplan' order by prognosemonat""")
    assert len(got) == 11
    assert sum(wape < linear for _, wape, linear in got) >= 9, got
