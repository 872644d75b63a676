"""Record layouts as data: the shipped files, fixed-width rules, checks before writing, DatML.

No warehouse here: records are hand-made dicts, every expected line is
written out by hand from the layout's positions.
"""
import datetime as dt
import shutil
import xml.etree.ElementTree as ET

import pytest
import yaml

from kjh.statistik import layout as L
from kjh.statistik.datml import datml_bytes
from kjh.statistik.eingaben import hilfeart_codes, kennnummer, lade_meldestelle

MELDESTELLE = {"land": "01", "regierungsbezirk": "0", "kreis": "60", "gemeinde": "000", "einrichtungs_nr": "123456",
               "name": "Kreis Segeberg – Jugendamt", "empfaenger": "Statistikamt Nord"}
KONTEXT = {"meldestelle": MELDESTELLE, "berichtsjahr": 2025}

# One HZE record: SPFH (07), running on 31.12., at the family's home, provider Diakonie.
HZE_SATZ = dict(lfd_nr=1, beginn_monat=3, beginn_jahr=2025, art_der_hilfe="07", ort_der_durchfuehrung="01",
                paragraph_41="nein", traegerart="frei_gemeinnuetzig", verband="diakonie",
                hauptgrund="belastung_familiaere_konflikte", ende_monat=None, ende_jahr=None, beendigungsgrund=None,
                fortdauer="ja", geschlecht="w", geburtsmonat=3, geburtsjahr=2012, auslaendische_herkunft="n",
                deutsch_in_familie="j")


def test_shipped_layouts_load_and_hze_keeps_the_public_positions():
    layouts = {x.erhebung: x for x in L.all_layouts()}
    assert set(layouts) == {"HZE", "VSM", "TEIL4"}
    hze = layouts["HZE"]
    # BA and EF1-EF5 exactly as in the public 2007 Datensatzbeschreibung (domain notes, section 3)
    expected = {"BA": (1, 1, "ALN"), "EF1U1": (2, 2, "ALN"), "EF1U2": (4, 1, "ALN"), "EF1U3": (5, 2, "ALN"),
                "EF1U4": (7, 3, "ALN"), "EF1U5": (10, 6, "ALN"), "EF1U6": (16, 5, "NUM"), "EF2U1": (21, 2, "NUM"),
                "EF2U2": (23, 4, "NUM"), "EF3": (27, 1, "ALN"), "EF4": (28, 2, "ALN"), "EF5": (30, 2, "ALN")}
    got = {f.name: (f.pos, f.laenge, f.typ) for f in hze.felder if f.name in expected}
    assert got == expected
    assert hze.satzlaenge == 52 and layouts["VSM"].satzlaenge == 41 and layouts["TEIL4"].satzlaenge == 71
    # EF4 allows exactly the official two-digit codes, and every statistik_code of the contract is one of them
    ef4 = next(f for f in hze.felder if f.name == "EF4")
    assert sorted(ef4.codeliste) == [f"{i:02d}" for i in range(1, 17)]
    assert {c for c in hilfeart_codes().values() if c} <= set(ef4.codeliste)
    # the Merkmale the contract does not carry are listed, e.g. the Übernahme flag (EF3 without a source)
    assert [f.name for f in hze.felder_ohne_quelle] == ["EF3"]
    assert any("Übernahme" in m["merkmal"] for m in hze.nicht_im_vertrag)


def test_meldestelle_gives_the_ags_based_kennnummer():
    m = lade_meldestelle()
    assert kennnummer(m) == "01060000"  # Land 01, RegBez 0, Kreis 60, Gemeinde 000: Kreisjugendamt Segeberg
    assert len(m["einrichtungs_nr"]) == 6


def test_fixed_width_line_by_hand():
    hze = L.layout_for("HZE", 2025)
    out = L.pruefe_und_formatiere(hze, [HZE_SATZ], KONTEXT)
    assert out.fehlerfrei
    line = out.zeilen[0]
    #        BA Land RB Kr Gem Einr   lfd   BgM BgJ  Ü Art Ort 41 Tr Vb Gr EndM EndJ Gb Fd G GbM GbJ  aH Dt
    assert line == ("A" "01" "0" "60" "000" "123456" "00001" "03" "2025" " " "07" "01" "2" "2" "2" "6" "  " "    "
                    " " "1" "2" "03" "2012" "2" "1")
    assert len(line) == hze.satzlaenge == 52
    data = L.fixed_width_bytes(hze, out.zeilen)
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 1  # the layout's line end: CRLF


