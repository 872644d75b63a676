"""The small-cell rule (kjh.geheimhaltung) on hand-made tables, and checked by a brute-force reader.

The brute-force reader knows what the symbols say ('<3' is 1 or 2, 'x' is 3 or
more – or, for the small totals the rule shows as 'x', 1 or more: the reader is
credited with knowing which), every open figure and every published total, and
tries every integer value of every protected cell: a small count is protected
when both 1 and 2 stay possible.
"""
import random

import pandas as pd
import pytest

from kjh.format import datum, eur, monat, parse_zahl, prozent, zahl
from kjh.geheimhaltung.quoten import quote
from kjh.geheimhaltung.regel import (
    MINDESTFALLZAHL,
    MINDESTNENNER_EINWOHNER,
    MINDESTNENNER_FAELLE,
    OFFEN,
    PRIMAER,
    SEKUNDAER,
    abhaengig,
)
from kjh.geheimhaltung.sammeln import sammeln
from kjh.geheimhaltung.sperrung import Sperrproblem
from kjh.geheimhaltung.tabelle import SUMME, GeschuetzteTabelle, schuetze_tabelle
from kjh.geheimhaltung.zeichen import quote_anzeige

P, S, O = PRIMAER, SEKUNDAER, OFFEN  # noqa: E741  (O for OFFEN, beside P and S)


