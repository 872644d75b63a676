"""The statistics clerk's path on exports with the irregularities of real case systems: a planned end, two
overlapping helps of one type, a main reason the statistics cannot take (`sonstig`), hard errors of earlier
years. Draft with every buildable record, work list naming exactly the records that block or need
confirming, confirmations with who/when/why, correction through a new export, release, and reproduction.

The small county of tests/test_statistik_lieferung.py (Stand 31.12.2025, reporting year 2025), plus:

  H-9   35a begun 01.07.2025, hauptgrund `sonstig`                 -> hard: EF9 has no key (record left out)
  H-20  30  begun 01.06.2025, ende 31.03.2026 (planned, after the export date)    -> soft: planned end
  H-21  35a begun 01.02.2025 } the same young person, both running                 -> soft: overlap (H-21/H-22)
  H-22  35a begun 01.05.2025 }
  H-23  42  of an 18-year-old, 03.03.–10.03.2023                   -> hard, but of 2023: blocks nothing in 2025
"""
import datetime as dt
import subprocess
import sys

import pytest

from kjh.statistik import audit
from kjh.statistik.lieferung import KannNichtErstellen, erstellen, freigeben, reproduzieren
from kjh.warehouse.connection import connect, writer
from tests.exports import HILFEN_HEADER, write
from tests.test_statistik_lieferung import HILFEN_2025, KENN, _h, build_warehouse, lines, write_exports

pytestmark = pytest.mark.slow

PLANNED = _h("H-20", "F-20", "P-20", "01.01.2010", hilfeart="30", beginn="01.06.2025", ende="31.03.2026",
             beendigungsgrund="planmaessig", traeger_id="T-1", ort_der_durchfuehrung="06",
             hauptgrund="auffaelligkeit_sozialverhalten")
OVERLAP = [_h(hid, "F-21", "P-21", "01.01.2012", hilfeart="35a", beginn=beginn, traeger_id="T-1",
              ort_der_durchfuehrung="06", hauptgrund="entwicklung_seelische_probleme")
           for hid, beginn in (("H-21", "01.02.2025"), ("H-22", "01.05.2025"))]
ADULT_42_2023 = _h("H-23", "F-23", "P-23", "01.01.2005", hilfeart="42", beginn="03.03.2023", ende="10.03.2023",
                   beendigungsgrund="planmaessig", traeger_id="T-1", ort_der_durchfuehrung="08",
                   hauptgrund="gefaehrdung_kindeswohl")
SONSTIG = {"hauptgrund": "sonstig"}


def _hilfen(korrigiert=False, extra=()):
    rows = [({**h, **SONSTIG} if h["hilfe_id"] == "H-9" and not korrigiert else h) for h in HILFEN_2025]
    return rows + [PLANNED, *OVERLAP, ADULT_42_2023, *extra]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "kjh.cli", "statistik", *map(str, args)], capture_output=True,
                          text=True)


def _liste(path):
    rows = [z.split(";") for z in path.read_text(encoding="utf-8-sig").splitlines()[1:]]
    return {(r[0], r[5], r[6], r[7]) for r in rows}


@pytest.fixture
def county(tmp_path):
    folder = tmp_path / "exporte"
    folder.mkdir()
    write_exports(folder, hilfen=_hilfen())
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(folder, wh, tmp_path)
    return folder, wh


