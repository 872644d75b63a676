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

# One HZE record as hze_saetze.sql makes it: SPFH (07), running on 31.12., at the family's home,
# provider Diakonie, no v2 Merkmale (an export without the optional columns).
HZE_SATZ = dict(lfd_nr=1, beginn_monat=3, beginn_jahr=2025, art_der_hilfe="07", ort_der_durchfuehrung="01",
                traeger="diakonie", hauptgrund="belastung_familiaere_konflikte", ende_monat=None, ende_jahr=None,
                beendigungsgrund=None, fortdauer="j", geschlecht="w", geburtsmonat=3, geburtsjahr=2012,
                auslaendische_herkunft="n", deutsch_in_familie="j")

# A help known in every Merkmal: Heimerziehung (§ 34) begun 03/2024 after a change of office, ended
# 11/2025 by the minor, at a Caritas home (Mehrgruppen-Einrichtung), girl born 07/2009, parent of
# foreign origin, language at home unknown, single parent on transfer benefits, suggested by the school,
# custody withdrawn in part, closed placement approved, reasons 15 / 16 / 18, afterwards with relatives,
# followed by another HzE.
BEENDET = dict(lfd_nr=17, beginn_monat=3, beginn_jahr=2024, uebernahme_anderes_jugendamt="j", art_der_hilfe="11",
               ort_der_durchfuehrung="08", traeger="deutscher caritasverband", geschlecht="w", geburtsmonat=7,
               geburtsjahr=2009, aufenthalt_vor_hilfe="eltern", situation_herkunftsfamilie="alleinerziehend",
               auslaendische_herkunft="j", deutsch_in_familie="u", transferleistungen="j",
               anregende_institution="schule_kita", sorgerechtsentzug_1666="n", geschlossene_unterbringung_1631b="j",
               fortdauer="n", hauptgrund="belastung_familiaere_konflikte", grund_2="auffaelligkeit_sozialverhalten",
               grund_3="schulische_berufliche_probleme", ende_monat=11, ende_jahr=2025,
               beendigungsgrund="abbruch_minderjaehriger", anschliessender_aufenthalt="verwandte",
               nachfolgende_hilfe="hze", gefaehrdungseinschaetzung_8a="j", im_anschluss_an_42="n",
               schulbesuch_ausbildung="schule", jugendamt=None)

# The same help read from the reference table (statistik-referenz.md 1), position by position:
# (from, to, characters) written out by hand, not computed by the code under test.
BEENDET_ERWARTET = [
    (1, 1, "A"),            # Bogenart
    (2, 3, "01"),           # Land
    (4, 4, "0"),            # Regierungsbezirk
    (5, 6, "60"),           # Kreis
    (7, 9, "000"),          # Gemeinde (county office)
    (10, 15, "123456"),     # Einrichtungs-Nr.
    (16, 20, "00017"),      # laufende Nummer
    (21, 22, "03"),         # Beginn Monat
    (23, 26, "2024"),       # Beginn Jahr
    (27, 27, "1"),          # Übernahme von einem anderen Jugendamt: ja
    (28, 29, "11"),         # Art der Hilfe: § 34
    (30, 31, "08"),         # Ort: Mehrgruppen-Einrichtung
    (32, 33, "25"),         # Träger: Caritas
    (34, 34, "2"),          # Geschlecht: weiblich
    (35, 36, "07"),         # Geburtsmonat
    (37, 40, "2009"),       # Geburtsjahr
    (41, 112, " " * 72),    # further young people: § 31 / family § 27 only
    (113, 114, "01"),       # Aufenthalt vor der Hilfe: Eltern
    (115, 115, "2"),        # Situation Herkunftsfamilie: alleinerziehend
    (116, 116, "1"),        # ausländische Herkunft: ja
    (117, 117, " "),        # Deutsch: unbekannt = blank
    (118, 118, "1"),        # Transferleistungen: ja
    (119, 119, "3"),        # anregende Institution: Schule/Kita
    (120, 120, "2"),        # § 1666: nein
    (121, 121, " "),        # § 52 FGG: not in the contract
    (122, 122, "1"),        # § 1631b: ja
    (123, 123, "2"),        # dauert am Jahresende an: nein
    (124, 130, " " * 7),    # intensity: not in the contract
    (131, 132, "15"),       # Hauptgrund: familiäre Konflikte
    (133, 134, "16"),       # 2. Grund: soziales Verhalten
    (135, 136, "18"),       # 3. Grund: schulische Probleme
    (137, 138, "11"),       # Ende Monat
    (139, 142, "2025"),     # Ende Jahr
    (143, 150, " " * 8),    # intensity of the ended help: not in the contract
    (151, 152, "22"),       # Beendigung durch den Minderjährigen
    (153, 154, "02"),       # anschließend bei Verwandten
    (155, 155, "4"),        # nachfolgend HzE
    (156, 208, " " * 53),   # residence outside the area: § 28 only
    (209, 210, "\r\n"),     # CR LF
]


