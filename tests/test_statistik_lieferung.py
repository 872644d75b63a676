"""The statutory delivery end to end on a small hand-made county, loaded through the real ingestion and
built with the real dbt project: records, files, checks, reconciliation with the marts, the audit record,
withholding on an ERROR, and byte-for-byte reproduction after a newer export.

Hand-made exports (Stand 31.12.2025), reporting year 2025:

  H-1  31 SPFH, family F-1, begun 01.03.2025, running             } one family record (running),
  H-2  31 SPFH, family F-1, begun 01.03.2025, ended 30.11.2025     } H-2 "zusammengefasst"
  H-3  34 Heim, 18 at beginn (§ 41), running, private provider T-2
  H-4  30 Erziehungsbeistand by the office itself, ended 31.10.2025 (abbruch_adressat)
  H-5  42 Inobhutnahme 03.09.–17.09.2025, 15 at beginn          -> VSM record, 14 days, age group 6
  H-6  42 Inobhutnahme begun 20.12.2025, running                -> reported in the year it ends
  H-7  19 Mutter/Vater-Kind, running                            -> not part of the HZE
  H-8  35a ended 31.12.2024                                     -> not in 2025
  H-9  35a begun 01.07.2025, running, gender d

Marts 2025 (county): 31 laufend 1 + beendet 1 = 2 = 1 family record + 1 zusammengefasst; 34 laufend 1;
30 beendet 1; 35a laufend 1; 42 beendet 1 (= 1 VSM record), laufend 1; 19 laufend 1 (no record).

Bookings 2025 (cash view), in cent: 31: 120000 - 10000 = 110000; 34 (§ 41): 450050, Kostenbeitrag 25025;
30: Erstattung 9999; 42: 70000; 35a: 45000; without a help: 1000000. Teilplan 3632: Ausgaben 1110000,
Einnahmen 9999; 3633: 45000; 3634: 520050 and 25025. A 2024 booking stays out.
"""
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kjh.defs.reports.statistik_seite import render_statistik_page
from kjh.ingest.codelisten import write_codelisten
from kjh.paths import DBT_PROJECT_DIR
from kjh.statistik import audit
from kjh.statistik.lieferung import KannNichtErstellen, erstellen, freigeben, reproduzieren
from kjh.statistik.zusammenfassung import statistik_tabellen
from kjh.warehouse.connection import connect, writer
from tests.conftest import TEST_KEY, load_folder
from tests.exports import HILFEN_HEADER, TRAEGER_HEADER, ZAHLUNGEN_HEADER, buchung, hilfe, traeger, write, write_sozialraeume

pytestmark = pytest.mark.slow

DBT = Path(sys.executable).with_name("dbt")
KENN = "01060000"


def _h(hid, fall, person, geb, **over):
    return hilfe(hid, fall_id=fall, person_id=person, geburtsdatum=geb, **over)


HILFEN_2025 = [
    _h("H-1", "F-1", "P-1", "14.03.2012", hilfeart="31", beginn="01.03.2025", traeger_id="T-1",
       ort_der_durchfuehrung="01"),
    _h("H-2", "F-1", "P-2", "02.07.2014", geschlecht="m", hilfeart="31", beginn="01.03.2025", ende="30.11.2025",
       beendigungsgrund="planmaessig", traeger_id="T-1", ort_der_durchfuehrung="01"),
    _h("H-3", "F-2", "P-3", "10.05.2006", geschlecht="m", hilfeart="34", beginn="01.06.2024", traeger_id="T-2",
       ort_der_durchfuehrung="08", hauptgrund="schulische_berufliche_probleme", auslaendische_herkunft="j",
       deutsch_in_familie="n"),
    _h("H-4", "F-3", "P-4", "20.01.2011", geschlecht="m", hilfeart="30", beginn="15.02.2024", ende="31.10.2025",
       beendigungsgrund="abbruch_adressat", traeger_id="", ort_der_durchfuehrung="",
       hauptgrund="auffaelligkeit_sozialverhalten", wohnort_ags="01060044"),
    _h("H-5", "F-4", "P-5", "01.08.2010", hilfeart="42", beginn="03.09.2025", ende="17.09.2025",
       beendigungsgrund="planmaessig", traeger_id="T-1", ort_der_durchfuehrung="08",
       hauptgrund="gefaehrdung_kindeswohl"),
    _h("H-6", "F-5", "P-6", "01.01.2015", geschlecht="m", hilfeart="42", beginn="20.12.2025", traeger_id="T-1",
       ort_der_durchfuehrung="08", hauptgrund="gefaehrdung_kindeswohl"),
    _h("H-7", "F-6", "P-7", "01.02.2024", hilfeart="19", beginn="01.05.2024", traeger_id="T-1",
       ort_der_durchfuehrung="", hauptgrund="unversorgtheit"),
    _h("H-8", "F-7", "P-8", "05.05.2008", hilfeart="35a", beginn="01.01.2023", ende="31.12.2024",
       beendigungsgrund="planmaessig", traeger_id="T-1", ort_der_durchfuehrung="06",
       hauptgrund="entwicklung_seelische_probleme"),
    _h("H-9", "F-9", "P-9", "05.11.2009", geschlecht="d", hilfeart="35a", beginn="01.07.2025", traeger_id="T-1",
       ort_der_durchfuehrung="06", hauptgrund="entwicklung_seelische_probleme"),
]