def test_draft_work_list_confirm_correct_release_reproduce(county, tmp_path):
    folder, wh = county
    out = tmp_path / "statistik"

    # 1. the draft: every record but the one with the hard error; the work list names exactly the three
    with writer(wh) as con:
        entwurf = erstellen(con, out, 2025, jetzt=dt.datetime(2026, 1, 20, 9, 0, 0))
    assert entwurf.status == "entwurf"
    assert entwurf.zurueckgehalten_wegen == ["hze_satzbeschreibung"]
    assert (entwurf.harte_saetze, entwurf.offene_befunde) == (1, 3)
    hze = lines(entwurf.ordner / f"HZE_{KENN}_2025.txt")
    assert len(hze) == 6  # H-3, H-4, SPFH family, H-20, H-21, H-22; H-9 left out
    assert _liste(entwurf.arbeitsliste) == {
        ("H-9", "hze_satzbeschreibung", "hart", "offen"),
        ("H-20", "plausi.ende_nach_exportdatum", "weich", "offen"),
        ("H-21", "plausi.ueberschneidung_gleiche_hilfeart", "weich", "offen"),
    }
    # the planned end is no end: H-20 counts as running (the marts agree, the record has no end fields)
    with connect(wh, read_only=True) as con:
        assert con.execute("select sum(laufend_31_12), sum(beendet) from marts.fallzahlen_jahr "
                           "where jahr = 2025 and hilfeart = '30'").fetchall() == [(1, 1)]
    checks = {p["name"]: p for p in entwurf.pruefungen}
    assert checks["abgleich_fallzahlen"]["bestanden"], checks["abgleich_fallzahlen"]["meldung"]
    assert not checks["weiche_befunde_bestaetigt"]["bestanden"]
    assert checks["plausibilitaet_saetze"]["bestanden"]  # H-23 is of 2023

    # 2. no release with a hard error; a hard error cannot be confirmed away
    cli = _cli("--warehouse", wh, "--out", out, "--freigeben", entwurf.statistik_lieferung_id)
    assert cli.returncode == 2 and "hat noch harte Fehler: hze_satzbeschreibung" in cli.stderr
    cli = _cli("--warehouse", wh, "--bestaetigen", "hze_satzbeschreibung", "H-9", "--grund", "passt schon")
    assert cli.returncode == 2 and "harter Fehler" in cli.stderr
    cli = _cli("--warehouse", wh, "--bestaetigen", "plausi.ende_nach_exportdatum", "H-20")
    assert cli.returncode == 2 and "--grund" in cli.stderr

    # 3. the clerk confirms the planned end, with who and why
    cli = _cli("--warehouse", wh, "--bestaetigen", "plausi.ende_nach_exportdatum", "H-20", "--grund",
               "Ende laut Hilfeplan nur geplant", "--wer", "Frau K.")
    assert cli.returncode == 0, cli.stdout + cli.stderr
    with connect(wh, read_only=True) as con:
        assert con.execute("select regel, hilfe_id, feld, wert, grund, wer, berichtsjahr "
                           "from audit.statistik_bestaetigungen").fetchall() == [
            ("plausi.ende_nach_exportdatum", "H-20", "geplantes_ende", "2026-03-31", "Ende laut Hilfeplan nur geplant",
             "Frau K.", 2025)]

    # 4. the main reason is corrected in the case system and exported again: the next draft has no hard error
    write(folder / "hilfen_20260115.csv", HILFEN_HEADER, _hilfen(korrigiert=True))
    build_warehouse(folder, wh, tmp_path)
    with writer(wh) as con:
        zweiter = erstellen(con, out, 2025, jetzt=dt.datetime(2026, 1, 21, 9, 0, 0))
    assert zweiter.statistik_lieferung_id != entwurf.statistik_lieferung_id
    assert (zweiter.zurueckgehalten_wegen, zweiter.harte_saetze, zweiter.offene_befunde) == ([], 0, 1)
    assert _liste(zweiter.arbeitsliste) == {
        ("H-20", "plausi.ende_nach_exportdatum", "weich", "bestätigt"),
        ("H-21", "plausi.ueberschneidung_gleiche_hilfeart", "weich", "offen"),
    }
    assert len(lines(zweiter.ordner / f"HZE_{KENN}_2025.txt")) == 7

    # 5. release: the final files, every ERROR check passed, recorded with sha256
    cli = _cli("--warehouse", wh, "--out", out, "--freigeben", zweiter.statistik_lieferung_id, "--wer", "Frau K.")
    assert cli.returncode == 0, cli.stdout + cli.stderr
    with connect(wh, read_only=True) as con:
        final = audit.alle(con, 2025)[-1]
    assert final.status == "freigegeben" and final.zurueckgehalten_wegen == []
    assert final.pruefung["entwurf_id"] == zweiter.statistik_lieferung_id
    assert all(p["bestanden"] for p in final.pruefung["ergebnisse"] if p["schweregrad"] == "ERROR")
    released = {x["datei"]: (out / "2025" / x["datei"]).read_bytes() for x in final.ausgaben}
    assert len(lines(out / "2025" / f"HZE_{KENN}_2025.txt")) == 7
    assert {n for n in released} >= {f"HZE_{KENN}_2025.txt", f"VSM_{KENN}_2025.txt", f"TEIL4_{KENN}_2025.txt"}

    # 6. a newer export changes 2025 as seen today; the release is reproduced byte for byte
    write(folder / "hilfen_20260331.csv", HILFEN_HEADER,
          [h for h in _hilfen(korrigiert=True) if h["hilfe_id"] != "H-3"])
    build_warehouse(folder, wh, tmp_path)
    with connect(wh, read_only=True) as con:
        again = reproduzieren(con, final.statistik_lieferung_id, tmp_path / "wiederholt")
    assert again.abweichend == [], again.meldung
    assert {n: (tmp_path / "wiederholt" / "2025" / n).read_bytes() for n in released} == released
    # ... and the release of an outdated draft is refused
    with writer(wh) as con, pytest.raises(KannNichtErstellen, match="nicht mehr aktuell"):
        freigeben(con, zweiter.statistik_lieferung_id, tmp_path / "nochmal")