def test_shipped_layouts_load_and_hze_is_the_2007_record():
    layouts = {x.erhebung: x for x in L.all_layouts()}
    assert set(layouts) == {"HZE", "VSM", "TEIL4"}
    assert all(x.gueltig_ab_berichtsjahr == 2007 for x in layouts.values())
    hze = layouts["HZE"]
    # BA and EF1-EF5 exactly as in the public 2007 Datensatzbeschreibung, sheet 1
    expected = {"BA": (1, 1, "ALN"), "EF1U1": (2, 2, "ALN"), "EF1U2": (4, 1, "ALN"), "EF1U3": (5, 2, "ALN"),
                "EF1U4": (7, 3, "ALN"), "EF1U5": (10, 6, "ALN"), "EF1U6": (16, 5, "NUM"), "EF2U1": (21, 2, "NUM"),
                "EF2U2": (23, 4, "NUM"), "EF3": (27, 1, "ALN"), "EF4": (28, 2, "ALN"), "EF5": (30, 2, "ALN")}
    got = {f.name: (f.pos, f.laenge, f.typ) for f in hze.felder if f.name in expected}
    assert got == expected
    # 208 characters of fields + CR LF = 210; the others are kjh's placeholders
    assert (hze.satzlaenge, hze.zeilenende) == (208, "\r\n")
    assert layouts["VSM"].satzlaenge == 50 and layouts["TEIL4"].satzlaenge == 71
    # EF4 allows exactly the official two-digit codes, and every statistik_code of the contract is one of them
    ef4 = next(f for f in hze.felder if f.name == "EF4")
    assert sorted(ef4.codeliste) == [f"{i:02d}" for i in range(1, 17)]
    assert {c for c in hilfeart_codes().values() if c} <= set(ef4.codeliste)
    # fields the exports do not carry stay blank
    assert [(f.pos, f.ende) for f in hze.felder_ohne_quelle] == [
        (41, 112), (121, 121), (124, 126), (127, 130), (143, 145), (146, 146), (147, 150), (156, 208)]


def test_keys_come_from_the_contract_code_lists():
    """The layout names a code list; the keys are those of sources/contract/codelisten.yml (one place)."""
    hze = L.layout_for("HZE", 2025)
    feld = {f.name: f for f in hze.felder}
    assert feld["EF21"].schluessel["gefaehrdung_kindeswohl"] == "12"
    assert "sonstig" not in feld["EF21"].schluessel            # no key: the record cannot be delivered
    assert feld["EF25"].schluessel["adoption"] == "30"
    assert feld["EF12"].schluessel == {"j": "1", "n": "2", "u": ""}   # unbekannt = blank
    assert feld["EF3"].schluessel == {"j": "1", "n": ""}             # ticked or blank
    # a free provider by its association, spelled as the provider register spells it
    assert feld["EF6"].schluessel["der paritätische"] == "22" and feld["EF6"].schluessel["oeffentlich"] == "10"
    assert "frei_gemeinnuetzig" not in feld["EF6"].schluessel
    vsm = {f.name: f for f in L.layout_for("VSM", 2025).felder}
    assert vsm["EF2"].schluessel == {"oeffentlich": "1", "frei_gemeinnuetzig": "2", "privat_gewerblich": "2"}
    # every key the layout can write is in the field's code list
    for lay in L.all_layouts():
        for f in lay.felder:
            if f.schluessel and f.codeliste:
                assert {k for k in f.schluessel.values() if k} <= set(f.codeliste), (lay.erhebung, f.name)


