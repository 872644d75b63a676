"""The scanner of tests/leak_scan.py finds a value in each kind of place it claims to search."""
import sqlite3

import duckdb
import openpyxl

from tests.leak_scan import find_values, personal_values


def test_scanner_finds_values_in_tables_workbooks_sqlite_and_text(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema audit; create table audit.x as select 'Gefunden: PX-1' as meldung")
    con.close()
    wb = openpyxl.Workbook()
    wb.active["B7"] = "AZ-2"
    wb.save(tmp_path / "mappe.xlsx")
    lite = sqlite3.connect(tmp_path / "runs.db")
    lite.execute("create table event_logs (event text)")
    lite.execute("insert into event_logs values ('{\"message\": \"2008-09-17\"}')")
    lite.commit()
    lite.close()
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "lauf.log").write_text("… 17.09.2008 …", encoding="utf-8")

    values = personal_values([{"person_id": "PX-1", "fall_id": "AZ-2", "geburtsdatum": "17.09.2008"}])
    found = find_values([tmp_path], values, extra_texts={"stdout": "nichts"})

    assert any("w.duckdb:audit.x: PX-1" in f for f in found)
    assert any("mappe.xlsx!" in f and f.endswith("AZ-2") for f in found)
    assert any("runs.db: 2008-09-17" in f for f in found)
    assert any("lauf.log: 17.09.2008" in f for f in found)
    assert find_values([tmp_path], ["nirgends-7"]) == []
