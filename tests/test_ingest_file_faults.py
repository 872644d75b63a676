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
        "zahlungen_20240304.csv": ((GOOD_ZAHLUNGEN + "B-9;H-1;05.03.2024;01.02.2024;29.02.2024;1\x81,00;3632.533100;leistung;\n")
                                   .encode("latin-1"),
                                   faults.KEIN_TEXT, "weder UTF-8 noch Windows-1252"),
        "zahlungen_20240305.csv": ((GOOD_ZAHLUNGEN + 'B-9;H-1;05.03.2024;01.02.2024;29.02.2024;1,00;3632.533100;"leistung\n').encode(),
                                   faults.ABGESCHNITTEN, "innerhalb eines Feldes in Anführungszeichen"),
        "zahlungen_20240306.csv": ((GOOD_ZAHLUNGEN + "B-9;H-1;05.03.2024;01.02.2024;29.02.2024;1,00;3632.533100;leistung;\n"
                                    "B-10;H-1;05.03.20").encode(),
                                   faults.ABGESCHNITTEN, "letzte Datensatz (Zeile 3) endet ohne Zeilenende mit 3 von 9 Feldern"),
        "zahlungen_20240307.csv": (GOOD_ZAHLUNGEN.replace(";betrag", "").encode()
                                   + b"B-9;H-1;05.03.2024;01.02.2024;29.02.2024;3632.533100;leistung;\n",
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


def test_duckdb_error_text_never_reaches_a_message(exports, warehouse_path, monkeypatch):
    """DuckDB quotes the record in its errors ("Original Line: …"): the text is rewritten."""
    import numpy as np

    from kjh.ingest import load

    write_sozialraeume(exports)
    write(exports / "hilfen_20240131.csv", HILFEN_HEADER,
          [hilfe("H-1", person_id="P-SECRET-1", traeger_id="T" * 3_000_000)])
    real_scan = load.scan

    def lying_scan(*args, **kwargs):  # claims short records: DuckDB hits its 2 MB line limit
        s = real_scan(*args, **kwargs)
        s.record_bytes = np.zeros_like(s.record_bytes)
        return s

    monkeypatch.setattr(load, "scan", lying_scan)
    o = load_folder(exports, warehouse_path)["hilfen_20240131.csv"]
    assert (o.status, o.grund_code) == (faults.ABGELEHNT, faults.NICHT_LESBAR)
    assert "Einzelheiten nicht angezeigt" in o.meldung and "P-SECRET-1" not in o.meldung


def test_unexpected_error_while_loading_is_rewritten(exports, warehouse_path, monkeypatch):
    import duckdb

    from kjh.ingest import load

    write(exports / "zahlungen_20240205.csv", ZAHLUNGEN_HEADER, [buchung("B-1")])

    def failing(*args, **kwargs):
        raise duckdb.ConversionException("Could not convert 'P-SECRET-2' (Original Line: B-1;P-SECRET-2)")

    monkeypatch.setattr(load, "_load_records", failing)
    with pytest.raises(load.LoadError) as err:
        load_folder(exports, warehouse_path)
    assert "ConversionException" in str(err.value) and "P-SECRET-2" not in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_header_missing_message_names_no_value(exports, warehouse_path):
    rows = [hilfe("H-1", person_id="P-SECRET-3", fall_id="AZ-SECRET-3", geburtsdatum="01.02.2003"),
            hilfe("H-2", person_id="P-SECRET-4")]
    write(exports / "hilfen_20240131.csv", list(rows[0].values()), [rows[1]])
    o = load_folder(exports, warehouse_path)["hilfen_20240131.csv"]
    assert o.grund_code == faults.PFLICHTSPALTE_FEHLT
    assert "Gefunden: keine Spalte des Vertrags und 15 weitere Spalte(n), nicht angezeigt" in o.meldung
    for value in ("P-SECRET-3", "AZ-SECRET-3", "01.02.2003", "H-1"):
        assert value not in o.meldung


def test_symlink_out_of_the_folder_is_not_followed(exports, warehouse_path, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (exports / "traeger_20240101.csv").symlink_to(secret)
    inside = exports / "zahlungen_20240205.csv"
    write(inside, ZAHLUNGEN_HEADER, [buchung("B-1")])
    out = load_folder(exports, warehouse_path)
    assert (out["traeger_20240101.csv"].status, out["traeger_20240101.csv"].grund_code) == \
        (faults.ABGELEHNT, faults.VERWEIS)
    assert "root" not in out["traeger_20240101.csv"].meldung


def test_short_key_file_is_refused(tmp_path, monkeypatch):
    from kjh.ingest.pseudonym import MissingKeyError, load_key

    monkeypatch.delenv("KJH_PSEUDONYM_KEY")
    key = tmp_path / "key"
    key.write_bytes(b"0123456789abcdef0123\n")
    with pytest.raises(MissingKeyError, match="enthält 20 Byte, mindestens 32"):
        load_key(str(key))
