"""`kjh run` end to end through the Dagster job, on exports written by hand to the
contract (not by kjh's generator), bad rows and bad files mixed in."""
import subprocess
import sys

import pytest

from tests.conftest import query, table_fingerprints
from tests.exports import HILFEN_HEADER, TRAEGER_HEADER, ZAHLUNGEN_HEADER, buchung, hilfe, traeger, write, write_sozialraeume


def kjh(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kjh.cli", *map(str, args)], capture_output=True, text=True, env=env)


def _office_folder(folder):
    write_sozialraeume(folder)
    write(folder / "traeger_20250101.csv", TRAEGER_HEADER, [traeger("T-1"), traeger("T-2", name="Kinderhaus Nord")],
          encoding="cp1252", newline="\r\n")
    write(folder / "hilfen_20250131.csv", HILFEN_HEADER, [
        hilfe("H-1"), hilfe("H-2", person_id="P-2", hilfeart="41"), hilfe("H-3", person_id="P-3", hilfeart="34",
                                                                             ort_der_durchfuehrung="08")])
    write(folder / "zahlungen_20250205.csv", ZAHLUNGEN_HEADER, [
        buchung("B-1"), buchung("B-2", betrag="12,5x"), buchung("B-3", hilfe_id="", betrag="-20,00")], bom=True)
    (folder / "zahlungen_20250305.csv").write_bytes(b"buchung_id;hilfe_id\nB-9;H-1\n")  # required columns missing
    (folder / "notizen.csv").write_text("irgendwas\n", encoding="utf-8")  # matches no kind


@pytest.mark.slow
@pytest.mark.e2e
def test_run_accounts_for_every_row_and_second_run_changes_nothing(exports, tmp_path):
    _office_folder(exports)
    wh, reports = tmp_path / "wh" / "warehouse.duckdb", tmp_path / "berichte"

    first = kjh("run", "--sources", exports, "--warehouse", wh, "--reports", reports)

    assert first.returncode == 0, first.stderr[-3000:]
    out = first.stdout
    assert "Zusammenfassung der Lieferungen" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.endswith(".csv") or ".csv " in line}
    assert "abgelehnt" in lines["notizen.csv"] and "passt zu keiner Lieferart" in lines["notizen.csv"]
    assert "abgelehnt" in lines["zahlungen_20250305.csv"] and "Pflichtspalte(n) fehlen" in lines["zahlungen_20250305.csv"]
    assert lines["hilfen_20250131.csv"].split()[2:7] == ["3", "2", "1", "0", "angenommen"]
    assert lines["zahlungen_20250205.csv"].split()[2:7] == ["3", "2", "1", "0", "angenommen"]
    assert f"Warehouse: {wh}" in out and f"Berichte:  {reports}" in out

    audit = query(wh, "select datei, zeilen, geladen, quarantaene, uebersprungen, status from audit.lieferungen order by datei")
    assert audit == [
        ("hilfen_20250131.csv", 3, 2, 1, 0, "angenommen"),
        ("notizen.csv", 0, 0, 0, 0, "abgelehnt"),
        ("sozialraeume_20200101.csv", 3, 3, 0, 0, "angenommen"),
        ("traeger_20250101.csv", 2, 2, 0, 0, "angenommen"),
        ("zahlungen_20250205.csv", 3, 2, 1, 0, "angenommen"),
        ("zahlungen_20250305.csv", 1, 0, 0, 0, "abgelehnt"),  # 1 record in it, none taken
    ]
    before = table_fingerprints(wh)
    checks_first = query(wh, "select count(*), min(lauf_id) from audit.pruefergebnisse")[0]

    second = kjh("run", "--sources", exports, "--warehouse", wh, "--reports", reports)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "bereits geladen" in second.stdout
    after = table_fingerprints(wh)
    # audit.pruefergebnisse is the log of every run's check results: the second run adds its own
    # rows (same results, its own lauf_id) and leaves the first run's alone; nothing else changes
    assert {t: v for t, v in after.items() if t != "audit.pruefergebnisse"} == \
        {t: v for t, v in before.items() if t != "audit.pruefergebnisse"}
    assert query(wh, "select count(*) from audit.pruefergebnisse where lauf_id = ?", [checks_first[1]]) == \
        [(checks_first[0],)]


