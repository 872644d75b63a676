"""Finance on the demo county (issue 14.5/14.6): one traffic-light rule, stated once per page and checked
against every light shown; county totals with and without the bookings lacking a social space; Teilplan
names; a forecast range per social space x Teilplan."""
import re
from pathlib import Path

import pytest
import yaml

from kjh.format import eur
from kjh_reports import budget as bu
from kjh_reports import daten
from kjh_reports.pages import sozialraum_datei

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project" / "dbt_project.yml"


def regel(pct, oben, budget) -> str | None:
    """The rule as the pages state it (bu.AMPEL_REGEL), written out independently of the mart."""
    if pct is None or pct != pct:
        return None
    if pct > bu.AMPEL_ROT_UEBER_PCT:
        return "rot"
    if pct >= bu.AMPEL_GELB_AB_PCT or (oben == oben and oben is not None and oben >= budget):
        return "gelb"
    return "gruen"


def test_stated_thresholds_are_the_marts():
    v = yaml.safe_load(DBT_PROJECT.read_text(encoding="utf-8"))["vars"]
    assert (v["ampel_gelb_ab_pct"], v["ampel_rot_ueber_pct"]) == (bu.AMPEL_GELB_AB_PCT, bu.AMPEL_ROT_UEBER_PCT)
    sql = (DBT_PROJECT.parent / "models" / "marts" / "budget_auslastung.sql").read_text()
    assert f"var('prognose_spanne_pct', {bu.SPANNE_PCT})" in sql
    assert f"var('prognose_spanne_min_jahre', {bu.SPANNE_MIN_JAHRE})" in sql


def test_every_light_follows_the_one_rule(demo_site):
    d = daten.lade_datei(demo_site["warehouse"])
    b = d["budget_auslastung"]
    b = b[b["haushaltsjahr"] == d.berichtsjahr]
    for r in b.itertuples(index=False):  # the mart (every table row shows this column)
        assert r.ampel == regel(r.prognose_auslastung_pct, r.prognose_oben_eur, r.budget_eur) or \
            (r.ampel != r.ampel and regel(r.prognose_auslastung_pct, r.prognose_oben_eur, r.budget_eur) is None), r
    fin = (demo_site["extern"] / "finanzen.html").read_text(encoding="utf-8")
    assert fin.count("Ampel je Sozialraum und Teilplan, auf der Prognose des Jahresendes") == 1
    # table rows: Sozialraum, Teilplan (with its name), ..., the light as in the rule
    zeilen = re.findall(r'<tr><th scope="row">([^<]*)</th><td>(\d{4})[^<]*</td>.*?<td class="ampel ampel-(\w+)"',
                        fin)
    zeilen = [z for z in zeilen if z[2] != "keine"]  # rows without a budget have no light
    assert len(zeilen) == int(b["budget_eur"].notna().sum())
    for sr, tp, ampel in zeilen:
        r = b[(b["sozialraum"] == sr) & (b["teilplan"] == tp)].iloc[0]
        assert ampel == regel(r.prognose_auslastung_pct, r.prognose_oben_eur, r.budget_eur), (sr, tp)
    # the tile of every social space: the light of its worst Teilplan, and it says which one
    gesehen = 0
    for sr in d.sozialraeume:
        zeilen = b[b["sozialraum"] == sr]
        lichter = [regel(r.prognose_auslastung_pct, r.prognose_oben_eur, r.budget_eur)
                   for r in zeilen.itertuples(index=False)]
        lichter = [x for x in lichter if x]
        if not lichter:
            continue
        erwartet = min(lichter, key=bu.RANG.get)
        seite = (demo_site["extern"] / sozialraum_datei(sr)).read_text(encoding="utf-8")
        m = re.search(r'<div class="kachel ampel-kachel (\w+)"><div class="kachel-titel">Ampel</div>'
                      r'<div class="kachel-wert">([^<]*)</div><div class="kachel-unter">([^<]*)</div>', seite)
        assert m, sr
        assert m.group(1) == erwartet and m.group(2) == bu.AMPEL_LABEL[erwartet], (sr, m.groups(), erwartet)
        assert "schlechtester Teilplan" in m.group(3)
        assert seite.count("Ampel je Sozialraum und Teilplan, auf der Prognose des Jahresendes") == 1
        gesehen += 1
    assert gesehen == len([s for s in d.sozialraeume if not b[b["sozialraum"] == s]["ampel"].isna().all()])


def test_county_totals_with_and_without_bookings_lacking_a_social_space(demo_site):
    d = daten.lade_datei(demo_site["warehouse"])
    b = d["budget_auslastung"]
    b = b[b["haushaltsjahr"] == d.berichtsjahr]
    ohne = b[b["budget_eur"].isna()]
    assert not ohne.empty and ohne["prognose_jahresende_eur"].sum() > 0  # the demo books without a social space
    fin = (demo_site["extern"] / "finanzen.html").read_text(encoding="utf-8")
    mit = float(b[b["budget_eur"].notna()]["prognose_jahresende_eur"].sum())
    alle = float(b["prognose_jahresende_eur"].sum())
    assert eur(mit, 0) in fin and eur(alle, 0) in fin
    assert "Kreis gesamt mit „ohne Sozialraum“" in fin


def test_teilplan_names_and_ranges_per_social_space_and_teilplan(demo_site):
    d = daten.lade_datei(demo_site["warehouse"])
    assert d.teilplan_label("3634") == "3634 Stationäre Hilfen"
    fin = (demo_site["extern"] / "finanzen.html").read_text(encoding="utf-8")
    assert "3634 Stationäre Hilfen" in fin and "3632 Ambulante Hilfen" in fin
    b = d["budget_auslastung"]
    p = b[(b["prognose_basis"] == "prognose") & b["budget_eur"].notna()]
    assert p["prognose_oben_eur"].notna().all()
    assert (p["prognose_unten_eur"] <= p["prognose_oben_eur"]).all()
    breite = (p["prognose_oben_eur"] - p["prognose_unten_eur"]) / p["prognose_jahresende_eur"]
    assert breite.round(3).nunique() > 3  # each social space x Teilplan has its own range, not one band for all
