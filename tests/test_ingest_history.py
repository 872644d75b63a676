"""Full exports: the newest is the current state, earlier states stay reconstructable."""
from kjh.ingest import faults
from tests.conftest import load_folder, query, table_fingerprints
from tests.exports import HILFEN_HEADER, hilfe, write, write_sozialraeume

AS_OF = """select hilfe_id, hilfeart, ende::varchar from raw.hilfen
           where stand_ab <= ?::date and (stand_bis is null or stand_bis > ?::date) order by 1"""


def _two_exports(exports):
    write_sozialraeume(exports)
    write(exports / "hilfen_20241231.csv", HILFEN_HEADER,
          [hilfe("H-1"), hilfe("H-2", person_id="P-2"), hilfe("H-3", person_id="P-3")])
    # a month later: H-1 ended, H-2 unchanged, H-3 no longer exported, H-4 new
    write(exports / "hilfen_20250131.csv", HILFEN_HEADER,
          [hilfe("H-1", ende="15.01.2025", beendigungsgrund="planmaessig"), hilfe("H-2", person_id="P-2"),
           hilfe("H-4", person_id="P-4", hilfeart="30")])


def test_newest_export_is_current_and_older_state_reproducible(exports, warehouse_path):
    _two_exports(exports)
    out = load_folder(exports, warehouse_path)
    assert [o.geladen for o in out.values() if o.art == "hilfen"] == [3, 3]
    current = query(warehouse_path, "select hilfe_id, hilfeart, ende::varchar from raw.hilfen where stand_bis is null order by 1")
    assert current == [("H-1", "31", "2025-01-15"), ("H-2", "31", None), ("H-4", "30", None)]
    assert query(warehouse_path, AS_OF, ["2024-12-31", "2024-12-31"]) == [("H-1", "31", None), ("H-2", "31", None), ("H-3", "31", None)]
    assert query(warehouse_path, AS_OF, ["2025-01-31", "2025-01-31"]) == current
    # unchanged H-2 is one version, not two
    assert query(warehouse_path, "select count(*) from raw.hilfen where hilfe_id = 'H-2'") == [(1,)]


def test_second_identical_run_changes_no_table(exports, warehouse_path):
    _two_exports(exports)
    load_folder(exports, warehouse_path)
    before = table_fingerprints(warehouse_path)
    again = load_folder(exports, warehouse_path)
    assert all(o.bereits_geladen for o in again.values())
    assert all(o.uebersprungen == o.zeilen for o in again.values())
    assert table_fingerprints(warehouse_path) == before


def test_same_content_under_another_name_is_not_loaded_again(exports, warehouse_path):
    _two_exports(exports)
    load_folder(exports, warehouse_path)
    before = table_fingerprints(warehouse_path)
    (exports / "hilfen_20250131_kopie.csv").write_bytes((exports / "hilfen_20250131.csv").read_bytes())
    o = load_folder(exports, warehouse_path)["hilfen_20250131_kopie.csv"]
    assert o.bereits_geladen and "hilfen_20250131.csv" in o.meldung
    assert table_fingerprints(warehouse_path) == before


def test_quarantined_record_keeps_its_previous_version_current(exports, warehouse_path):
    write_sozialraeume(exports)
    write(exports / "hilfen_20241231.csv", HILFEN_HEADER, [hilfe("H-1"), hilfe("H-2", person_id="P-2")])
    write(exports / "hilfen_20250131.csv", HILFEN_HEADER,
          [hilfe("H-1", beginn="31.02.2024"), hilfe("H-2", person_id="P-2")])
    out = load_folder(exports, warehouse_path)["hilfen_20250131.csv"]
    assert (out.geladen, out.quarantaene) == (1, 1)
    current = query(warehouse_path, "select hilfe_id, beginn::varchar from raw.hilfen where stand_bis is null order by 1")
    assert current == [("H-1", "2024-02-01"), ("H-2", "2024-02-01")]


def test_mapping_change_of_sozialraeume_is_history(exports, warehouse_path):
    write_sozialraeume(exports)
    moved = [["01060005", "Bad Segeberg, Stadt", "Bad Segeberg", "Ostkreis"],
             ["01060092", "Wahlstedt, Stadt", "Bad Segeberg", "Ostkreis"],
             ["01060044", "Kaltenkirchen, Stadt", "Kaltenkirchen", "Westkreis"]]
    write_sozialraeume(exports, "sozialraeume_20250101.csv", moved)
    load_folder(exports, warehouse_path)
    rows = query(warehouse_path, "select sozialraum, stand_ab::varchar, stand_bis::varchar from raw.sozialraeume "
                                 "where ags = '01060092' order by stand_ab")
    assert rows == [("Wahlstedt", "2020-01-01", "2025-01-01"), ("Bad Segeberg", "2025-01-01", None)]


def test_older_full_export_after_newer_is_rejected(exports, warehouse_path):
    _two_exports(exports)
    load_folder(exports, warehouse_path)
    write(exports / "hilfen_20241130.csv", HILFEN_HEADER, [hilfe("H-1")])
    o = load_folder(exports, warehouse_path)["hilfen_20241130.csv"]
    assert (o.status, o.grund_code) == (faults.ABGELEHNT, faults.VERALTET)


