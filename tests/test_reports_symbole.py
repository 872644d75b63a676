"""Symbols agree with their rule on a hand-made table whose boundaries are crossed (issue 14.3).

Netto je Fallmonat: '/' exactly where fewer than MINDESTNENNER_FAELLE helps
stand behind the rate, whatever else happened to the count: a count locked as
a complement ('x', at least 3 helps) does not turn its rate into '/'.
"""
import datetime as dt
import re

import pandas as pd

from kjh.geheimhaltung.regel import OFFEN, PRIMAER, SEKUNDAER
from kjh.geheimhaltung.sperrung import Sperrung
from kjh.geheimhaltung.zeichen import ZEICHEN_NICHT_SICHER
from kjh_reports.daten import Berichtsdaten
from kjh_reports.html import vorlage
from kjh_reports.pages import Kontext
from kjh_reports.pages.sozialraum import _kosten
from kjh_reports.schutz import ALLE, Geschuetzt

SR = "Nord"
#         code: (helps in 2025, status of that count)
HILFEN = {"30": (2, PRIMAER), "32": (9, OFFEN), "33": (10, OFFEN), "34": (11, OFFEN),
          "35a": (20, SEKUNDAER)}


def _kontext() -> Kontext:
    codes = list(HILFEN)
    hilfearten = pd.DataFrame({"hilfeart": codes, "paragraph": [f"§ {c}" for c in codes],
                               "bezeichnung": [f"Hilfe {c}" for c in codes], "setting": "ambulant"})
    kosten = pd.DataFrame({"jahr": 2025, "sozialraum": SR, "hilfeart": codes,
                           "fallmonate": [10.0 * h for h, _ in HILFEN.values()],
                           "netto_periodengerecht_eur": [12_345.0 * h for h, _ in HILFEN.values()]})
    kosten["eur_je_fallmonat"] = kosten["netto_periodengerecht_eur"] / kosten["fallmonate"]
    d = Berichtsdaten(berichtsstand=dt.date(2025, 12, 31), stand_buchungen=dt.date(2025, 12, 31), erstes_jahr=2025,
                      letztes_jahr=2025, berichtsjahr=2025, marts={"kosten_je_fall": kosten}, hilfearten=hilfearten,
                      regionen={}, traeger_sozialraum=pd.DataFrame(), lieferungen=pd.DataFrame(),
                      quarantaene_gruende=pd.DataFrame(), pruefergebnisse=None)
    werte = {("J", 2025, "hilfen", SR, c): float(h) for c, (h, _) in HILFEN.items()}
    werte[("J", 2025, "hilfen", SR, ALLE)] = float(sum(h for h, _ in HILFEN.values()))
    status = {("J", 2025, "hilfen", SR, c): s for c, (_, s) in HILFEN.items() if s != OFFEN}
    g = Geschuetzt(daten=d, intern=False, sperrung=Sperrung(werte, status), seltene=())
    return Kontext(daten=d, g=g, intern=False)


def test_cost_per_case_month_symbol_follows_the_minimum_helps():
    teil, _ = _kosten(_kontext(), SR, list(HILFEN), {})
    tabelle = str(vorlage("macros.html").module.tabelle(teil["tabelle"]))  # the table as the page shows it
    zeilen = dict(re.findall(r'<th scope="row">§ (\S+) Hilfe \S+</th><td[^>]*>([^<]*)</td>', tabelle))
    assert zeilen["30"] == ZEICHEN_NICHT_SICHER          # 2 helps (and '<3')
    assert zeilen["32"] == ZEICHEN_NICHT_SICHER          # 9 helps: just below the boundary
    assert zeilen["33"] == "1.234\u00a0€"                   # 10 helps: on the boundary, shown
    assert zeilen["34"] == "1.234\u00a0€"
    assert zeilen["35a"] == "1.234\u00a0€"                  # 20 helps locked as 'x': the rate stays readable
