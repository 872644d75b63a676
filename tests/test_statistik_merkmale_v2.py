"""Contract v2 end to end: a hilfen export WITH the optional Merkmal columns, loaded by the real ingestion,
built with the real dbt project, gives records (hze_saetze.sql, vsm_saetze.sql) whose columns carry the
Merkmale under their contract names, and fixed-width lines with them at their 2007 positions.

The county of test_statistik_lieferung.py; the same helps, now with the Merkmale recorded:
  H-4  30 by the office, ended 31.10.2025 by the family: reasons 16/15/18, residence before with the parents,
       single parent, transfer benefits, suggested by the school, taken over from another office,
       afterwards with relatives, followed by another HzE, § 8a, jugendamt written out
  H-1  SPFH (running): 2nd reason 13, values of its end (afterwards …) ignored while running
  H-5  § 42 ended: reason, who raised the alarm, form of accommodation, residence before, § 8a
"""
import datetime as dt
import os

import pytest

from kjh.statistik.lieferung import erstellen
from kjh.warehouse.connection import writer
from tests.conftest import TEST_KEY
from tests.exports import HILFEN_HEADER, write
from tests.test_statistik_lieferung import HILFEN_2025, KENN, build_warehouse, lines, satz, write_exports

pytestmark = pytest.mark.slow

V2 = ["grund_2", "grund_3", "aufenthalt_vor_hilfe", "situation_herkunftsfamilie", "transferleistungen",
      "anregende_institution", "sorgerechtsentzug_1666", "geschlossene_unterbringung_1631b",
      "anschliessender_aufenthalt", "nachfolgende_hilfe", "uebernahme_anderes_jugendamt",
      "gefaehrdungseinschaetzung_8a", "im_anschluss_an_42", "schulbesuch_ausbildung", "anlass_42",
      "hinweisgeber_42", "unterbringungsform_42", "jugendamt"]

MERKMALE = {
    "H-4": dict(grund_2="belastung_familiaere_konflikte", grund_3="schulische_berufliche_probleme",
                aufenthalt_vor_hilfe="eltern", situation_herkunftsfamilie="alleinerziehend", transferleistungen="j",
                anregende_institution="schule_kita", sorgerechtsentzug_1666="n",
                geschlossene_unterbringung_1631b="n", anschliessender_aufenthalt="verwandte",
                nachfolgende_hilfe="hze", uebernahme_anderes_jugendamt="j", gefaehrdungseinschaetzung_8a="j",
                im_anschluss_an_42="n", jugendamt=KENN),
    "H-1": dict(grund_2="eingeschraenkte_erziehungskompetenz", anschliessender_aufenthalt="heim",
                nachfolgende_hilfe="keine", uebernahme_anderes_jugendamt="n"),
    "H-5": dict(anlass_42="vernachlaessigung", hinweisgeber_42="polizei", unterbringungsform_42="bereitschaftspflege",
                aufenthalt_vor_hilfe="eltern", gefaehrdungseinschaetzung_8a="j"),
}


@pytest.fixture(scope="module")
def lieferung(tmp_path_factory):
    work = tmp_path_factory.mktemp("v2")
    folder = work / "exporte"
    folder.mkdir()
    write_exports(folder)
    hilfen = [{**h, **MERKMALE.get(h["hilfe_id"], {})} for h in HILFEN_2025]
    write(folder / "hilfen_20251231.csv", HILFEN_HEADER + V2, hilfen)  # replaces the v1 file
    os.environ.setdefault("KJH_PSEUDONYM_KEY", TEST_KEY.decode())
    build_warehouse(folder, work / "warehouse.duckdb", work)
    with writer(work / "warehouse.duckdb") as con:
        r = erstellen(con, work / "out", 2025, jetzt=dt.datetime(2026, 1, 20, 9, 30, 5))
    assert r.status == "entwurf" and not r.zurueckgehalten_wegen, r.meldung
    return r


def test_v2_merkmale_reach_their_positions(lieferung):
    d = lieferung.ordner
    kenn = (1, "A" "0106000000000000")
    # as in test_statistik_lieferung, plus the Merkmale: by hand from the reference table
    assert lines(d / f"HZE_{KENN}_2025.txt") == [
        # H-4: Übernahme 1; Aufenthalt 01, alleinerziehend 2, Herkunft 2, Deutsch 1, Transfer 1, Schule 3,
        # § 1666 2, § 52 FGG blank, § 1631b 2, ended 2; reasons 16 15 18; end 10/2025, reason 20, afterwards 02, then HzE 4
        satz(208, kenn, (16, "00001022024"), (27, "1"), (28, "05"), (32, "10"), (34, "1012011"),
             (113, "01221132 2"), (123, "2"), (131, "161518"), (137, "102025"), (151, "20024")),
        # H-1/H-2 SPFH, running: 2nd reason 13; no end fields although the export carries "afterwards"
        satz(208, kenn, (16, "00002032025"), (28, "07"), (30, "01"), (32, "24"), (34, "2032012"), (116, "21"),
             (123, "1"), (131, "1513")),
        satz(208, kenn, (16, "00003062024"), (28, "11"), (30, "08"), (32, "30"), (34, "1052006"), (116, "12"),
             (123, "1"), (131, "18")),
        satz(208, kenn, (16, "00004072025"), (28, "13"), (30, "06"), (32, "24"), (34, "3112009"), (116, "21"),
             (123, "1"), (131, "17")),
    ]
    # VSM: … then reason 02 (Vernachlässigung), alarm 07 (Polizei), accommodation 2, before 01, § 8a 1
    assert lines(d / f"VSM_{KENN}_2025.txt") == [
        "E" "0106000000000000001" "2" "1" "2" "6" "2" "1" "092025" "092025" "0014" "02" "07" "2" "01" "1"]