def test_numbers_right_aligned_with_zeros_text_left_with_blanks_amounts_signed():
    f_num = L.Feld("N", 1, 5, "NUM", True, "n")
    f_aln = L.Feld("A", 6, 4, "ALN", True, "a")
    f_bet = L.Feld("B", 10, 8, "BETRAG", True, "b")
    assert L.formatiere(f_num, "42", "iso-8859-1") == ("00042", None)
    assert L.formatiere(f_aln, "ab", "iso-8859-1") == ("ab  ", None)
    assert L.formatiere(f_bet, "-1234", "iso-8859-1") == ("-0001234", None)
    assert L.formatiere(f_bet, "99", "iso-8859-1") == ("+0000099", None)
    # the reason never names the value: one kind of fault is one line however many values have it
    assert L.formatiere(f_num, "123456", "iso-8859-1")[1] == "länger als 5 Stellen"
    assert L.formatiere(f_num, "1a", "iso-8859-1")[1] == "nicht numerisch"
    assert L.formatiere(f_aln, "abcde", "iso-8859-1")[1] == "länger als 4 Zeichen"
    assert L.formatiere(f_aln, "a\tb", "iso-8859-1")[1] == "enthält Steuerzeichen"
    assert L.formatiere(f_aln, "€", "iso-8859-1")[1] == "in iso-8859-1 nicht darstellbar"
    assert L.formatiere(f_bet, "123456789", "iso-8859-1")[1] == "Betrag mit mehr als 7 Stellen"


def test_every_record_is_checked_against_the_layout_before_writing():
    hze = L.layout_for("HZE", 2025)
    bad = [
        {**HZE_SATZ, "lfd_nr": 1, "hauptgrund": "sonstig"},          # no key in the statistics' list
        {**HZE_SATZ, "lfd_nr": 2, "geschlecht": None},               # required field empty
        {**HZE_SATZ, "lfd_nr": 3, "art_der_hilfe": "99"},            # not in the code list
        {**HZE_SATZ, "lfd_nr": 4, "verband": "neuer verband e.v."},  # association without a key
        {**HZE_SATZ, "lfd_nr": 5, "lfd_nr_dummy": 0, "beginn_jahr": 20250},  # too long for NUM(4)
        {**HZE_SATZ, "lfd_nr": 6},                                    # fine
    ]
    out = L.pruefe_und_formatiere(hze, bad, KONTEXT)
    faults = {(f.feld, f.grund): (f.beispiele, f.werte) for f in out.fehler}
    assert faults == {
        ("EF9", "Wert hat keinen Schlüssel in der Satzbeschreibung"): ([1], ["sonstig"]),
        ("EF13", "Pflichtfeld leer"): ([2], []),
        ("EF4", "steht nicht in der Codeliste des Feldes"): ([3], ["99"]),
        ("EF8", "Wert hat keinen Schlüssel in der Satzbeschreibung"): ([4], ["neuer verband e.v."]),
        ("EF2U2", "länger als 4 Stellen"): ([5], ["20250"]),
    }
    assert out.fehlerhafte_saetze == 5


def test_one_kind_of_fault_is_one_line_however_many_values():
    """More records than the 5-digit running number holds: one fault with the count and a few values,
    not one per record (a Land-sized delivery once listed 8,000 separate faults)."""
    hze = L.layout_for("HZE", 2025)
    saetze = [{**HZE_SATZ, "lfd_nr": n} for n in range(99_998, 100_010)]
    out = L.pruefe_und_formatiere(hze, saetze, KONTEXT)
    assert [(f.feld, f.grund, f.anzahl) for f in out.fehler] == [("EF1U6", "länger als 5 Stellen", 10)]
    f = out.fehler[0]
    assert f.beispiele == [100_000, 100_001, 100_002, 100_003, 100_004]
    assert f.werte == ["100000", "100001", "100002", "100003", "100004"]
    assert L.fehler_text(f.grund, f.werte, 2) == "länger als 5 Stellen, z. B. „100000“, „100001“"


def test_vsm_age_groups_come_from_the_layout_classes():
    vsm = L.layout_for("VSM", 2025)
    feld = next(f for f in vsm.felder if f.name == "EF6")
    groups = {age: L.wert(feld, {"alter_bei_beginn": age}, KONTEXT)[0] for age in range(0, 18)}
    assert groups == {0: "1", 1: "1", 2: "1", 3: "2", 4: "2", 5: "2", 6: "3", 7: "3", 8: "3", 9: "4", 10: "4",
                      11: "4", 12: "5", 13: "5", 14: "6", 15: "6", 16: "7", 17: "7"}
    assert L.wert(feld, {"alter_bei_beginn": 18}, KONTEXT)[1] == "Wert liegt in keiner Klasse der Satzbeschreibung"