def test_meldestelle_gives_the_ags_based_kennnummer():
    m = lade_meldestelle()
    assert kennnummer(m) == "01060000"  # Land 01, RegBez 0, Kreis 60, Gemeinde 000: Kreisjugendamt Segeberg
    assert len(m["einrichtungs_nr"]) == 6


def test_a_known_help_gives_the_2007_record_position_by_position():
    hze = L.layout_for("HZE", 2025)
    out = L.pruefe_und_formatiere(hze, [BEENDET], KONTEXT)
    assert out.fehlerfrei, out.fehler
    data = L.fixed_width_bytes(hze, out.zeilen)
    assert len(data) == 210
    line = data.decode("iso-8859-1")
    pos = 1
    for von, bis, erwartet in BEENDET_ERWARTET:
        assert von == pos and len(erwartet) == bis - von + 1  # the table covers 1-210 without gap
        assert line[von - 1:bis] == erwartet, (von, bis, line[von - 1:bis], erwartet)
        pos = bis + 1
    assert pos == 211


def test_a_running_help_has_no_end_fields_whatever_the_record_says():
    hze = L.layout_for("HZE", 2025)
    laufend = {**BEENDET, "fortdauer": "j"}  # end, reason, afterwards: blank by the rule (end fields only if ended)
    out = L.pruefe_und_formatiere(hze, [laufend], KONTEXT)
    assert out.fehlerfrei
    line = out.zeilen[0]
    assert line[122] == "1" and line[136:155] == " " * 19
    # ended without an end date: a fault of that record (required for an ended help)
    out = L.pruefe_und_formatiere(hze, [{**BEENDET, "ende_monat": None}], KONTEXT)
    assert out.satz_fehler == [[("EF23U1", "Pflichtfeld leer", None)]]


def test_an_export_without_the_v2_columns_gives_blank_fields_not_faults():
    hze = L.layout_for("HZE", 2025)
    out = L.pruefe_und_formatiere(hze, [HZE_SATZ], KONTEXT)
    assert out.fehlerfrei
    line = out.zeilen[0]
    #        BA Land RB Kr Gem Einr   lfd   BgM BgJ  Ü Art Ort Tr   G GbM GbJ
    assert line[:40] == "A" "01" "0" "60" "000" "123456" "00001" "03" "2025" " " "07" "01" "24" "2" "03" "2012"
    assert line[112:123] == "  " " " "2" "1" " " " " " " " " " " "1"   # only Herkunft, Deutsch, dauert an
    assert line[130:136] == "15" "    "
    assert len(line) == hze.satzlaenge == 208
    data = L.fixed_width_bytes(hze, out.zeilen)
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 1  # the layout's line end: CRLF


