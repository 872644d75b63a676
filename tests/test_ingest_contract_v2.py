"""Contract v2: the optional columns of the state statistics. An export without them (v1) still loads;
one with them loads their values, checks them against their code lists and keeps the office's Kennnummer."""
from kjh.contract import load_contract
from kjh.ingest import faults
from tests.conftest import load_folder, query
from tests.exports import HILFEN_HEADER, ZAHLUNGEN_HEADER, buchung, hilfe, write, write_sozialraeume

V2_HILFEN = ["grund_2", "grund_3", "aufenthalt_vor_hilfe", "situation_herkunftsfamilie", "transferleistungen",
             "anregende_institution", "sorgerechtsentzug_1666", "geschlossene_unterbringung_1631b",
             "anschliessender_aufenthalt", "nachfolgende_hilfe", "uebernahme_anderes_jugendamt",
             "gefaehrdungseinschaetzung_8a", "im_anschluss_an_42", "schulbesuch_ausbildung", "anlass_42",
             "hinweisgeber_42", "unterbringungsform_42", "jugendamt"]

V2_WERTE = dict(grund_2="auffaelligkeit_sozialverhalten", grund_3="schulische_berufliche_probleme",
                aufenthalt_vor_hilfe="eltern", situation_herkunftsfamilie="alleinerziehend", transferleistungen="j",
                anregende_institution="schule_kita", sorgerechtsentzug_1666="n", geschlossene_unterbringung_1631b="n",
                anschliessender_aufenthalt="verwandte", nachfolgende_hilfe="keine", uebernahme_anderes_jugendamt="j",
                gefaehrdungseinschaetzung_8a="j", im_anschluss_an_42="n", schulbesuch_ausbildung="schule",
                anlass_42="", hinweisgeber_42="", unterbringungsform_42="", jugendamt="01060000",
                ende="30.11.2024", beendigungsgrund="abbruch_minderjaehriger")


def test_the_contract_names_the_v2_columns_as_optional():
    hilfen = {c.name: c for c in load_contract().kinds["hilfen"].columns}
    assert all(hilfen[c].optional_column and not hilfen[c].required for c in V2_HILFEN)
    zahlungen = {c.name: c for c in load_contract().kinds["zahlungen"].columns}
    assert zahlungen["jugendamt"].optional_column and zahlungen["jugendamt"].type == "ags"
    assert {"abbruch_minderjaehriger", "adoption"} <= set(load_contract().codes("beendigungsgrund"))


def test_a_v1_export_without_the_new_columns_loads(exports, warehouse_path):
    write_sozialraeume(exports)
    assert not set(V2_HILFEN) & set(HILFEN_HEADER)
    write(exports / "hilfen_20241231.csv", HILFEN_HEADER, [hilfe("H-1")])
    write(exports / "zahlungen_20250115.csv", ZAHLUNGEN_HEADER, [buchung("B-1")])
    out = load_folder(exports, warehouse_path)
    for name in ("hilfen_20241231.csv", "zahlungen_20250115.csv"):
        assert (out[name].status, out[name].geladen, out[name].quarantaene) == (faults.ANGENOMMEN, 1, 0)
    cols = ", ".join(V2_HILFEN)
    assert query(warehouse_path, f"select {cols} from raw.hilfen") == [(None,) * len(V2_HILFEN)]
    assert query(warehouse_path, "select jugendamt from raw.zahlungen") == [(None,)]


def test_a_v2_export_loads_the_new_columns_and_checks_their_codes(exports, warehouse_path):
    write_sozialraeume(exports)
    rows = [hilfe("H-1", **V2_WERTE),
            hilfe("H-2", hilfeart="42", anlass_42="vernachlaessigung", hinweisgeber_42="polizei",
                  unterbringungsform_42="bereitschaftspflege", aufenthalt_vor_hilfe="eltern"),
            hilfe("H-3", grund_2="sonstwas"),                 # not in the code list: quarantined
            hilfe("H-4", jugendamt="0106000")]                # not 8 digits: quarantined
    write(exports / "hilfen_20241231.csv", HILFEN_HEADER + V2_HILFEN, rows)
    write(exports / "zahlungen_20250115.csv", ZAHLUNGEN_HEADER + ["jugendamt"],
          [buchung("B-1", jugendamt="01060000"), buchung("B-2", jugendamt="")])
    out = load_folder(exports, warehouse_path)
    h, z = out["hilfen_20241231.csv"], out["zahlungen_20250115.csv"]
    assert (h.status, h.geladen, h.quarantaene) == (faults.ANGENOMMEN, 2, 2)
    assert (z.status, z.geladen, z.quarantaene) == (faults.ANGENOMMEN, 2, 0)
    cols = ", ".join(V2_HILFEN)
    got = query(warehouse_path, f"select hilfe_id, beendigungsgrund, {cols} from raw.hilfen order by 1")
    assert got[0] == ("H-1", "abbruch_minderjaehriger", *[V2_WERTE[c] or None for c in V2_HILFEN])
    assert got[1][0] == "H-2" and dict(zip(V2_HILFEN, got[1][2:]))["anlass_42"] == "vernachlaessigung"
    reasons = query(warehouse_path, "select grund from audit.quarantaene order by zeile")
    assert "grund_2" in reasons[0][0] and "jugendamt" in reasons[1][0]
    assert query(warehouse_path, "select buchung_id, jugendamt from raw.zahlungen order by 1") == [
        ("B-1", "01060000"), ("B-2", None)]