def test_a_hard_error_blocks_only_its_own_reporting_year(county, tmp_path):
    folder, wh = county
    # H-9 corrected: the only hard error left is the § 42 of an adult in 2023
    write(folder / "hilfen_20260115.csv", HILFEN_HEADER, _hilfen(korrigiert=True))
    build_warehouse(folder, wh, tmp_path)
    with writer(wh) as con:
        r = erstellen(con, tmp_path / "out", 2025)
    assert r.zurueckgehalten_wegen == [] and r.harte_saetze == 0, r.meldung
    with connect(wh, read_only=True) as con:  # the plausibility check still sees it (quality page), as hard
        assert con.execute("select count(*) from intermediate.int_hilfen_episoden where hilfe_id = 'H-23' "
                           "and hilfeart = '42' and alter_bei_beginn >= 18").fetchall() == [(1,)]

    # the same error in a record of 2025 blocks 2025, and only that record is left out
    adult_2025 = {**ADULT_42_2023, "hilfe_id": "H-24", "fall_id": "F-24", "person_id": "P-24",
                  "beginn": "01.04.2025", "ende": "04.04.2025"}
    write(folder / "hilfen_20260116.csv", HILFEN_HEADER, _hilfen(korrigiert=True, extra=[adult_2025]))
    build_warehouse(folder, wh, tmp_path)
    with writer(wh) as con:
        r = erstellen(con, tmp_path / "out", 2025)
    # the layout has no age group for 18 either: two hard findings, one record
    assert r.zurueckgehalten_wegen == ["vsm_satzbeschreibung", "plausibilitaet_saetze"]
    assert r.harte_saetze == 1
    assert ("H-24", "plausi.p42_nur_minderjaehrige", "hart", "offen") in _liste(r.arbeitsliste)
    assert "H-23" not in r.arbeitsliste.read_text(encoding="utf-8-sig")
    assert len(lines(r.ordner / f"VSM_{KENN}_2025.txt")) == 1  # H-5 only; H-24 left out of the draft



