"""The incremental build does not weaken a check, and a warehouse from before it upgrades.

* The row tests of the booking rows look at the rows written since the last
  build in which they all passed: a booking that fails one is reported again
  by every later build until it is fixed, not only by the build that wrote it.
* A warehouse whose int_zahlungen was built as a plain table (without the
  bookkeeping columns) is rebuilt in full by the next `dbt build` and then
  gives the same marts as a full refresh.
"""
import shutil

import duckdb
import pytest

from tests.test_dbt_marts import create_warehouse, run_dbt
from tests.test_incremental_marts import compare

pytestmark = pytest.mark.slow

VARS = ("--vars", "{erstes_berichtsjahr: 2021}")


def _add_booking(warehouse, buchung_id: str, produktkonto: str, lieferung_id: int) -> None:
    """A booking as a later delivery, written past ingestion (which would quarantine it)."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            "insert into raw.zahlungen (buchung_id, hilfe_id, buchungsdatum, zeitraum_von, zeitraum_bis, betrag,"
            " produktkonto, kostenart, traeger_id, zeilen_hash, stand, lieferung_id, zeile)"
            " values (?, null, '2025-10-15', '2025-10-01', '2025-10-31', 10.00, ?, 'leistung', null, 'h',"
            " '2025-10-31', ?, 2)",
            [buchung_id, produktkonto, lieferung_id],
        )
    finally:
        con.close()


def _watermark(warehouse) -> object:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("select stand from intermediate.inkrement_stand "
                           "where modell = 'intermediate.int_zahlungen geprueft'").fetchall()
        return rows[0][0] if rows else None
    finally:
        con.close()


def test_a_failed_booking_check_is_reported_again_by_the_next_build(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    create_warehouse(warehouse)
    first = run_dbt(warehouse, tmp_path, "build", *VARS)
    assert first.returncode == 0, first.stdout[-4000:]
    checked = _watermark(warehouse)
    assert checked is not None

    _add_booking(warehouse, "Z-X", "36X2.000001", lieferung_id=90)  # Teilplan "36X2": not four digits
    second = run_dbt(warehouse, tmp_path, "build", *VARS)
    assert second.returncode != 0 and "is_teilplan_int_zahlungen_teilplan" in second.stdout
    assert _watermark(warehouse) == checked  # kosten_je_fall was skipped: nothing recorded as checked

    # nothing new arrives: the bad booking is not rebuilt, but it is checked (and fails) again
    third = run_dbt(warehouse, tmp_path, "build", *VARS)
    assert third.returncode != 0 and "is_teilplan_int_zahlungen_teilplan" in third.stdout


def test_clean_delta_builds_incrementally_and_advances_the_check_watermark(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    create_warehouse(warehouse)
    assert run_dbt(warehouse, tmp_path, "build", *VARS).returncode == 0
    before = _watermark(warehouse)
    _add_booking(warehouse, "Z-Y", "3632.000001", lieferung_id=91)
    result = run_dbt(warehouse, tmp_path, "build", *VARS)
    assert result.returncode == 0, result.stdout[-4000:]
    assert _watermark(warehouse) > before
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rebuilt = con.execute("select list(buchung_id order by buchung_id) from intermediate.int_zahlungen "
                              "where aktualisiert_am = (select max(aktualisiert_am) from intermediate.int_zahlungen)"
                              ).fetchone()[0]
    finally:
        con.close()
    assert rebuilt == ["Z-Y"]


def test_warehouse_from_before_incremental_builds_is_upgraded(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    create_warehouse(warehouse)
    assert run_dbt(warehouse, tmp_path, "build", *VARS).returncode == 0
    # int_zahlungen as the earlier project built it: a table without the bookkeeping columns
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create or replace table intermediate.int_zahlungen as select * exclude "
                    "(lieferung_id, hilfe_merkmale, zuordnung_stand, aktualisiert_am, geaendert_am) "
                    "from intermediate.int_zahlungen")
        con.execute("drop table intermediate.inkrement_stand")
    finally:
        con.close()
    _add_booking(warehouse, "Z-Z", "3633.000001", lieferung_id=92)
    result = run_dbt(warehouse, tmp_path, "build", *VARS)
    assert result.returncode == 0, result.stdout[-4000:]

    full = tmp_path / "voll.duckdb"
    shutil.copy(warehouse, full)
    assert run_dbt(full, tmp_path / "voll", "build", "--full-refresh", *VARS).returncode == 0
    compare(warehouse, full)