def test_older_export_after_a_newer_one_that_only_dropped_a_help_is_rejected(exports, warehouse_path):
    """The newer export left no stand_ab of its own (it only dropped H-2): the check reads audit."""
    write_sozialraeume(exports)
    write(exports / "hilfen_20241231.csv", HILFEN_HEADER, [hilfe("H-1"), hilfe("H-2", person_id="P-2")])
    write(exports / "hilfen_20250131.csv", HILFEN_HEADER, [hilfe("H-1")])
    load_folder(exports, warehouse_path)
    write(exports / "hilfen_20250115.csv", HILFEN_HEADER, [hilfe("H-1"), hilfe("H-2", person_id="P-2", hilfeart="30")])
    o = load_folder(exports, warehouse_path)["hilfen_20250115.csv"]
    assert (o.status, o.grund_code) == (faults.ABGELEHNT, faults.VERALTET)
    assert query(warehouse_path, "select hilfe_id from raw.hilfen where stand_bis is null") == [("H-1",)]


def test_same_date_correction_replaces_the_earlier_file(exports, warehouse_path):
    write_sozialraeume(exports)
    write(exports / "hilfen_20241231.csv", HILFEN_HEADER, [hilfe("H-1"), hilfe("H-2", person_id="P-2")])
    write(exports / "hilfen_20250131.csv", HILFEN_HEADER, [hilfe("H-1", hilfeart="30"), hilfe("H-2", person_id="P-2")])
    load_folder(exports, warehouse_path)
    write(exports / "hilfen_20250131_korrektur.csv", HILFEN_HEADER, [hilfe("H-1", hilfeart="32")])
    o = load_folder(exports, warehouse_path)["hilfen_20250131_korrektur.csv"]
    assert o.status == faults.ANGENOMMEN and "ersetzt hilfen_20250131.csv" in o.meldung
    rows = query(warehouse_path, "select hilfe_id, hilfeart, stand_ab::varchar, stand_bis::varchar from raw.hilfen "
                                 "order by hilfe_id, stand_ab")
    assert rows == [("H-1", "31", "2024-12-31", "2025-01-31"), ("H-1", "32", "2025-01-31", None),
                    ("H-2", "31", "2024-12-31", "2025-01-31")]
    assert query(warehouse_path, "select datei, status from audit.lieferungen where art = 'hilfen' order by 1") == [
        ("hilfen_20241231.csv", "angenommen"), ("hilfen_20250131.csv", "ersetzt"),
        ("hilfen_20250131_korrektur.csv", "angenommen")]
    # the replaced file, still in the folder, is not loaded again
    again = load_folder(exports, warehouse_path)["hilfen_20250131.csv"]
    assert again.bereits_geladen and "ersetzt" in again.meldung


def test_withdrawal_of_bookings_and_of_full_exports(exports, warehouse_path):
    from kjh.ingest.withdraw import CannotWithdraw, find_delivery, withdraw
    from kjh.warehouse.connection import writer
    from tests.exports import ZAHLUNGEN_HEADER, buchung

    write_sozialraeume(exports)
    write(exports / "hilfen_20241231.csv", HILFEN_HEADER, [hilfe("H-1"), hilfe("H-2", person_id="P-2")])
    write(exports / "hilfen_20250131.csv", HILFEN_HEADER, [hilfe("H-1", hilfeart="30")])
    write(exports / "zahlungen_20250205.csv", ZAHLUNGEN_HEADER, [buchung("B-1"), buchung("B-2")])
    write(exports / "zahlungen_20250305.csv", ZAHLUNGEN_HEADER, [buchung("B-2"), buchung("B-3")])
    load_folder(exports, warehouse_path)
    with writer(warehouse_path) as con:
        # an older full export cannot be withdrawn while a newer one is loaded
        try:
            withdraw(con, find_delivery(con, "hilfen_20241231.csv")[0])
            raise AssertionError("withdrawn")
        except CannotWithdraw as exc:
            assert "zuerst hilfen_20250131.csv zurückziehen" in str(exc)
        # a delta whose bookings a later delivery skipped as already loaded: that one first
        try:
            withdraw(con, find_delivery(con, "zahlungen_20250205.csv")[0])
            raise AssertionError("withdrawn")
        except CannotWithdraw as exc:
            assert "zahlungen_20250305.csv" in str(exc)
        assert withdraw(con, find_delivery(con, "zahlungen_20250305.csv")[0]) == 1
        assert withdraw(con, find_delivery(con, "hilfen_20250131.csv")[0]) == 1
    assert query(warehouse_path, "select buchung_id from raw.zahlungen order by 1") == [("B-1",), ("B-2",)]
    assert query(warehouse_path, AS_OF.replace("stand_ab <= ?::date and (stand_bis is null or stand_bis > ?::date)",
                                               "stand_bis is null")) == [("H-1", "31", None), ("H-2", "31", None)]
    assert query(warehouse_path, "select datei from audit.lieferungen where status = 'zurueckgezogen' order by 1") == \
        [("hilfen_20250131.csv",), ("zahlungen_20250305.csv",)]
