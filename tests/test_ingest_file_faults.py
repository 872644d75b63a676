"""Whole-file faults: the delivery is rejected with one clear message and the
warehouse stays exactly as it was before that file."""
import pytest

from kjh.ingest import faults
from tests.conftest import load_folder, query, table_fingerprints
from tests.exports import HILFEN_HEADER, ZAHLUNGEN_HEADER, buchung, hilfe, write, write_sozialraeume

GOOD_ZAHLUNGEN = "buchung_id;hilfe_id;buchungsdatum;zeitraum_von;zeitraum_bis;betrag;produktkonto;kostenart;traeger_id\n"


def _baseline(exports, wh):
    write_sozialraeume(exports)
    write(exports / "hilfen_20240131.csv", HILFEN_HEADER, [hilfe("H-1")])
    write(exports / "zahlungen_20240205.csv", ZAHLUNGEN_HEADER, [buchung("B-1")])
    load_folder(exports, wh)
    return table_fingerprints(wh)


def _bad_files():
    return {
        "zahlungen_20240301.csv": (b"", faults.LEER, "leer"),
        "zahlungen_20240302.csv": (b"\n\n", faults.LEER, "keine Kopfzeile"),
        "zahlungen_20240303.csv": (b"PK\x03\x04\x00\x00binary", faults.KEIN_TEXT, "Binärdaten"),
        "zahlungen_20240304.csv": ((GOOD_ZAHLUNGEN + "B-9;H-1;05.03.2024;01.02.2024;29.02.2024;1\x81,00;3632.533100;leistung;\n").encode("latin-1"),
                                   faults.KEIN_TEXT, "weder UTF-8 noch Windows-1252"),
        "zahlungen_20240305.csv": ((GOOD_ZAHLUNGEN + 'B-9;H-1;05.03.2024;01.02.2024;29.02.2024;1,00;3632.533100;"leistung\n').encode(),
                                   faults.ABGESCHNITTEN, "innerhalb eines Feldes in Anführungszeichen"),
        "zahlungen_20240306.csv": ((GOOD_ZAHLUNGEN + "B-9;H-1;05.03.2024;01.02.2024;29.02.2024;1,00;3632.533100;leistung;\nB-10;H-1;05.03.20").encode(),
                                   faults.ABGESCHNITTEN, "letzte Datensatz (Zeile 3) endet ohne Zeilenende mit 3 von 9 Feldern"),
        "zahlungen_20240307.csv": (GOOD_ZAHLUNGEN.replace(";betrag", "").encode() + b"B-9;H-1;05.03.2024;01.02.2024;29.02.2024;3632.533100;leistung;\n",
                                   faults.PFLICHTSPALTE_FEHLT, "Pflichtspalte(n) fehlen in der Kopfzeile: betrag"),
        "zahlungen_20240308.csv": (GOOD_ZAHLUNGEN.replace("\n", ";betrag\n").encode(), faults.KOPFZEILE_UNGUELTIG,
                                   "mehrfach in der Kopfzeile: betrag"),
        "hilfen_20240309.csv": (";".join(HILFEN_HEADER).encode() + b"\n", faults.KEINE_DATENSAETZE, "Vollexport ohne Datensätze"),
        "hilfen_20231231.csv": (None, faults.VERALTET, "älter als der geladene Stand vom 31.01.2024"),
        "zahlungen_2024.csv": (GOOD_ZAHLUNGEN.encode(), faults.NAME_UNBEKANNT, "passt zu keiner Lieferart"),
        "export_hilfen_20240301.csv": (b"x", faults.NAME_UNBEKANNT, "<art>_<JJJJMMTT>"),
    }


@pytest.mark.parametrize("name", list(_bad_files()))
def test_bad_file_is_rejected_and_nothing_changes(exports, warehouse_path, tmp_path, name):
    before = _baseline(exports, warehouse_path)
    content, code, message = _bad_files()[name]
    if content is None:  # a valid but older full export
        write(exports / name, HILFEN_HEADER, [hilfe("H-1", hilfeart="30")])
    else:
        (exports / name).write_bytes(content)

    outcome = load_folder(exports, warehouse_path)[name]

    assert outcome.status == faults.ABGELEHNT
    assert outcome.grund_code == code
    assert message in outcome.meldung
    assert (outcome.geladen, outcome.quarantaene, outcome.uebersprungen) == (0, 0, 0)
    after = table_fingerprints(warehouse_path)
    # only the audit row of the rejection is new
    changed = {t for t in after if after[t] != before.get(t)}
    assert changed == {"audit.lieferungen"}
    [(status, grund_code, meldung)] = query(
        warehouse_path, "select status, grund_code, meldung from audit.lieferungen where datei = ?", [name])
    assert (status, grund_code, meldung) == (faults.ABGELEHNT, code, outcome.meldung)


def test_header_only_delta_is_accepted_with_zero_rows(exports, warehouse_path):
    (exports / "zahlungen_20240301.csv").write_text(GOOD_ZAHLUNGEN, encoding="utf-8")
    o = load_folder(exports, warehouse_path)["zahlungen_20240301.csv"]
    assert (o.status, o.zeilen, o.geladen) == (faults.ANGENOMMEN, 0, 0)


def test_complete_last_record_without_line_end_is_fine(exports, warehouse_path):
    (exports / "zahlungen_20240301.csv").write_bytes(
        (GOOD_ZAHLUNGEN + "B-9;H-1;05.03.2024;01.02.2024;29.02.2024;1,00;3632.533100;leistung;").encode())
    o = load_folder(exports, warehouse_path)["zahlungen_20240301.csv"]
    assert (o.status, o.zeilen, o.geladen) == (faults.ANGENOMMEN, 1, 1)


def test_rejected_file_delivered_again_changes_nothing_but_renamed_is_loaded(exports, warehouse_path):
    body = (GOOD_ZAHLUNGEN + "B-9;H-1;05.03.2024;01.02.2024;29.02.2024;1,00;3632.533100;leistung;\n").encode()
    (exports / "zahlung_20240301.csv").write_bytes(body)
    first = load_folder(exports, warehouse_path)["zahlung_20240301.csv"]
    assert first.grund_code == faults.NAME_UNBEKANNT
    before = table_fingerprints(warehouse_path)
    again = load_folder(exports, warehouse_path)["zahlung_20240301.csv"]
    assert again.bereits_geladen and table_fingerprints(warehouse_path) == before
    (exports / "zahlung_20240301.csv").rename(exports / "zahlungen_20240301.csv")
    renamed = load_folder(exports, warehouse_path)["zahlungen_20240301.csv"]
    assert (renamed.status, renamed.geladen) == (faults.ANGENOMMEN, 1)