def test_placeholders_are_listed_until_the_office_fills_them():
    hze = L.layout_for("HZE", 2025)
    offen = L.platzhalter(hze, {**MELDESTELLE, "einrichtungs_nr": "000000"})
    assert any("ERHID" in p for p in offen) and any("Merkmale" in p for p in offen)
    assert any("MELDID" in p for p in offen) and any("STAID" in p for p in offen)
    assert any("Einrichtungs-Nr. „000000“" in p for p in offen)
    eingetragen = L.platzhalter(hze, {**MELDESTELLE, "meldid": "9900012345", "staid": "02"})
    assert not any(w in p for p in eingetragen for w in ("MELDID", "STAID", "Einrichtungs-Nr."))
    assert len(eingetragen) == len(hze.platzhalter_eintraege) == 3


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
        {**HZE_SATZ, "lfd_nr": 4, "traeger": "neuer verband e.v."},  # association without a key
        {**HZE_SATZ, "lfd_nr": 5, "lfd_nr_dummy": 0, "beginn_jahr": 20250},  # too long for NUM(4)
        {**HZE_SATZ, "lfd_nr": 6},                                    # fine
    ]
    out = L.pruefe_und_formatiere(hze, bad, KONTEXT)
    faults = {(f.feld, f.grund): (f.beispiele, f.werte) for f in out.fehler}
    assert faults == {
        ("EF21", "Wert hat keinen Schlüssel in der Satzbeschreibung"): ([1], ["sonstig"]),
        ("EF7", "Pflichtfeld leer"): ([2], []),
        ("EF4", "steht nicht in der Codeliste des Feldes"): ([3], ["99"]),
        ("EF6", "Wert hat keinen Schlüssel in der Satzbeschreibung"): ([4], ["neuer verband e.v."]),
        ("EF2U2", "länger als 4 Stellen"): ([5], ["20250"]),
    }
    assert out.fehlerhafte_saetze == 5
    # per record, for the clerk's work list: field, reason, value
    assert out.satz_fehler[0] == [("EF21", "Wert hat keinen Schlüssel in der Satzbeschreibung", "sonstig")]
    assert out.satz_fehler[5] == []


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
    feld = next(f for f in vsm.felder if f.name == "EF5")
    groups = {age: L.wert(feld, {"alter_bei_beginn": age}, KONTEXT)[0] for age in range(0, 18)}
    assert groups == {0: "1", 1: "1", 2: "1", 3: "2", 4: "2", 5: "2", 6: "3", 7: "3", 8: "3", 9: "4", 10: "4",
                      11: "4", 12: "5", 13: "5", 14: "6", 15: "6", 16: "7", 17: "7"}
    assert L.wert(feld, {"alter_bei_beginn": 18}, KONTEXT)[1] == "Wert liegt in keiner Klasse der Satzbeschreibung"