def tabelle(zeilen: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(zeilen, index=[f"r{i}" for i in range(len(zeilen))],
                        columns=[f"c{j}" for j in range(len(zeilen[0]))])


def linien_der_tabelle(g: GeschuetzteTabelle, zeilensummen=True, spaltensummen=True):
    w = g.werte
    inner_r = [r for r in w.index if r != SUMME]
    inner_c = [c for c in w.columns if c != SUMME]
    out = []
    if zeilensummen:
        out += [([(r, c) for c in inner_c], (r, SUMME)) for r in w.index]
    if spaltensummen:
        out += [([(r, c) for r in inner_r], (SUMME, c)) for c in w.columns]
    return out


class Zuviel(Exception):
    pass


def moegliche_werte(werte: dict, status: dict, linien: list, obergrenze: int, budget: int = 300_000) -> dict:
    """For every '<3' cell the set of values a reader cannot exclude (integers, all lines together)."""
    prim = [k for k in werte if status.get(k) == P]
    sek = [k for k in werte if status.get(k) == S]
    dom = {**{k: (1, MINDESTFALLZAHL - 1) for k in prim},
           **{k: (MINDESTFALLZAHL if werte[k] >= MINDESTFALLZAHL else 1, obergrenze) for k in sek}}
    klein_x = [k for k in sek if werte[k] < MINDESTFALLZAHL]  # small counts shown as 'x': protected too
    gleichungen = []
    for teile, summe in linien:
        coef = {t: 1 for t in teile}
        coef[summe] = coef.get(summe, 0) - 1
        gleichungen.append(coef)
    offen = {k: v for k, v in werte.items() if status.get(k, O) == O}
    gefunden = {k: set() for k in prim + klein_x}
    knoten = [0]

    def propagieren(b):
        weiter = True
        while weiter:
            weiter = False
            for coef in gleichungen:
                unbekannt = [k for k in coef if k not in offen and k not in b]
                s = sum(c * (offen[k] if k in offen else b[k]) for k, c in coef.items() if k in offen or k in b)
                if not unbekannt:
                    if abs(s) > 1e-9:
                        return None
                elif len(unbekannt) == 1:
                    k = unbekannt[0]
                    v = -s / coef[k]
                    if v != int(v) or not dom[k][0] <= v <= dom[k][1]:
                        return None
                    b[k] = int(v)
                    weiter = True
        return b

    def suche(b):
        knoten[0] += 1
        if knoten[0] > budget:
            raise Zuviel
        b = propagieren(dict(b))
        if b is None:
            return
        rest = [k for k in prim + sek if k not in b]
        if not rest:
            for k in gefunden:
                gefunden[k].add(b[k])
            return
        k = rest[0]
        for v in range(dom[k][0], dom[k][1] + 1):
            if all(len(gefunden[p]) >= 2 for p in gefunden):
                return
            suche({**b, k: v})

    suche({})
    return gefunden


def aufgedeckt(g: GeschuetzteTabelle, **summen) -> dict:
    werte = {(r, c): float(g.werte.at[r, c]) for r in g.werte.index for c in g.werte.columns}
    status = {(r, c): g.status.at[r, c] for r in g.werte.index for c in g.werte.columns}
    linien = linien_der_tabelle(g, **summen)
    res = moegliche_werte(werte, status, linien, int(max(werte.values())) + MINDESTFALLZAHL)
    return {k: v for k, v in res.items() if len(v) < 2}


# ------------------------------------------------------------------ primary
def test_primary_suppression_of_one_and_two():
    g = schuetze_tabelle(tabelle([[1, 2, 0, 3, 40]]), zeilensummen=False, spaltensummen=False)
    assert list(g.anzeige().iloc[0]) == ["<3", "<3", "–", "3", "40"]
    assert list(g.status.iloc[0]) == [P, P, O, O, O]


def test_internal_shows_everything():
    g = schuetze_tabelle(tabelle([[1, 2], [5, 7]]), intern=True)
    assert g.gesperrt == 0
    assert g.anzeige().at["r0", "c0"] == "1"


# ------------------------------------------------------------------ secondary
def test_row_with_one_suppressed_cell_gets_a_second():
    # r1 has one small cell; without a second the row total would give it away: 16 - 6 - 9 = 1
    g = schuetze_tabelle(tabelle([[10, 5, 4], [1, 6, 9], [7, 8, 12]]), spaltensummen=False)
    zeile = g.status.loc["r1"]
    assert zeile["c0"] == P
    assert (zeile[["c1", "c2"]] == S).sum() == 1  # exactly one complement in the row
    assert zeile[SUMME] == O                    # the total stays readable
    assert (g.status.loc[["r0", "r2"]] == O).all().all()
    assert not aufgedeckt(g, spaltensummen=False)


def test_column_with_one_suppressed_cell_gets_a_second():
    g = schuetze_tabelle(tabelle([[10, 5], [2, 6], [7, 8]]), zeilensummen=False)
    spalte = g.status["c0"]
    assert spalte["r1"] == P and (spalte[["r0", "r2"]] == S).sum() == 1 and spalte[SUMME] == O
    assert not aufgedeckt(g, zeilensummen=False)


def test_rows_and_columns_together():
    g = schuetze_tabelle(tabelle([[10, 5, 4], [1, 6, 9], [7, 8, 12]]))
    for achse in (g.status, g.status.T):
        for _, linie in achse.iterrows():
            assert (linie != O).sum() in (0, 2, 3, 4), linie.to_dict()
    assert g.status.at["r1", "c0"] == P
    assert g.status.at[SUMME, SUMME] == O
    assert not aufgedeckt(g)


def test_two_small_cells_adding_up_to_four_are_not_enough():
    # 2 + 2 in a row with total 8 - 4 known: a reader would know both are 2 -> a third cell must go
    g = schuetze_tabelle(tabelle([[2, 2, 4], [9, 8, 7]]), spaltensummen=False)
    assert (g.status.loc["r0"] == S).sum() >= 1
    assert not aufgedeckt(g, spaltensummen=False)


def test_complement_of_exactly_three_with_ones_is_not_enough():
    # 1 + 1 + x(3) = 5: since x >= 3 a reader knows both small cells are 1
    g = schuetze_tabelle(tabelle([[1, 1, 3, 20]]), spaltensummen=False)
    assert not aufgedeckt(g, spaltensummen=False)
    assert g.status.at["r0", "c3"] == S or g.status.at["r0", SUMME] == S


def test_zero_cells_are_never_complements():
    g = schuetze_tabelle(tabelle([[1, 0, 0, 7, 9]]), spaltensummen=False)
    assert g.status.at["r0", "c1"] == O and g.status.at["r0", "c2"] == O
    assert g.anzeige().at["r0", "c1"] == "–"


def test_combining_lines_is_audited():
    # found by the brute-force reader: row r0 alone looks safe, but column c3 bounds the x in r0
    g = schuetze_tabelle(tabelle([[0, 2, 0, 4], [4, 4, 8, 3]]))
    assert not aufgedeckt(g)


@pytest.mark.parametrize("seed", range(4))
def test_random_tables_leave_no_small_count_recoverable(seed):
    """Tables of realistic counts: no small count can be worked out – also where a line holds small counts
    only (1 + 1 = '<3' would be 2: its total is shown as 'x' then)."""
    rnd = random.Random(seed)
    geprueft = 0
    for _ in range(15):
        zeilen = [[rnd.choice([0, 1, 2, 3, 5, 8, 12, 15, 20, 30, 45]) for _ in range(rnd.randint(2, 4))]
                  for _ in range(rnd.randint(2, 4))]
        laenge = min(len(z) for z in zeilen)
        t = tabelle([z[:laenge] for z in zeilen])
        g = schuetze_tabelle(t)
        try:
            offen = aufgedeckt(g)
        except Zuviel:
            continue
        geprueft += 1
        assert not offen, f"{offen} aufgedeckt in\n{t}\n{g.anzeige()}"
    assert geprueft >= 10


# ------------------------------------------------------------------ rates, dependent figures, small groups
def test_rates_need_a_minimum_denominator():
    assert quote(12.5, faelle=MINDESTNENNER_FAELLE).zeigen == "offen"
    assert quote(12.5, faelle=MINDESTNENNER_FAELLE - 1).zeigen == "gesperrt"
    assert quote(40.1, einwohner=MINDESTNENNER_EINWOHNER - 1).zeigen == "gesperrt"
    assert quote(40.1, einwohner=5000, zaehler_status=P).zeigen == "gesperrt"
    intern = quote(12.5, faelle=3, intern=True)
    assert intern.zeigen == "eingeschraenkt" and quote_anzeige(intern, lambda v: zahl(v, 1)) == "(12,5)"
    assert quote_anzeige(quote(12.5, faelle=3), str) == "/"


def test_figures_belonging_to_a_suppressed_count_go_with_it():
    assert abhaengig(P) == P and abhaengig(S) == S and abhaengig(O) == O


def test_small_members_are_combined():
    df = pd.DataFrame({"name": ["A", "B", "C", "D", "E"], "hilfen": [30, 12, 2, 1, 4], "netto": [9.0, 5.0, 2.0, 1.0, 3.0]})
    liste, n = sammeln(df, "hilfen", ["netto"], "name", "weitere")
    assert n == 2
    assert list(liste["name"]) == ["A", "B", "E", "weitere (2)"]
    assert liste["hilfen"].iloc[-1] == 3 and liste["netto"].iloc[-1] == 3.0


def test_a_single_small_member_takes_the_next_one_along():
    df = pd.DataFrame({"name": ["A", "B", "C"], "hilfen": [30, 4, 1], "netto": [9.0, 5.0, 1.0]})
    liste, n = sammeln(df, "hilfen", ["netto"], "name", "weitere")
    assert n == 2 and list(liste["name"]) == ["A", "weitere (2)"] and liste["hilfen"].iloc[-1] == 5


def test_sperrproblem_with_a_public_total():
    # shares add up to 100 %: one provider alone with <3 helps would be recoverable from the others
    p = Sperrproblem()
    for name, n in {"A": 30, "B": 12, "C": 2}.items():
        p.zelle(name, n)
    p.linie(["A", "B", "C"], None)
    s = p.loese()
    assert s["C"] == P and s["B"] == S and s["A"] == O


# ------------------------------------------------------------------ formats
def test_german_formats():
    import datetime as dt

    assert eur(1234.56) == "1.234,56\u00a0€"
    assert eur(-1234.5) == "\u22121.234,50\u00a0€"
    assert zahl(1234567) == "1.234.567"
    assert prozent(12.345) == "12,3\u00a0%"
    assert datum(dt.date(2025, 12, 31)) == "31.12.2025"
    assert monat(dt.date(2026, 10, 1)) == "Okt. 2026"
    assert parse_zahl("1.234,56 €") == 1234.56 and parse_zahl("<3") is None and parse_zahl("(2,5)") == 2.5


def test_a_line_of_small_counts_alone_shows_its_total_as_x():
    # row r0: 1 + 1 = 2 would reveal 1, 1 and 2 from '<3' + '<3' = '<3'; the total is shown as 'x'
    g = schuetze_tabelle(tabelle([[1, 1, 0], [5, 7, 9], [4, 6, 8]]))
    assert g.status.at["r0", SUMME] == S
    assert not aufgedeckt(g)