TRAEGER_2025 = [traeger("T-1"), traeger("T-2", name="Kinderhaus GmbH", traegerart="privat_gewerblich", verband="")]

BUCHUNGEN_2025 = [
    buchung("B-1", hilfe_id="H-1", buchungsdatum="05.04.2025", zeitraum_von="01.03.2025", zeitraum_bis="31.03.2025",
            betrag="1.200,00", produktkonto="3632.533100"),
    buchung("B-2", hilfe_id="H-3", buchungsdatum="10.07.2025", zeitraum_von="01.06.2025", zeitraum_bis="30.06.2025",
            betrag="4.500,50", produktkonto="3634.533200", traeger_id="T-2"),
    buchung("B-3", hilfe_id="H-3", buchungsdatum="12.08.2025", zeitraum_von="01.07.2025", zeitraum_bis="31.07.2025",
            betrag="250,25", produktkonto="3634.533200", kostenart="kostenbeitrag", traeger_id=""),
    buchung("B-4", hilfe_id="H-4", buchungsdatum="20.03.2025", zeitraum_von="01.01.2025", zeitraum_bis="31.01.2025",
            betrag="99,99", produktkonto="3632.533100", kostenart="erstattung", traeger_id=""),
    buchung("B-5", hilfe_id="", buchungsdatum="01.06.2025", zeitraum_von="01.06.2025", zeitraum_bis="30.06.2025",
            betrag="10.000,00", produktkonto="3632.531800", traeger_id="T-1"),
    buchung("B-6", hilfe_id="H-1", buchungsdatum="15.05.2025", zeitraum_von="01.03.2025", zeitraum_bis="31.03.2025",
            betrag="-100,00", produktkonto="3632.533100"),
    buchung("B-7", hilfe_id="H-5", buchungsdatum="30.09.2025", zeitraum_von="03.09.2025", zeitraum_bis="17.09.2025",
            betrag="700,00", produktkonto="3634.533200"),
    buchung("B-8", hilfe_id="H-4", buchungsdatum="15.11.2024", zeitraum_von="01.10.2024", zeitraum_bis="31.10.2024",
            betrag="300,00", produktkonto="3632.533100", traeger_id=""),
    buchung("B-9", hilfe_id="H-9", buchungsdatum="02.12.2025", zeitraum_von="01.11.2025", zeitraum_bis="30.11.2025",
            betrag="450,00", produktkonto="3633.533100"),
]


def write_exports(folder: Path, hilfen=None) -> None:
    write_sozialraeume(folder)
    write(folder / "traeger_20251231.csv", TRAEGER_HEADER, TRAEGER_2025)
    write(folder / "hilfen_20251231.csv", HILFEN_HEADER, hilfen or HILFEN_2025)
    write(folder / "zahlungen_20260115.csv", ZAHLUNGEN_HEADER, BUCHUNGEN_2025)