def test_run_without_key_refuses_to_start(exports, tmp_path, monkeypatch):
    monkeypatch.delenv("KJH_PSEUDONYM_KEY")
    _office_folder(exports)
    r = kjh("run", "--sources", exports, "--warehouse", tmp_path / "w.duckdb", "--reports", tmp_path / "r")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "kjh: Kein Pseudonymisierungsschlüssel: KJH_PSEUDONYM_KEY oder KJH_PSEUDONYM_KEY_FILE setzen "
        "(für die Demodaten: kjh demo)."]
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.slow
@pytest.mark.e2e
def test_run_with_key_file(exports, tmp_path, monkeypatch):
    monkeypatch.delenv("KJH_PSEUDONYM_KEY")
    key = tmp_path / "schluessel"
    key.write_bytes(b"a-long-enough-office-secret-key-of-this-office\n")
    monkeypatch.setenv("KJH_PSEUDONYM_KEY_FILE", str(key))
    write_sozialraeume(exports)
    r = kjh("run", "--sources", exports, "--warehouse", tmp_path / "w.duckdb", "--reports", tmp_path / "r")
    assert r.returncode == 0, r.stderr[-2000:]


def test_unreadable_folder_and_broken_mapping_give_one_line(exports, tmp_path):
    r = kjh("run", "--sources", tmp_path / "fehlt", "--warehouse", tmp_path / "w.duckdb", "--reports", tmp_path / "r")
    assert (r.returncode, r.stderr.strip()) == (2, f"kjh: Quellordner {tmp_path / 'fehlt'} fehlt oder ist nicht lesbar.")
    (exports / "kaputt.mapping.yml").write_text("art: gibtsnicht\n", encoding="utf-8")
    r = kjh("run", "--sources", exports, "--warehouse", tmp_path / "w.duckdb", "--reports", tmp_path / "r")
    assert r.returncode == 2 and "'art' muss eine Lieferart sein" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_every_command_has_help():
    for args in ([], ["demo"], ["run"], ["ui"], ["lieferung", "zurueckziehen"]):
        r = kjh(*args, "--help")
        assert r.returncode == 0 and "usage: kjh" in r.stdout


def test_run_refuses_at_once_what_cannot_work(exports, tmp_path, monkeypatch):
    """Each with one line and exit 2, before anything is loaded (issue 13 no. 6 and 12, issue 14 no. 7)."""
    r_dir = tmp_path / "r"
    # an empty sources folder: nothing to load, dbt never starts
    r = kjh("run", "--sources", exports, "--warehouse", tmp_path / "w.duckdb", "--reports", r_dir)
    assert (r.returncode, r.stderr.strip().splitlines()) == (2, [
        f"kjh: Quellordner {exports} enthält keine Exporte (*.csv): nichts zu laden, Lauf nicht gestartet."])
    write_sozialraeume(exports)
    write(exports / "hilfen_20250131.csv", HILFEN_HEADER, [hilfe("H-1")])
    # --warehouse pointing at a CSV file (left untouched) or at a folder
    csv_file = exports / "hilfen_20250131.csv"
    before = csv_file.read_bytes()
    r = kjh("run", "--sources", exports, "--warehouse", csv_file, "--reports", r_dir)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "ist keine DuckDB-Datei" in r.stderr
    assert csv_file.read_bytes() == before
    r = kjh("run", "--sources", exports, "--warehouse", tmp_path, "--reports", r_dir)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "ist ein Ordner" in r.stderr
    # a report year after the newest export
    r = kjh("run", "--sources", exports, "--warehouse", tmp_path / "w.duckdb", "--reports", r_dir, "--year", 2031)
    assert (r.returncode, r.stderr.strip()) == (2, "kjh: --year 2031 liegt nach den Daten: der neueste Export ist "
                                                   "aus 2025. Ein Berichtsjahr bis 2025 angeben.")
    # a pseudonymisation key too short to be safe
    monkeypatch.setenv("KJH_PSEUDONYM_KEY", "x")
    r = kjh("run", "--sources", exports, "--warehouse", tmp_path / "w.duckdb", "--reports", r_dir)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "KJH_PSEUDONYM_KEY hat 1 Zeichen, mindestens 32" in r.stderr and "secrets.token_urlsafe" in r.stderr
    assert not (tmp_path / "w.duckdb").exists() and not r_dir.exists()


def test_year_before_the_loaded_data_is_refused(exports, tmp_path):
    """The warehouse knows its first report year once a run built the marts."""
    import duckdb

    wh = tmp_path / "w.duckdb"
    con = duckdb.connect(str(wh))
    con.execute("create schema intermediate; create table intermediate.int_berichtsstand as "
                "select 2021 as erstes_jahr, 2026 as letztes_jahr")
    con.close()
    write_sozialraeume(exports)
    r = kjh("run", "--sources", exports, "--warehouse", wh, "--reports", tmp_path / "r", "--year", 1999)
    assert (r.returncode, r.stderr.strip()) == (2, "kjh: --year 1999 liegt vor den Daten: sie reichen von 2021 bis "
                                                   "2026. Ein Berichtsjahr von 2021 bis 2026 angeben.")