def test_an_office_replaces_a_layout_without_touching_code(tmp_path, monkeypatch):
    """A new version as a new file, valid from a later year: old years keep the old layout."""
    folder = tmp_path / "layouts"
    shutil.copytree(L.LAYOUT_DIR, folder)
    spec = yaml.safe_load((folder / "hze_v2.yml").read_text(encoding="utf-8"))
    spec["version"] = "3"
    spec["gueltig_ab_berichtsjahr"] = 2026
    spec["datei"]["zeilenende"] = "lf"
    spec["datei"]["satzlaenge"] = 211
    # the current layout places the § 8a assessment (a Merkmal the contract already carries)
    spec["felder"].append({"name": "EF29", "pos": 209, "laenge": 1, "typ": "ALN", "pflicht": False,
                           "bezeichnung": "Gefährdungseinschätzung § 8a", "quelle": "gefaehrdungseinschaetzung_8a",
                           "schluessel_aus": "jn"})
    spec["felder"].append({"name": "EF30", "pos": 210, "laenge": 1, "typ": "ALN", "pflicht": False,
                           "bezeichnung": "neues Feld", "quelle": "gibt_es_nicht"})
    (folder / "hze_v3.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(L, "LAYOUT_DIR", folder)

    assert L.layout_for("HZE", 2025).version == "2"
    neu = L.layout_for("HZE", 2026)
    assert (neu.version, neu.satzlaenge, neu.zeilenende) == ("3", 210, "\n")
    out = L.pruefe_und_formatiere(neu, [HZE_SATZ, BEENDET], KONTEXT)
    assert out.fehlerfrei and [z[208:] for z in out.zeilen] == ["  ", "1 "]


def test_broken_layouts_are_refused_with_one_line(tmp_path):
    spec = yaml.safe_load((L.LAYOUT_DIR / "vsm_v2.yml").read_text(encoding="utf-8"))
    spec["felder"][3]["pos"] = 6  # overlaps the previous field
    (tmp_path / "kaputt.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(L.LayoutError, match="EF1U3: beginnt an Position 6, erwartet 5"):
        L.load_layout(tmp_path / "kaputt.yml")
    spec = yaml.safe_load((L.LAYOUT_DIR / "vsm_v2.yml").read_text(encoding="utf-8"))
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
    path.write_text(path.read_text(encoding="utf-8").replace('version: "2"', 'version: "2b"'), encoding="utf-8")
    with pytest.raises(L.LayoutError, match="wurde seit der Lieferung geändert"):
        L.layout_recorded(recorded)
    path.unlink()
    with pytest.raises(L.LayoutError, match="gibt es in .* nicht mehr"):
        L.layout_recorded(recorded)


def test_recorded_layout_refuses_changed_keys_in_the_code_lists(monkeypatch):
    """The keys come from codelisten.yml: a changed key would change the bytes of a reproduced delivery."""
    from kjh.contract import Contract, load_contract

    recorded = L.layout_for("HZE", 2025).as_record()
    assert L.layout_recorded(recorded).schluessel_sha256 == recorded["schluessel_sha256"]
    echt = load_contract()
    listen = {k: dict(v) for k, v in echt.codelisten.items()}
    listen["hauptgrund"]["sonstig"] = {"bezeichnung": "sonstig", "statistik_code": "19"}
    monkeypatch.setattr(L, "load_contract", lambda: Contract(kinds=echt.kinds, codelisten=listen))
    with pytest.raises(L.LayoutError, match="aus sources/contract/codelisten.yml nimmt, wurden seit der Lieferung"):
        L.layout_recorded(recorded)


def _ns(tag: str) -> str:
    return "{" + L.DATML_NAMENSRAUM + "}" + tag


def test_datml_document_carries_every_non_empty_field_per_record():
    hze = L.layout_for("HZE", 2025)
    out = L.pruefe_und_formatiere(hze, [HZE_SATZ, {**HZE_SATZ, "lfd_nr": 2}], KONTEXT)
    args = dict(meldestelle=MELDESTELLE, kennnummer="01060000", berichtsjahr=2025, lieferung_id=7,
                created_at=dt.datetime(2026, 1, 20, 9, 30, 5))
    data = datml_bytes(hze, out.werte, **args)
    assert data == datml_bytes(hze, out.werte, **args)  # deterministic
    root = ET.fromstring(data)
    n = {"d": L.DATML_NAMENSRAUM}
    assert root.tag == _ns("DatML-RAW-D") and root.get("version") == "2.0"
    assert [c.tag for c in root] == [_ns("protokoll"), _ns("absender"), _ns("empfaenger"), _ns("nachricht")]
    assert root.findtext("d:protokoll/d:dokumentinstanz/d:datum", namespaces=n) == "2026-01-20"
    assert root.findtext("d:protokoll/d:dokumentinstanz/d:uhrzeit", namespaces=n) == "09:30:05"
    # MELDID / STAID not agreed yet: kjh's placeholders (Kennnummer + Einrichtungs-Nr., the Land)
    absender = root.find("d:absender/d:kennung", n)
    assert (absender.get("klasse"), absender.text) == ("MELDID", "01060000123456")
    empfaenger = root.find("d:empfaenger/d:kennung", n)
    assert (empfaenger.get("klasse"), empfaenger.text) == ("STAID", "01")
    nachricht = root.find("d:nachricht", n)
    assert [c.tag.split("}")[1] for c in nachricht] == ["nachrichtenID", "erhebung", "berichtszeitraum", "hmm", "hmm",
                                                        "datensegment"]
    erhebung = nachricht.find("d:erhebung/d:kennung", n)
    assert (erhebung.get("klasse"), erhebung.text) == ("ERHID", "HZE")
    assert nachricht.findtext("d:berichtszeitraum/d:jahr", namespaces=n) == "2025"
    assert {h.get("name"): h.findtext("d:wert", namespaces=n) for h in nachricht.findall("d:hmm", n)} == {
        "Kennnummer": "01060000", "Einrichtungsnummer": "123456"}
    saetze = nachricht.findall("d:datensegment/d:satz", n)
    assert len(saetze) == 2
    mm = {m.get("name"): m.findtext("d:wert", namespaces=n) for m in saetze[1].findall("d:mm", n)}
    assert mm["EF4"] == "07" and mm["EF1U6"] == "00002" and mm["EF2U2"] == "2025" and mm["EF7"] == "2"
    assert mm["EF6"] == "24" and mm["EF21"] == "15" and mm["EF19"] == "1"
    assert "EF3" not in mm and "EF23U1" not in mm and "EF9" not in mm  # empty fields are left out, never invented
    # agreed identifiers from meldestelle.yml replace the placeholders
    agreed = ET.fromstring(datml_bytes(hze, out.werte, **{**args, "meldestelle": {**MELDESTELLE, "meldid": "9900012345",
                                                                                     "staid": "02"}}))
    assert agreed.findtext("d:absender/d:kennung", namespaces=n) == "9900012345"
    assert agreed.findtext("d:empfaenger/d:kennung", namespaces=n) == "02"


def test_dbt_macros_render_also_when_dispatched_per_engine(tmp_path):
    """The survey SQL calls the dbt project's macros; an engine-dispatched macro (jaffle-shop style) works too."""
    import duckdb

    from kjh.dbt_sql import DbtSql

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


def _datml_mit_elementtree(layout, werte, *, meldestelle, kennnummer, berichtsjahr, lieferung_id, created_at) -> bytes:
    """The document as kjh wrote it before with ElementTree alone, every record an element (released
    deliveries must stay reproducible byte for byte): the oracle for kjh.statistik.datml."""
    from kjh.statistik import datml as D

    root = ET.Element("DatML-RAW-D", {"xmlns": layout.datml_namensraum, "version": "2.0"})
    instanz = ET.SubElement(ET.SubElement(root, "protokoll"), "dokumentinstanz")
    ET.SubElement(instanz, "datum").text = created_at.date().isoformat()
    ET.SubElement(instanz, "uhrzeit").text = created_at.time().isoformat(timespec="seconds")
    anwendung = ET.SubElement(instanz, "anwendung")
    ET.SubElement(anwendung, "anwendungsname").text = D.ANWENDUNG
    ET.SubElement(anwendung, "version").text = f"Satzbeschreibung {layout.datei} sha256 {layout.sha256}"
    ET.SubElement(instanz, "dokumentID").text = f"{D.ANWENDUNG}-{lieferung_id}-{layout.erhebung}-{berichtsjahr}"
    absender = ET.SubElement(root, "absender")
    D._kennung(absender, "MELDID", str(meldestelle.get("meldid") or kennnummer + meldestelle["einrichtungs_nr"]))
    D._organisation(absender, str(meldestelle.get("name", "")))
    empfaenger = ET.SubElement(root, "empfaenger")
    D._kennung(empfaenger, "STAID", str(meldestelle.get("staid") or meldestelle["land"]))
    D._organisation(empfaenger, str(meldestelle.get("empfaenger", "")))
    nachricht = ET.SubElement(root, "nachricht")
    ET.SubElement(nachricht, "nachrichtenID").text = f"{D.ANWENDUNG}-{lieferung_id}-{layout.erhebung}-{berichtsjahr}"
    D._kennung(ET.SubElement(nachricht, "erhebung"), "ERHID", layout.datml_erhebung)
    ET.SubElement(ET.SubElement(nachricht, "berichtszeitraum"), "jahr").text = str(berichtsjahr)
    for name, quelle in layout.datml_hilfsmerkmale:
        hmm = ET.SubElement(nachricht, "hmm", {"name": name})
        ET.SubElement(hmm, "wert").text = D._hilfsmerkmal(quelle, meldestelle, kennnummer)
    segment = ET.SubElement(nachricht, "datensegment")
    for paare in werte:
        satz = ET.SubElement(segment, "satz")
        for name, value in paare:
            ET.SubElement(ET.SubElement(satz, "mm", {"name": name}), "wert").text = value
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def test_datml_records_are_written_exactly_as_elementtree_writes_them():
    hze = L.layout_for("HZE", 2025)
    args = dict(meldestelle=MELDESTELLE, kennnummer="01060000", berichtsjahr=2025, lieferung_id=7,
                created_at=dt.datetime(2026, 1, 15, 9, 30))
    out = L.pruefe_und_formatiere(hze, [HZE_SATZ, {**HZE_SATZ, "lfd_nr": 2}], KONTEXT)
    besondere = [[("EF1", "01"), ("EF2", "a&b<c>\"d'\n"), ("EF3", ""), ("EF4", "Müller")], [], [("EF9", "x")]]
    for werte in (out.werte, besondere, []):
        assert datml_bytes(hze, werte, **args) == _datml_mit_elementtree(hze, werte, **args)