def test_an_office_replaces_a_layout_without_touching_code(tmp_path, monkeypatch):
    """A new version as a new file, valid from a later year: old years keep the old layout."""
    folder = tmp_path / "layouts"
    shutil.copytree(L.LAYOUT_DIR, folder)
    spec = yaml.safe_load((folder / "hze_v1.yml").read_text(encoding="utf-8"))
    spec["version"] = "2"
    spec["gueltig_ab_berichtsjahr"] = 2026
    spec["datei"]["zeilenende"] = "lf"
    spec["felder"].append({"name": "EF17", "pos": 53, "laenge": 3, "typ": "NUM", "pflicht": False,
                           "bezeichnung": "neues Feld", "quelle": "gibt_es_nicht"})
    (folder / "hze_v2.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(L, "LAYOUT_DIR", folder)

    assert L.layout_for("HZE", 2025).version == "1"
    neu = L.layout_for("HZE", 2026)
    assert (neu.version, neu.satzlaenge, neu.zeilenende) == ("2", 55, "\n")
    out = L.pruefe_und_formatiere(neu, [HZE_SATZ], KONTEXT)
    assert out.fehlerfrei and out.zeilen[0].endswith("   ") and len(out.zeilen[0]) == 55


def test_broken_layouts_are_refused_with_one_line(tmp_path):
    spec = yaml.safe_load((L.LAYOUT_DIR / "vsm_v1.yml").read_text(encoding="utf-8"))
    spec["felder"][3]["pos"] = 6  # overlaps the previous field
    (tmp_path / "kaputt.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(L.LayoutError, match="EF1U3: beginnt an Position 6, erwartet 5"):
        L.load_layout(tmp_path / "kaputt.yml")
    spec = yaml.safe_load((L.LAYOUT_DIR / "vsm_v1.yml").read_text(encoding="utf-8"))
    spec["felder"][0]["typ"] = "DATUM"
    (tmp_path / "typ.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(L.LayoutError, match="Typ 'DATUM' unbekannt"):
        L.load_layout(tmp_path / "typ.yml")


def test_recorded_layout_must_have_the_recorded_sha256(tmp_path, monkeypatch):
    folder = tmp_path / "layouts"
    shutil.copytree(L.LAYOUT_DIR, folder)
    monkeypatch.setattr(L, "LAYOUT_DIR", folder)
    recorded = L.layout_for("TEIL4", 2025).as_record()
    assert L.layout_recorded(recorded).sha256 == recorded["sha256"]
    path = folder / recorded["datei"]
    path.write_text(path.read_text(encoding="utf-8").replace('version: "1"', 'version: "1b"'), encoding="utf-8")
    with pytest.raises(L.LayoutError, match="wurde seit der Lieferung geändert"):
        L.layout_recorded(recorded)
    path.unlink()
    with pytest.raises(L.LayoutError, match="gibt es in .* nicht mehr"):
        L.layout_recorded(recorded)


def test_datml_document_carries_every_non_empty_field_per_record():
    hze = L.layout_for("HZE", 2025)
    out = L.pruefe_und_formatiere(hze, [HZE_SATZ, {**HZE_SATZ, "lfd_nr": 2}], KONTEXT)
    data = datml_bytes(hze, out.werte, meldestelle=MELDESTELLE, kennnummer="01060000", berichtsjahr=2025,
                       lieferung_id=7, created_at=dt.datetime(2026, 1, 20, 9, 30, 5))
    again = datml_bytes(hze, out.werte, meldestelle=MELDESTELLE, kennnummer="01060000", berichtsjahr=2025,
                        lieferung_id=7, created_at=dt.datetime(2026, 1, 20, 9, 30, 5))
    assert data == again  # deterministic
    root = ET.fromstring(data)
    assert root.tag == "DatML-RAW-D" and root.get("version") == "2.0"
    assert root.findtext("nachrichtenkopf/erstellungszeit") == "2026-01-20T09:30:05"
    assert root.findtext("nachricht/berichtszeitraum/jahr") == "2025"
    assert root.findtext("nachricht/berichtspflichtiger/kennung") == "01060000"
    saetze = root.findall("nachricht/datensaetze/satz")
    assert len(saetze) == 2
    mm = {m.get("name"): m.text for m in saetze[1].findall("mm")}
    assert mm["EF4"] == "07" and mm["EF1U6"] == "00002" and mm["EF2U2"] == "2025" and mm["EF13"] == "2"
    assert "EF3" not in mm and "EF10U1" not in mm  # empty fields are left out, never invented


def test_dbt_macros_render_also_when_dispatched_per_engine(tmp_path):
    """The survey SQL calls the dbt project's macros; an engine-dispatched macro (jaffle-shop style) works too."""
    import duckdb

    from kjh.statistik.dbt_sql import DbtSql

    (tmp_path / "macros").mkdir()
    (tmp_path / "models").mkdir()
    (tmp_path / "dbt_project.yml").write_text("name: x\nvars:\n  schwelle: 18\n", encoding="utf-8")
    (tmp_path / "macros" / "regeln.sql").write_text(
        "{% macro volljaehrig(a) %}{{ adapter.dispatch('volljaehrig')(a) }}{% endmacro %}\n"
        "{% macro default__volljaehrig(a) %}({{ a }} >= {{ var('schwelle') }}){% endmacro %}\n", encoding="utf-8")
    (tmp_path / "models" / "m.sql").write_text("select {{ volljaehrig('alter') }} as v from {{ source('raw', 't') }}",
                                               encoding="utf-8")
    con = duckdb.connect()
    con.execute("create table t as select 17 as alter union all select 18")
    d = DbtSql(con, {("raw", "t"): "t"}, project_dir=tmp_path)
    assert d.macro("volljaehrig", "x") == "(x >= 18)"
    assert sorted(con.execute(f"select v from {d.model('m')}").fetchall()) == [(False,), (True,)]
