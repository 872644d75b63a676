"""Encodings, line ends, header rules, extra columns and vendor mappings."""
import shutil

import pytest

from kjh.ingest import faults
from kjh.paths import MAPPINGS_DIR
from tests.conftest import load_folder, query
from tests.exports import HILFEN_HEADER, TRAEGER_HEADER, hilfe, traeger, write, write_sozialraeume

NAME = "Jugendhilfe „Nordlicht“ – Träger für 5 € mehr Miteinander; Süd"


@pytest.mark.parametrize("encoding,bom,newline,expected", [
    ("utf-8", False, "\n", "utf-8"),
    ("utf-8", True, "\r\n", "utf-8-sig"),
    ("cp1252", False, "\r\n", "windows-1252"),
    ("cp1252", False, "\n", "windows-1252"),
])
def test_both_encodings_and_line_ends_give_the_same_values(exports, warehouse_path, encoding, bom, newline, expected):
    write(exports / "traeger_20240101.csv", TRAEGER_HEADER, [traeger("T-1", name=NAME), traeger("T-2")],
          encoding=encoding, bom=bom, newline=newline)
    o = load_folder(exports, warehouse_path)["traeger_20240101.csv"]
    assert (o.status, o.geladen) == (faults.ANGENOMMEN, 2)
    assert query(warehouse_path, "select kodierung from audit.lieferungen") == [(expected,)]
    rows = query(warehouse_path, "select traeger_id, name, entgelt_tagessatz::varchar from raw.traeger order by 1")
    assert rows == [("T-1", NAME, "182.50"), ("T-2", "Diakonie Jugendhilfe Süd", "182.50")]


def test_headers_any_case_order_and_blanks_extra_columns_dropped_by_name(exports, warehouse_path):
    header = [" Name ", "GUELTIG_AB", "traeger_id", "Traegerart", "bemerkung", "sitz_ags", "verband",
              "entgelt_tagessatz", "gueltig_bis", "Aktenzeichen"]
    rows = [["Kinderhaus", "01.01.2020", "T-1", "frei_gemeinnuetzig", "Neuvertrag 2026", "01060005", "AWO",
             "1.234,50", "", "AZ-51-2024-0001"]]
    write(exports / "traeger_20240101_nachlieferung.csv", header, rows)
    o = load_folder(exports, warehouse_path)["traeger_20240101_nachlieferung.csv"]
    assert (o.status, o.geladen) == (faults.ANGENOMMEN, 1)
    assert "2 Spalte(n) außerhalb des Vertrags nicht übernommen" in o.meldung
    [(tid, name, rate, extra)] = query(
        warehouse_path, "select traeger_id, name, entgelt_tagessatz::varchar, zusatzspalten::varchar from raw.traeger")
    assert (tid, name, rate, extra) == ("T-1", "Kinderhaus", "1234.50", None)
    # only the names are recorded, never a value
    assert query(warehouse_path, "select unbekannte_spalten from audit.lieferungen") == [("bemerkung, aktenzeichen",)]


def test_mapping_keeps_a_named_extra_column_with_its_purpose(exports, warehouse_path):
    (exports / "traeger.mapping.yml").write_text(
        "art: traeger\nzusatzspalten_behalten:\n  Vertragsart: Art der Entgeltvereinbarung (Code des Trägers)\n",
        encoding="utf-8")
    write(exports / "traeger_20240101.csv", TRAEGER_HEADER + ["vertragsart", "notiz"],
          [{**traeger("T-1"), "vertragsart": "LEV", "notiz": "Frau Müller anrufen"}])
    o = load_folder(exports, warehouse_path)["traeger_20240101.csv"]
    assert (o.status, o.geladen) == (faults.ANGENOMMEN, 1)
    assert query(warehouse_path, "select zusatzspalten::varchar from raw.traeger") == [('{"vertragsart":"LEV"}',)]
    assert query(warehouse_path, "select unbekannte_spalten from audit.lieferungen") == [("notiz",)]


def test_mapping_must_say_what_a_kept_column_holds(tmp_path):
    from kjh.ingest.mapping import MappingError, load_mapping

    bad = tmp_path / "x.mapping.yml"
    bad.write_text("art: traeger\nzusatzspalten_behalten:\n  vertragsart: ''\n", encoding="utf-8")
    with pytest.raises(MappingError, match="angeben, was die Spalte enthält"):
        load_mapping(bad)


def test_optional_place_column_may_be_absent(exports, warehouse_path):
    write_sozialraeume(exports)
    header = [h for h in HILFEN_HEADER if h != "ort_der_durchfuehrung"]
    write(exports / "hilfen_20240331.csv", header, [hilfe("H-1")])
    o = load_folder(exports, warehouse_path)["hilfen_20240331.csv"]
    assert (o.status, o.geladen) == (faults.ANGENOMMEN, 1)
    assert query(warehouse_path, "select ort_der_durchfuehrung from raw.hilfen") == [(None,)]


def test_vendor_mapping_renames_columns_and_reads_its_formats(exports, warehouse_path):
    """The shipped example mapping: other names, comma, ISO dates, Windows-1252, vendor file name."""
    write_sozialraeume(exports)
    shutil.copy(MAPPINGS_DIR / "beispiel_fachverfahren.hilfen.mapping.yml", exports / "fv.mapping.yml")
    vendor = ("HilfeNr,Aktenzeichen,PersonNr,GebDatum,Geschlecht,Migration,Familiensprache_Deutsch,AGS_Wohnort,"
              "Hilfeart,Ort,Beginn,Ende,Grund_Ende,Anbieter,Hauptgrund,Sachbearbeitung\r\n"
              "H-7,AZ-7,P-7,2008-05-31,m,j,n,01060044,35a,09,2026-06-01,,,T-1,entwicklung_seelische_probleme,Frau Müller\r\n"
              "H-8,AZ-8,P-8,2010-01-01,w,n,j,01060044,33,,2026-02-01,2026-01-15,planmaessig,,unversorgtheit,Herr Öz\r\n")
    (exports / "FV_Hilfen_2026-06-30.csv").write_bytes(vendor.encode("cp1252"))
    o = load_folder(exports, warehouse_path)["FV_Hilfen_2026-06-30.csv"]
    assert (o.art, str(o.exportdatum), o.status, o.geladen, o.quarantaene) == ("hilfen", "2026-06-30", "angenommen", 1, 1)
    [(hid, jahr, monat, alter, ags, art, stand)] = query(
        warehouse_path,
        "select hilfe_id, geburtsjahr, geburtsmonat, alter_bei_beginn, wohnort_ags, hilfeart, stand_ab::varchar from raw.hilfen")
    assert (hid, jahr, monat, alter, ags, art, stand) == ("H-7", 2008, 5, 18, "01060044", "35a", "2026-06-30")
    [(code, grund)] = query(warehouse_path, "select grund_code, grund from audit.quarantaene")
    assert code == faults.ENDE_VOR_BEGINN and "„ende“ (15.01.2026)" in grund
    assert query(warehouse_path, "select kodierung from audit.lieferungen where art = 'hilfen'") == [("windows-1252",)]


def test_broken_mapping_file_is_reported(tmp_path):
    from kjh.ingest.mapping import MappingError, load_mapping

    bad = tmp_path / "x.mapping.yml"
    bad.write_text("art: hilfen\nspalten:\n  Nr: hilfenummer\n", encoding="utf-8")
    with pytest.raises(MappingError, match="Zielspalten \\['hilfenummer'\\] gibt es in 'hilfen' nicht"):
        load_mapping(bad)
