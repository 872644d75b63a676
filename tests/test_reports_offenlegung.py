"""No small count can be worked out from the external output (issue 13.17).

The reader: everything the external workbook publishes about helps (its six
case-count sheets, which hold every count the pages show: the pages read the
same protected cells) and every relation between those figures (help types
add up to their social space, social spaces to the county, running + ended =
helps = ambulant + part-time + residential, the months to their year, the
year's running count is December's). The reader is credited with more than
the symbols say: '<3' is 1 or 2, 'x' at least 3 – or at least 1 where a small
count is shown as 'x'. An exact integer program (scipy's HiGHS) then asks for
every small count whether another value fits everything published: if none
does, the count is disclosed.
"""
import numpy as np
import openpyxl
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from kjh.geheimhaltung.regel import MINDESTFALLZAHL, PRIMAER, SEKUNDAER, ist_klein
from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_KLEIN
from kjh_reports import daten, excel
from kjh_reports.schutz import ALLE, UEBRIGE, schuetze

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

KENNZAHL = {"laufend am Stichtag": "laufend_31_12", "begonnen": "begonnen", "beendet": "beendet",
            "Hilfen im Jahr": "hilfen", "davon § 41": "davon_41", "davon ambulant": "davon_ambulant",
            "davon teilstationär": "davon_teilstationaer", "davon stationär": "davon_stationaer",
            "laufend am Monatsende": "laufend_monatsende"}
BLAETTER = {"Fallzahlen Jahr": "J", "Fallzahlen Jahr Sozialraum": "J", "Fallzahlen Jahr Kreis": "J",
            "Fallzahlen Monat": "M", "Fallzahlen Monat Sozialraum": "M", "Fallzahlen Monat Kreis": "M"}


def veroeffentlicht(pfad) -> dict:
    """key -> number or symbol, as the workbook shows it."""
    import pandas as pd

    wb = openpyxl.load_workbook(pfad, read_only=True)
    out = {}
    for titel, ebene in BLAETTER.items():
        zeilen = list(wb[titel].iter_rows(values_only=True))
        kopf = list(zeilen[0])
        for z in zeilen[1:]:
            r = dict(zip(kopf, z))
            t = int(r["Jahr"]) if ebene == "J" else pd.Timestamp(r["Monat"])
            if "Hilfeart" in r:
                h = r["Hilfeart"] or {UEBRIGE: UEBRIGE}[r["Bezeichnung"]]
            else:
                h = ALLE
            flaggen = dict(f.rsplit(": ", 1) for f in (r.get(excel.FLAGGE) or "").split("; ") if f)
            for spalte, kz in KENNZAHL.items():
                if spalte not in r:
                    continue
                key = (ebene, t, kz, r["Sozialraum"], h)
                out[key] = flaggen[spalte] if spalte in flaggen else r[spalte]
    return out


def test_no_small_count_is_inferable_from_the_external_output(demo_site):
    d = daten.lade_datei(demo_site["warehouse"])
    g = schuetze(d, False)
    p = g.problem
    assert g.sperrung.nicht_schuetzbar == 0
    pub = veroeffentlicht(demo_site["extern"] / "kjh-kennzahlen.xlsx")
    # the workbook publishes exactly the protected problem: every cell, with its value or its symbol
    assert set(pub) == set(p.werte)
    for k, v in pub.items():
        st = g.sperrung[k]
        erwartet = {PRIMAER: ZEICHEN_KLEIN, SEKUNDAER: ZEICHEN_GESPERRT}.get(st, p.werte[k])
        assert v == erwartet or (v is None and erwartet == 0) or v == erwartet, (k, v, erwartet)
    # the reader's integer program
    gesperrt = sorted((k for k, v in pub.items() if isinstance(v, str)), key=str)
    index = {k: i for i, k in enumerate(gesperrt)}
    wert = {k: (0.0 if v is None else float(v)) for k, v in pub.items() if not isinstance(v, str)}
    linien = [li for li in p.linien if li.summe is not None and any(e in index for e in (*li.teile, li.summe))]
    a = lil_matrix((len(linien), len(gesperrt)))
    rechts = np.zeros(len(linien))
    for i, li in enumerate(linien):
        for e, c in [*((t, 1.0) for t in li.teile), (li.summe, -1.0)]:
            if e in index:
                a[i, index[e]] += c
            else:
                rechts[i] -= c * wert[e]
    wahr = np.array([p.werte[k] for k in gesperrt])
    unten = np.array([1.0 if v == ZEICHEN_KLEIN or wahr[i] < MINDESTFALLZAHL else MINDESTFALLZAHL
                      for i, v in enumerate(pub[k] for k in gesperrt)])
    oben = np.array([MINDESTFALLZAHL - 1.0 if pub[k] == ZEICHEN_KLEIN else 1e6 for k in gesperrt])
    gleich = LinearConstraint(a.tocsr(), rechts, rechts)
    ganz = np.ones(len(gesperrt))
    assert np.allclose(a.tocsr() @ wahr, rechts)  # the truth fits what is published
    aufgedeckt, geprueft = [], 0

    def moeglich(i, lo_i, hi_i) -> bool:
        lo, hi = unten.copy(), oben.copy()
        lo[i], hi[i] = max(lo[i], lo_i), min(hi[i], hi_i)
        if lo[i] > hi[i]:
            return False
        r = milp(np.zeros(len(gesperrt)), constraints=[gleich], integrality=ganz, bounds=Bounds(lo, hi),
                 options={"time_limit": 20})
        assert r.status in (0, 2), (gesperrt[i], r.message)  # 0: a solution, 2: none
        return r.status == 0

    for i, k in enumerate(gesperrt):
        v = wahr[i]
        if not ist_klein(v):
            continue
        geprueft += 1
        # disclosed: no other value fits what is published (below or above the true one)
        if not moeglich(i, 0, v - 1) and not moeglich(i, v + 1, 1e6):
            aufgedeckt.append(k)
    assert geprueft > 100
    assert not aufgedeckt, [(k, pub[k], p.werte[k]) for k in aufgedeckt]


def test_the_pages_publish_no_count_beyond_the_workbook(demo_site):
    """The county page's table (settings, helps, running, begun, ended per social space and the county) shows
    exactly the workbook's cells: the reader above, run on the workbook, covers the site as well."""
    import re

    from kjh.format import parse_zahl

    d = daten.lade_datei(demo_site["warehouse"])
    pub = veroeffentlicht(demo_site["extern"] / "kjh-kennzahlen.xlsx")
    html = (demo_site["extern"] / "kreis.html").read_text(encoding="utf-8")
    tabelle = html[html.index("<caption>Fallzahlen"):]
    tabelle = tabelle[:tabelle.index("</table>")]
    spalten = ["davon_ambulant", "davon_teilstationaer", "davon_stationaer", "hilfen", "laufend_31_12",
               "begonnen", "beendet"]
    geprueft = 0
    for sr, zellen in re.findall(r'<tr><th scope="row">([^<]*)</th><td>[^<]*</td>((?:<td[^>]*>[^<]*</td>)+)</tr>',
                                 tabelle):
        texte = re.findall(r'<td class="zahl anzahl[^"]*"[^>]*>([^<]*)</td>', zellen)
        for kz, text in zip(spalten, texte):
            v = pub[("J", d.berichtsjahr, kz, sr, ALLE)]
            if isinstance(v, str):
                assert text == v, (sr, kz, text, v)
            else:
                assert (parse_zahl(text) or 0) == (v or 0), (sr, kz, text, v)
            geprueft += 1
    assert geprueft == len(spalten) * (len(d.sozialraeume) + 1)