def run_dbt(warehouse: Path, work: Path) -> None:
    """dbt build on the test warehouse (artifacts under `work`, never the project's target/)."""
    env = {**os.environ, "KJH_WAREHOUSE": str(warehouse), "DO_NOT_TRACK": "1",
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_TARGET_PATH": str(work / "dbt_target"),
           "DBT_LOG_PATH": str(work / "dbt_logs")}
    result = subprocess.run([str(DBT), "build", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir",
                             str(DBT_PROJECT_DIR)], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def build_warehouse(folder: Path, warehouse: Path, work: Path) -> None:
    outcomes = load_folder(folder, warehouse)
    assert all(o.status == "angenommen" and not o.quarantaene for o in outcomes.values()), \
        {k: (o.status, o.meldung) for k, o in outcomes.items()}
    with writer(warehouse) as con:
        write_codelisten(con)
    run_dbt(warehouse, work)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("statistik")
    folder = work / "exporte"
    folder.mkdir()
    write_exports(folder)
    os.environ.setdefault("KJH_PSEUDONYM_KEY", TEST_KEY.decode())
    build_warehouse(folder, work / "warehouse.duckdb", work)
    return work


@pytest.fixture
def wh(base, tmp_path) -> Path:
    """A private copy of the built warehouse (tests write audit rows)."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(base / "warehouse.duckdb", path)
    shutil.copytree(base / "exporte", tmp_path / "exporte")
    return path


def make(wh: Path, out: Path, jahr=2025, jetzt=dt.datetime(2026, 1, 20, 9, 30, 5)):
    """As the clerk does: the draft, and when nothing blocks it, its release (the final files)."""
    with writer(wh) as con:
        entwurf = erstellen(con, out, jahr, jetzt=jetzt)
        if entwurf.status != "entwurf" or entwurf.zurueckgehalten_wegen:
            return entwurf
        return freigeben(con, entwurf.statistik_lieferung_id, out, jetzt=jetzt, wer="Statistikstelle")


def satz(laenge: int, *teile: tuple[int, str]) -> str:
    """A fixed-width record written by hand: (position, characters) pairs, blanks elsewhere."""
    out = [" "] * laenge
    for pos, text in teile:
        out[pos - 1:pos - 1 + len(text)] = text
    assert len(out) == laenge
    return "".join(out)


def lines(path: Path) -> list[str]:
    data = path.read_bytes()
    assert data.endswith(b"\r\n")
    return data.decode("iso-8859-1").split("\r\n")[:-1]


# ------------------------------------------------------------------ tests
def test_delivery_files_records_and_reconciliation(wh, tmp_path):
    r = make(wh, tmp_path / "out")
    assert r.status == "freigegeben", r.meldung
    d = tmp_path / "out" / "2025"
    assert sorted(p.name for p in d.iterdir() if p.is_file()) == sorted([
        f"HZE_{KENN}_2025.txt", f"HZE_{KENN}_2025_datml.xml", f"VSM_{KENN}_2025.txt", f"VSM_{KENN}_2025_datml.xml",
        f"TEIL4_{KENN}_2025.txt", f"TEIL4_{KENN}_2025_datml.xml", f"PRUEFBERICHT_{KENN}_2025.md"])

    # HZE: 4 records, ordered by Art der Hilfe, beginn, hilfe_id; the 2007 record (208 characters + CR LF),
    # fields by hand from the reference table (statistik-referenz.md 1); the exports are v1, so the
    # Merkmale of contract v2 stay blank. Kennung = Land 01, RB 0, Kreis 60, Gemeinde 000, Einr. 000000.
    kenn = (1, "A" "0106000000000000")
    #                      lfd       Beginn      Art  Ort     Träger   G       Geburt    Herk Dt  andauernd
    assert lines(d / f"HZE_{KENN}_2025.txt") == [
        satz(208, kenn, (16, "00001022024"), (28, "05"), (32, "10"), (34, "1012011"), (116, "21"), (123, "2"),
             (131, "16"), (137, "102025"), (151, "20")),        # H-4: by the office, ended 10/2025 by the family
        satz(208, kenn, (16, "00002032025"), (28, "07"), (30, "01"), (32, "24"), (34, "2032012"), (116, "21"),
             (123, "1"), (131, "15")),                          # H-1/H-2: SPFH per family, Diakonie
        satz(208, kenn, (16, "00003062024"), (28, "11"), (30, "08"), (32, "30"), (34, "1052006"), (116, "12"),
             (123, "1"), (131, "18")),                          # H-3: § 34 (§ 41 by age), private provider
        satz(208, kenn, (16, "00004072025"), (28, "13"), (30, "06"), (32, "24"), (34, "3112009"), (116, "21"),
             (123, "1"), (131, "17")),                          # H-9: § 35a, divers (placeholder key 3)
    ]
    # VSM (kjh's placeholder layout): Bogenart E, free provider 2, § 42 (1), weiblich, age group 6 (14 to
    # under 16), no foreign origin, German at home, 03.09.-17.09.2025 = 14 days
    assert lines(d / f"VSM_{KENN}_2025.txt") == [
        "E" "0106000000000000001" "2" "1" "2" "6" "2" "1" "092025" "092025" "0014" + " " * 8]
    # Teil IV: positions with amounts in cent (signed)
    t4 = [(x[24:28], x[28], int(x[29:43]), int(x[43:57]), int(x[57:71])) for x in lines(d / f"TEIL4_{KENN}_2025.txt")]
    assert t4 == [("0300", "2", 0, 0, 9999), ("0310", "2", 110000, 0, 0), ("0340", "1", 450050, 25025, 0),
                  ("0351", "2", 45000, 0, 0), ("0420", "2", 70000, 0, 0), ("0900", "2", 1000000, 0, 0)]

    checks = {p["name"]: p for p in r.pruefungen}
    assert all(p["bestanden"] for p in r.pruefungen if p["schweregrad"] == "ERROR")
    assert not checks["merkmale_vollstaendig"]["bestanden"]  # H-4 has no Ort: reported, never invented
    with connect(wh, read_only=True) as con:
        e = audit.lesen(con, r.statistik_lieferung_id)
        marts = dict(con.execute("select hilfeart, sum(laufend_31_12) + sum(beendet) from marts.fallzahlen_jahr "
                                 "where jahr = 2025 group by 1").fetchall())
        teilplan = con.execute("select teilplan, cast(sum(ausgaben_eur) * 100 as bigint), "
                               "cast(sum(einnahmen_eur) * 100 as bigint) from marts.ausgaben_jahr "
                               "where haushaltsjahr = 2025 group by 1 order by 1").fetchall()
    rec = {z["hilfeart"]: z for z in e.pruefung["abgleich_fallzahlen"]}
    assert marts == {"19": 1, "30": 1, "31": 2, "34": 1, "35a": 1, "42": 2}
    assert (rec["31"]["saetze_laufend"], rec["31"]["saetze_beendet"], rec["31"]["zusammengefasst"]) == (1, 0, 1)
    for hilfeart, z in rec.items():
        if hilfeart == "42":
            assert z["saetze_beendet"] == z["marts_beendet"] == 1 and z["marts_laufend"] == 1
        elif hilfeart != "19":
            assert z["saetze_laufend"] + z["saetze_beendet"] + z["zusammengefasst"] == marts[hilfeart]
    assert rec["19"]["saetze_laufend"] + rec["19"]["saetze_beendet"] == 0
    assert teilplan == [("3632", 1110000, 9999), ("3633", 45000, 0), ("3634", 520050, 25025)]
    assert [(z["teilplan"], z["teil4_ausgaben_cent"], z["teil4_einnahmen_cent"]) for z in
            e.pruefung["abgleich_ausgaben"]] == teilplan + [("gesamt", 1675050, 35024)]

    # the audit record: year, layouts with sha256, inputs with sha256, outputs with sha256
    assert (e.berichtsjahr, e.status, e.layout_version) == (2025, "freigegeben", "HZE 2, VSM 2, TEIL4 2")
    eingaben = json.loads(e.eingaben)
    assert eingaben["stand_hilfen"] == "2025-12-31" and eingaben["stand_zahlungen"] == "2026-01-15"
    assert {x["datei"] for x in eingaben["lieferungen"]} == {"traeger_20251231.csv", "hilfen_20251231.csv",
                                                              "zahlungen_20260115.csv"}
    assert all(len(x["sha256"]) == 64 for x in eingaben["lieferungen"] + e.ausgaben + e.layouts)
    assert e.created_at == dt.datetime(2026, 1, 20, 9, 30, 5)

    # the DatML document: same records as the fixed-width file
    ns = {"d": "http://www.destatis.de/schema/datml-raw/2.0/de"}
    root = ET.parse(d / f"HZE_{KENN}_2025_datml.xml").getroot()
    assert root.findtext("d:protokoll/d:dokumentinstanz/d:datum", namespaces=ns) == "2026-01-20"
    assert [s.findtext("d:mm[@name='EF4']/d:wert", namespaces=ns)
            for s in root.iterfind("d:nachricht/d:datensegment/d:satz", ns)] == ["05", "07", "11", "13"]

    # validation report: why, what reconciles, what the contract does not carry
    bericht = (d / f"PRUEFBERICHT_{KENN}_2025.md").read_text(encoding="utf-8")
    assert "Status: **freigegeben**" in bericht and "Aussetzung des Verfahrens nach § 52 FGG (Pos. 121)" in bericht
    assert "Freigegeben von Statistikstelle am 20.01.2026 um 09:30:05 aus Entwurf Nr. 1." in bericht
    assert "| 31 | 07 | HZE | 1 | 1 | 1 | 0 | 1 | ja |" in bericht


def test_no_pseudonym_or_birth_date_in_any_output(wh, tmp_path):
    r = make(wh, tmp_path / "out")
    with connect(wh, read_only=True) as con:
        secrets = {v for row in con.execute("select fall_pseudonym, person_pseudonym from raw.hilfen").fetchall()
                   for v in row}
    blobs = [(r.ordner / x["datei"]).read_bytes() for x in r.dateien]
    page = render_statistik_page(wh, tmp_path / "berichte")
    blobs.append(page.read_bytes())
    for blob in blobs:
        text = blob.decode("utf-8", errors="replace")
        assert not any(s in text for s in secrets)
        assert "14.03.2012" not in text and "2012-03-14" not in text and "P-1" not in text and "F-1" not in text


def test_the_page_shows_the_server_folder_only_to_the_office(wh, tmp_path):
    r = make(wh, tmp_path / "out")
    extern = render_statistik_page(wh, tmp_path / "extern").read_text(encoding="utf-8")
    intern = render_statistik_page(wh, tmp_path / "intern", intern=True).read_text(encoding="utf-8")
    datei = r.dateien[0]["datei"]
    assert datei in extern and str(tmp_path / "out") not in extern
    assert datei in intern and f"Dateien in <code>{tmp_path / 'out'}" in intern


def test_reproduced_byte_for_byte_after_a_newer_export(wh, tmp_path):
    first = make(wh, tmp_path / "out")
    original = {x["datei"]: (first.ordner / x["datei"]).read_bytes() for x in first.dateien}

    # A newer export changes 2025 as seen today: H-4 ended earlier with another reason, H-3 dropped, a new
    # help begun in November 2025, the provider joined Caritas, a late December booking arrived.
    folder = tmp_path / "exporte"
    newer = [h for h in HILFEN_2025 if h["hilfe_id"] != "H-3"]
    newer = [{**h, "ende": "30.09.2025", "beendigungsgrund": "sonstig"} if h["hilfe_id"] == "H-4" else h
             for h in newer]
    newer.append(_h("H-10", "F-10", "P-10", "01.01.2016", hilfeart="33", beginn="01.11.2025", traeger_id="T-1",
                    ort_der_durchfuehrung="03", hauptgrund="gefaehrdung_kindeswohl"))
    write(folder / "hilfen_20260331.csv", HILFEN_HEADER, newer)
    write(folder / "traeger_20260331.csv", TRAEGER_HEADER, [traeger("T-1", verband="Caritas"), TRAEGER_2025[1]])
    write(folder / "zahlungen_20260331.csv", ZAHLUNGEN_HEADER, [
        buchung("B-10", hilfe_id="H-1", buchungsdatum="30.12.2025", betrag="500,00", produktkonto="3632.533100"),
        buchung("B-11", hilfe_id="H-10", buchungsdatum="05.02.2026", betrag="800,00", produktkonto="3634.533200")])
    build_warehouse(folder, wh, tmp_path)  # loads only the new files, rebuilds the marts

    again = tmp_path / "wiederholt"
    with connect(wh, read_only=True) as con:
        r = reproduzieren(con, first.statistik_lieferung_id, again)
    assert r.abweichend == [], r.meldung
    assert {n: (again / "2025" / n).read_bytes() for n in original} == original

    # a new delivery for 2025 today is different (and reconciles with today's marts)
    second = make(wh, tmp_path / "out2", jetzt=dt.datetime(2026, 4, 2, 8, 0, 0))
    assert second.status == "freigegeben", second.meldung
    assert second.statistik_lieferung_id != first.statistik_lieferung_id
    changed = {x["datei"] for x in second.dateien} & set(original)
    assert all((second.ordner / n).read_bytes() != original[n] for n in changed if n.startswith(("HZE_", "TEIL4_")))

    # the command line does the same, exit 0 when every sha256 matches
    cli = subprocess.run([sys.executable, "-m", "kjh.cli", "statistik", "--warehouse", str(wh), "--reproduce",
                          str(first.statistik_lieferung_id), "--out", str(tmp_path / "cli")],
                         capture_output=True, text=True)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "byte-gleich" in cli.stdout
    assert (tmp_path / "cli" / "2025" / f"HZE_{KENN}_2025.txt").read_bytes() == original[f"HZE_{KENN}_2025.txt"]


def test_reproduction_refuses_a_changed_layout(wh, tmp_path, monkeypatch):
    from kjh.statistik import layout as L

    folder = tmp_path / "layouts"
    shutil.copytree(L.LAYOUT_DIR, folder)
    monkeypatch.setattr(L, "LAYOUT_DIR", folder)
    first = make(wh, tmp_path / "out")
    hze = folder / "hze_v2.yml"
    hze.write_text(hze.read_text(encoding="utf-8").replace("kodierung: iso-8859-1", "kodierung: cp1252"),
                   encoding="utf-8")
    with connect(wh, read_only=True) as con, pytest.raises(KannNichtErstellen, match="hze_v2.yml wurde seit der "
                                                                                     "Lieferung geändert"):
        reproduzieren(con, first.statistik_lieferung_id, tmp_path / "again")


def test_a_hard_error_keeps_its_record_out_of_the_draft_and_blocks_the_release(base, tmp_path):
    folder = tmp_path / "exporte"
    folder.mkdir()
    bad = [{**h, "hauptgrund": "sonstig"} if h["hilfe_id"] == "H-9" else h for h in HILFEN_2025]
    write_exports(folder, hilfen=bad)
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(folder, wh, tmp_path)
    out = tmp_path / "out"

    r = make(wh, out)
    assert (r.status, r.zurueckgehalten_wegen, r.harte_saetze) == ("entwurf", ["hze_satzbeschreibung"], 1)
    assert ("EF21 Hauptgrund für die Hilfegewährung: Wert hat keinen Schlüssel in der Satzbeschreibung, "
            "z. B. „sonstig“ (1 Satz)") in next(p["meldung"] for p in r.pruefungen if p["name"] == "hze_satzbeschreibung")
    # the draft holds every other record (3 of 4 HZE records, running numbers kept); nothing final is written
    assert r.ordner == out / "2025" / "entwurf"
    assert len(lines(r.ordner / f"HZE_{KENN}_2025.txt")) == 3
    assert not (out / "2025" / f"HZE_{KENN}_2025.txt").exists()
    bericht = r.pruefbericht.read_text(encoding="utf-8")
    assert "Status: **Entwurf**" in bericht
    assert "| `hze_satzbeschreibung` | Satz | ERROR | **nicht bestanden** |" in bericht
    assert ("| `hze_satzbeschreibung` | EF21 Hauptgrund für die Hilfegewährung | Wert hat keinen Schlüssel in der "
            "Satzbeschreibung, z. B. „sonstig“ | 1 |") in bericht
    # the work list names exactly that record, its field and value
    liste = r.arbeitsliste.read_text(encoding="utf-8-sig").splitlines()
    assert liste[0] == "hilfe_id;erhebung;lfd_nr;feld;wert;regel;klasse;status;was_tun"
    assert [z.split(";")[:8] for z in liste[1:]] == [
        ["H-9", "HZE", "4", "EF21", "sonstig", "hze_satzbeschreibung", "hart", "offen"]]
    with writer(wh) as con, pytest.raises(KannNichtErstellen, match="hat noch harte Fehler: hze_satzbeschreibung"):
        freigeben(con, r.statistik_lieferung_id, out)

    # the same inputs again: no second record
    again = make(wh, out, jetzt=dt.datetime(2026, 1, 21, 10, 0, 0))
    assert (again.neu, again.statistik_lieferung_id) == (False, r.statistik_lieferung_id)
    with connect(wh, read_only=True) as con:
        assert [(e.status, e.zurueckgehalten_wegen) for e in audit.alle(con)] == [
            ("entwurf", ["hze_satzbeschreibung"])]
        page = render_statistik_page(con, tmp_path / "berichte")
    html = page.read_text(encoding="utf-8")
    assert "Status: Entwurf." in html and "Freigabe wartet auf: <code>hze_satzbeschreibung</code>" in html
    assert "H-9" not in html  # the public page counts; the work list names helps


def test_same_inputs_make_no_second_delivery(wh, tmp_path):
    first = make(wh, tmp_path / "out")
    second = make(wh, tmp_path / "out", jetzt=dt.datetime(2026, 2, 1, 12, 0, 0))
    assert (second.neu, second.statistik_lieferung_id, second.abweichend) == (False, first.statistik_lieferung_id, [])
    with connect(wh, read_only=True) as con:
        assert [e.status for e in audit.alle(con)] == ["entwurf", "freigegeben"]


def test_no_delivery_for_an_incomplete_year(wh, tmp_path):
    with pytest.raises(KannNichtErstellen, match="Berichtsjahr 2026 ist noch nicht abgeschlossen"):
        make(wh, tmp_path / "out", jahr=2026)
    cli = subprocess.run([sys.executable, "-m", "kjh.cli", "statistik", "--warehouse", str(wh), "--year", "2026",
                          "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert cli.returncode == 2 and "noch nicht abgeschlossen" in cli.stderr


def test_default_year_is_the_last_completed_one(wh, tmp_path):
    r = make(wh, tmp_path / "out", jahr=None)
    assert r.berichtsjahr == 2025  # newest hilfen export 31.12.2025: 2025 is complete


def test_reviewer_tables_suppress_small_cells(wh, tmp_path):
    make(wh, tmp_path / "out")
    with connect(wh, read_only=True) as con:
        z = statistik_tabellen(con)
        intern = statistik_tabellen(con, intern=True)
    u = z.tabellen["hze_uebersicht"]
    # every count of this tiny county is 1 or 2: shown as <3 (or x), never as the number
    assert set(u.to_numpy().ravel()) <= {"<3", "x", "–"}
    assert intern.tabellen["hze_uebersicht"].loc["Insgesamt"].iloc[0] == "4"
    t4 = z.tabellen["teil4"]
    # amounts of a suppressed count are suppressed with it; amounts without a help stay open
    assert t4.loc["§ 34 Heimerziehung, sonstige betreute Wohnform", "Auszahlungen"] in ("<3", "x")
    assert t4.loc["ohne Bezug zu einer Hilfe (fallunspezifisch)", "Auszahlungen"] == "10.000,00\u00a0€"
    assert t4.loc["Insgesamt", "Auszahlungen"] == "16.750,50\u00a0€"
    assert "hze_laufend_alter" in z.tabellen and "vsm" in z.tabellen


def test_records_follow_the_warehouse_rules_not_current_tables(wh, tmp_path):
    """The SQL renders the dbt project's macros (one place for each rule)."""
    from kjh.dbt_sql import DbtSql

    with connect(wh, read_only=True) as con:
        d = DbtSql(con, {})
        assert d.macro("is_running_on", "b", "e", "d") == "(b <= d and (e is null or e > d))"
        assert d.macro("is_paragraph_41", "a") == "(a >= 18)"
