"""Every row fault of the contract: fed in through the real ingestion, quarantined
with its code and an actionable reason, the other rows loaded, every row accounted for."""
import pytest

from kjh.ingest import faults
from tests.conftest import load_folder, query
from tests.exports import HILFEN_HEADER, TRAEGER_HEADER, ZAHLUNGEN_HEADER, buchung, hilfe, traeger, write, write_sozialraeume


def _quarantine(wh):
    return query(wh, "select datei, zeile, art, grund_code, grund, rohzeile from audit.quarantaene order by datei, zeile")


def _assert_accounted(outcome):
    assert outcome.status == faults.ANGENOMMEN
    assert outcome.geladen + outcome.quarantaene + outcome.uebersprungen == outcome.zeilen


HILFEN_CASES = [
    # (override of the bad row, expected code, part of the reason)
    (dict(beginn=""), faults.PFLICHTFELD_FEHLT, "Pflichtfeld „beginn“ ist leer"),
    (dict(beginn="31.02.2024"), faults.DATUM_UNGUELTIG, "Datum in „beginn“ nicht lesbar: „31.02.2024“"),
    (dict(geburtsdatum="2007-03-14"), faults.DATUM_UNGUELTIG, "Datenschutzgründen nicht angezeigt"),
    (dict(hilfeart="99"), faults.CODE_UNBEKANNT, "Unbekannter Code in „hilfeart“: „99“"),
    (dict(geschlecht="x"), faults.CODE_UNBEKANNT, "„geschlecht“"),
    (dict(hauptgrund="armut"), faults.CODE_UNBEKANNT, "„hauptgrund“"),
    (dict(ort_der_durchfuehrung="13"), faults.CODE_UNBEKANNT, "„ort_der_durchfuehrung“"),
    (dict(hilfeart="41"), faults.HILFEART_41, "§ 41"),
    (dict(ende="31.01.2024", beendigungsgrund="planmaessig"), faults.ENDE_VOR_BEGINN,
     "„ende“ (31.01.2024) liegt vor „beginn“ (01.02.2024)"),
    (dict(ende="30.06.2024"), faults.PFLICHTFELD_FEHLT, "„beendigungsgrund“ ist leer, obwohl „ende“ gesetzt ist"),
    (dict(ende="30.06.2024", beendigungsgrund="weil"), faults.CODE_UNBEKANNT, "„beendigungsgrund“"),
    (dict(wohnort_ags="01060063"), faults.AGS_UNBEKANNT, "„wohnort_ags“ 01060063 steht in keiner Zuordnung"),
    (dict(wohnort_ags="1060005"), faults.FORMAT_UNGUELTIG, "8 Ziffern"),
    (dict(hilfe_id="H-1"), faults.DUPLIKAT, "„hilfe_id“ „H-1“ kommt in dieser Datei schon in Zeile 2 vor"),
]


@pytest.mark.parametrize("bad,code,reason", HILFEN_CASES, ids=[c[1] + ":" + next(iter(c[0])) for c in HILFEN_CASES])
def test_hilfen_row_fault_is_quarantined_and_others_load(exports, warehouse_path, bad, code, reason):
    write_sozialraeume(exports)
    bad = {"hilfe_id": "H-3", **bad}
    rows = [hilfe("H-1"), hilfe("H-2", person_id="P-000002"), hilfe(person_id="P-000003", **bad)]
    write(exports / "hilfen_20240331.csv", HILFEN_HEADER, rows)

    outcome = load_folder(exports, warehouse_path)["hilfen_20240331.csv"]

    _assert_accounted(outcome)
    assert (outcome.zeilen, outcome.geladen, outcome.quarantaene) == (3, 2, 1)
    [(datei, zeile, art, got_code, grund, rohzeile)] = _quarantine(warehouse_path)
    assert (datei, zeile, art, got_code) == ("hilfen_20240331.csv", 4, "hilfen", code)
    assert reason in grund
    # the raw record is kept, personal values masked
    assert rohzeile.startswith(rows[2]["hilfe_id"] + ";***;***;***;")
    assert "P-000003" not in rohzeile and "14.03.2007" not in rohzeile
    loaded = [r[0] for r in query(warehouse_path, "select hilfe_id from raw.hilfen order by 1")]
    assert loaded == ["H-1", "H-2"]


ZAHLUNGEN_CASES = [
    (dict(betrag="12,345"), faults.BETRAG_UNGUELTIG, "„12,345“"),
    (dict(betrag="1,234.56"), faults.BETRAG_UNGUELTIG, "1.234,56"),
    (dict(betrag="12 Euro"), faults.BETRAG_UNGUELTIG, "nicht lesbar"),
    (dict(betrag=""), faults.PFLICHTFELD_FEHLT, "„betrag“"),
    (dict(buchungsdatum="5.3.24"), faults.DATUM_UNGUELTIG, "„buchungsdatum“"),
    (dict(produktkonto="3632533100"), faults.FORMAT_UNGUELTIG, "NNNN.NNNNNN"),
    (dict(kostenart="zuschuss"), faults.CODE_UNBEKANNT, "„kostenart“"),
    (dict(zeitraum_bis="31.01.2024"), faults.ENDE_VOR_BEGINN, "„zeitraum_bis“ (31.01.2024) liegt vor „zeitraum_von“"),
]