def test_several_offices_get_one_delivery_each(tmp_path):
    """Helps and bookings of two offices in one warehouse (column `jugendamt`; empty = meldestelle.yml's office):
    one draft per office, running numbers from 1 in each, files named by the Kennnummer; the reconciliation with
    the marts (which know no office) holds over both; each releases and reproduces on its own."""
    from tests.exports import TRAEGER_HEADER, ZAHLUNGEN_HEADER, write_sozialraeume
    from tests.test_statistik_lieferung import BUCHUNGEN_2025, TRAEGER_2025

    stormarn = "01062000"
    zweites = {"H-3", "H-4", "H-5"}  # 34 (§ 41), 30 by the office itself, 42 ended
    hilfen = [{**h, "jugendamt": stormarn if h["hilfe_id"] in zweites else ""} for h in HILFEN_2025]
    buchungen = [{**b, "jugendamt": stormarn if b["hilfe_id"] in zweites else ""} for b in BUCHUNGEN_2025]
    folder = tmp_path / "exporte"
    write_sozialraeume(folder)
    write(folder / "traeger_20251231.csv", TRAEGER_HEADER, TRAEGER_2025)
    write(folder / "hilfen_20251231.csv", HILFEN_HEADER + ["jugendamt"], hilfen)
    write(folder / "zahlungen_20260115.csv", ZAHLUNGEN_HEADER + ["jugendamt"], buchungen)
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(folder, wh, tmp_path)

    from kjh.statistik.lieferung import erstellen_alle

    out = tmp_path / "statistik"
    with writer(wh) as con:
        drafts = erstellen_alle(con, out, 2025)
    assert [d.kennnummer for d in drafts] == [KENN, stormarn]
    assert all(d.status == "entwurf" and not d.zurueckgehalten_wegen for d in drafts), [d.meldung for d in drafts]
    segeberg, zweit = (lines(d.ordner / f"HZE_{d.kennnummer}_2025.txt") for d in drafts)
    assert (len(segeberg), len(zweit)) == (2, 2)  # SPFH family + 35a | 34 + 30
    # running numbers from 1 per office and survey (positions 16-20), the office's AGS parts in 2-9
    assert [z[15:20] for z in segeberg] == ["00001", "00002"] == [z[15:20] for z in zweit]
    assert {z[1:9] for z in zweit} == {stormarn}
    assert len(lines(out / "2025" / "entwurf" / f"VSM_{stormarn}_2025.txt")) == 1
    assert not (out / "2025" / "entwurf" / f"VSM_{KENN}_2025.txt").read_bytes()
    checks = {d.kennnummer: {p["name"]: p["bestanden"] for p in d.pruefungen} for d in drafts}
    assert checks[KENN]["abgleich_fallzahlen"] and checks[stormarn]["abgleich_fallzahlen"]
    assert checks[KENN]["abgleich_ausgaben"] and checks[stormarn]["abgleich_ausgaben"]
    # Teil IV per office: the Heim's bookings are Stormarn's
    t4 = {d.kennnummer: sum(int(z[29:43]) for z in lines(d.ordner / f"TEIL4_{d.kennnummer}_2025.txt")) for d in drafts}
    assert t4[stormarn] == 450050 + 70000  # § 34 and § 42 expenditure in cent; H-4 only a refund
    # the check report of each office names its own Kennnummer
    assert f"Kennnummer {stormarn}" in (drafts[1].ordner / f"PRUEFBERICHT_{stormarn}_2025.md").read_text("utf-8")

    with writer(wh) as con:
        final = freigeben(con, drafts[1].statistik_lieferung_id, out)
    assert final.status == "freigegeben"
    assert (out / "2025" / f"HZE_{stormarn}_2025.txt").exists() and not (out / "2025" / f"HZE_{KENN}_2025.txt").exists()
    with connect(wh, read_only=True) as con:
        again = reproduzieren(con, final.statistik_lieferung_id, tmp_path / "wiederholt")
    assert again.abweichend == [], again.meldung