@pytest.mark.parametrize("bad,code,reason", ZAHLUNGEN_CASES, ids=[c[1] + ":" + next(iter(c[0])) for c in ZAHLUNGEN_CASES])
def test_zahlungen_row_fault(exports, warehouse_path, bad, code, reason):
    write(exports / "zahlungen_20240331.csv", ZAHLUNGEN_HEADER,
          [buchung("B-1"), buchung("B-2", **bad), buchung("B-3", hilfe_id="", betrag="-12,50")])
    outcome = load_folder(exports, warehouse_path)["zahlungen_20240331.csv"]
    _assert_accounted(outcome)
    assert (outcome.geladen, outcome.quarantaene) == (2, 1)
    [(_, zeile, _, got, grund, rohzeile)] = _quarantine(warehouse_path)
    assert (zeile, got) == (3, code)
    assert reason in grund
    assert rohzeile.startswith("B-2;H-1;")
    amounts = query(warehouse_path, "select buchung_id, betrag::varchar, hilfe_id from raw.zahlungen order by 1")
    assert amounts == [("B-1", "1384.39", "H-1"), ("B-3", "-12.50", None)]


def test_traeger_and_reference_row_faults(exports, warehouse_path):
    write(exports / "traeger_20240101.csv", TRAEGER_HEADER,
          [traeger("T-1"), traeger("T-2", entgelt_tagessatz="abc"), traeger("T-3", traegerart="kirchlich"),
           traeger("T-4", gueltig_bis="31.12.2019")])
    write(exports / "bevoelkerung_20240101.csv", ["ags", "jahr", "altersgruppe", "anzahl"],
          [["01060005", "2023", "0-5", "812"], ["01060005", "2023", "0-6", "5"], ["01060005", "zwanzig", "6-8", "1"]])
    out = load_folder(exports, warehouse_path)
    assert [(o.geladen, o.quarantaene) for o in out.values()] == [(1, 2), (1, 3)]
    codes = query(warehouse_path, "select art, zeile, grund_code from audit.quarantaene order by art, zeile")
    assert codes == [("bevoelkerung", 3, faults.CODE_UNBEKANNT), ("bevoelkerung", 4, faults.ZAHL_UNGUELTIG),
                     ("traeger", 3, faults.BETRAG_UNGUELTIG), ("traeger", 4, faults.CODE_UNBEKANNT),
                     ("traeger", 5, faults.ENDE_VOR_BEGINN)]


def test_wrong_field_count_with_physical_line_numbers(exports, warehouse_path):
    """A line break inside quotes does not start a record; line numbers are physical."""
    path = exports / "traeger_20240101.csv"
    text = ("traeger_id;name;traegerart;verband;sitz_ags;entgelt_tagessatz;gueltig_ab;gueltig_bis\n"
            'T-1;"Haus am See\nWohngruppe";frei_gemeinnuetzig;AWO;01060005;150,00;01.01.2020;\n'
            "\n"
            "T-2;Kinderhaus; Nord;frei_gemeinnuetzig;AWO;01060005;150,00;01.01.2020;\n"
            "T-3;Jugendhof;privat_gewerblich;;01060044;;01.01.2021\n"
            "T-4;Kinderhaus;privat_gewerblich;;01060044;;01.01.2021;\n")
    path.write_text(text, encoding="utf-8")
    o = load_folder(exports, warehouse_path)["traeger_20240101.csv"]
    assert (o.zeilen, o.geladen, o.quarantaene) == (4, 2, 2)
    rows = query(warehouse_path, "select zeile, grund_code, grund, rohzeile from audit.quarantaene order by zeile")
    assert [(r[0], r[1]) for r in rows] == [(5, faults.FELDANZAHL), (6, faults.FELDANZAHL)]
    assert "9 Felder, die Kopfzeile 8" in rows[0][2]
    assert rows[0][3] == "T-2;Kinderhaus; Nord;frei_gemeinnuetzig;AWO;01060005;150,00;01.01.2020;"
    names = query(warehouse_path, "select traeger_id, name, zeile from raw.traeger order by 1")
    assert names == [("T-1", "Haus am See\nWohngruppe", 2), ("T-4", "Kinderhaus", 7)]


def test_bookings_redelivered_are_skipped_or_conflict(exports, warehouse_path):
    write(exports / "zahlungen_20240305.csv", ZAHLUNGEN_HEADER, [buchung("B-1"), buchung("B-2", betrag="10,00")])
    # later delta: B-1 again with the same amount written differently and an extra column,
    # B-2 again with another amount (a conflict), B-3 new
    write(exports / "zahlungen_20240405.csv", ZAHLUNGEN_HEADER + ["kommentar"],
          [{**buchung("B-1", betrag="1384,39"), "kommentar": "x"}, buchung("B-2", betrag="10,01"), buchung("B-3")])
    out = load_folder(exports, warehouse_path)
    second = out["zahlungen_20240405.csv"]
    _assert_accounted(second)
    assert (second.zeilen, second.geladen, second.quarantaene, second.uebersprungen) == (3, 1, 1, 1)
    [(datei, zeile, _, code, grund, _)] = _quarantine(warehouse_path)
    assert (datei, zeile, code) == ("zahlungen_20240405.csv", 3, faults.KONFLIKT)
    assert "zahlungen_20240305.csv, Zeile 3" in grund
    # the first delivery stays
    assert query(warehouse_path, "select betrag::varchar from raw.zahlungen where buchung_id = 'B-2'") == [("10.00",)]
    assert query(warehouse_path, "select count(*) from raw.zahlungen") == [(3,)]
