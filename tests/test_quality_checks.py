"""Every quality check passes on a clean office and fails on exports crafted to
fail it, run through Dagster; nothing else fails alongside.

Faults a delivery can carry are fed as CSV exports through the real ingestion.
Faults the ingestion already quarantines (unknown codes, malformed keys, empty
required fields, an end before its start, duplicate ids) cannot reach the raw
tables that way; the checks guard against them reaching it by another road (an
older loader, a code list changed afterwards, a hand edit), so those scenarios
load the clean office and then change the raw table in SQL ("tamper").

Each scenario runs on a warehouse of its own in the slow set; the inner loop
runs the scenarios in the groups of ZUSAMMEN, one warehouse per group, with
the same assertions for every check.
"""
import json

import pytest

from kjh.contract import load_contract
from kjh.quality.rules import ERROR, WARN
from kjh.quality.suites import SUITES
from tests.exports import HILFEN_HEADER, TRAEGER_HEADER, ZAHLUNGEN_HEADER, buchung, hilfe, traeger, write
from tests.quality_data import (
    BEVOELKERUNG_HEADER,
    BUDGETS_HEADER,
    SOZIALRAEUME,
    SOZIALRAEUME_HEADER,
    bevoelkerung_rows,
    buchungen,
    budgets_rows,
    hilfen_rows,
    load_and_check,
    write_clean_office,
)

ALLE = {p.name: p for build in SUITES.values() for p in build().pruefungen}


# --- scenarios: what each writes or changes, and exactly which checks fail ------
# expected: pruefung -> (failing records, a value its examples or message must show)

def hilfen_plausibilitaet(folder):
    faults = {
        "H-F1": dict(beginn="01.06.1985", geburtsdatum="01.01.1980"),
        "H-F2": dict(beginn="01.02.2024", geburtsdatum="01.05.2024"),
        "H-F3": dict(beginn="01.02.2020", geburtsdatum="01.01.1990"),
        "H-F4": dict(beginn="01.02.2024", geburtsdatum="01.01.2005", hilfeart="42", ort_der_durchfuehrung=""),
        "H-F5": dict(traeger_id="T-99"),
        "H-F6": dict(beginn="15.01.2025"),
        "H-F7": dict(beginn="01.01.2024", ende="28.02.2025", beendigungsgrund="planmaessig"),
        "H-F8": dict(beendigungsgrund="abbruch_adressat"),
        "H-F9": dict(beginn="01.03.2023", geburtsdatum="01.01.2001", hilfeart="30"),
    }
    extra = [hilfe(hid, **{"person_id": f"P-{hid}", "fall_id": f"AZ-{hid}", "geburtsdatum": "01.01.2012",
                           "beginn": "01.02.2024", **over}) for hid, over in faults.items()]
    write(folder / "hilfen_20241231.csv", HILFEN_HEADER, hilfen_rows("2024") + extra)
    # H-F2 (begun before birth), H-F4 (§ 42 of an adult) and H-F7 (a planned end) are findings of the
    # plausibility checks on the dbt models (one finding, one check): no GX check here fails on them
    return {
        "hilfen.beginn_nicht_vor_sgb8": (1, "H-F1"),
        "hilfen.alter_bei_beginn_hoechstens_26": (1, "H-F3"),
        "hilfen.beginn_vor_21": (2, "H-F9"),
        "hilfen.traeger_bekannt": (1, "T-99"),
        "hilfen.beginn_nicht_nach_export": (1, "H-F6"),
        "hilfen.beendigungsgrund_nur_bei_ende": (1, "H-F8"),
    }


def zahlungen_fehler(folder):
    fu = dict(hilfe_id="", traeger_id="T-1")
    nov = dict(buchungsdatum="20.11.2024", zeitraum_von="01.11.2024", zeitraum_bis="30.11.2024")
    write(folder / "zahlungen_20241231_korrektur.csv", ZAHLUNGEN_HEADER, [
        buchung("B-F1", hilfe_id="H-1", traeger_id="T-99", **nov),
        buchung("B-F2", hilfe_id="H-1", betrag="6.000.000,00", **nov),
        buchung("B-F3", hilfe_id="H-1", betrag="3.000,00", kostenart="kostenbeitrag", **nov),
        buchung("B-F4", betrag="-600.000,00", kostenart="erstattung", **fu, **nov),
        buchung("B-F5", buchungsdatum="15.12.1998", zeitraum_von="01.12.1998", zeitraum_bis="31.12.1998", **fu),
        buchung("B-F6", buchungsdatum="10.01.2025", zeitraum_von="01.01.2025", zeitraum_bis="31.01.2025", **fu),
        buchung("B-F7", hilfe_id="H-3", buchungsdatum="05.02.2024", zeitraum_von="01.01.2023", zeitraum_bis="04.02.2024"),
        buchung("B-F8", hilfe_id="H-77", **nov),
        buchung("B-F10", hilfe_id="H-3", betrag="200.000,00", kostenart="erstattung", **nov),
        buchung("B-F11", betrag="60.000,00", kostenart="kostenbeitrag", **fu, **nov),
    ])
    write(folder / "zahlungen_20250131_nachtrag.csv", ZAHLUNGEN_HEADER, [
        buchung("B-F9", hilfe_id="H-88", buchungsdatum="20.01.2025", zeitraum_von="01.01.2025", zeitraum_bis="31.01.2025"),
    ])
    return {
        "zahlungen.traeger_bekannt": (1, "T-99"),
        "zahlungen.betrag_leistung_in_grenzen": (1, "B-F2"),
        "zahlungen.betrag_leistung_ueblich": (1, "B-F2"),
        "zahlungen.betrag_kostenbeitrag_ueblich": (1, "B-F3"),
        "zahlungen.betrag_kostenbeitrag_in_grenzen": (1, "B-F11"),
        "zahlungen.betrag_erstattung_in_grenzen": (1, "B-F4"),
        "zahlungen.betrag_erstattung_ueblich": (1, "B-F10"),
        "zahlungen.buchungsdatum_ab_euro": (1, "B-F5"),
        "zahlungen.buchungsdatum_nicht_nach_export": (1, "B-F6"),
        "zahlungen.zeitraum_hoechstens_ein_jahr": (1, "B-F7"),
        "zahlungen.hilfe_bekannt": (1, "H-77"),
        "zahlungen.hilfe_noch_nicht_geliefert": (1, "H-88"),
    }


def traeger_fehler(folder):
    write(folder / "traeger_20241231.csv", TRAEGER_HEADER, [
        traeger("T-1"), traeger("T-2", name="Kinderhaus Nord", traegerart="privat_gewerblich", verband=""),
        traeger("T-F1", entgelt_tagessatz="0,00"), traeger("T-F2", entgelt_tagessatz="1.500,00"),
        traeger("T-F3", gueltig_ab="01.01.1900"),
    ])
    return {
        "traeger.tagessatz_positiv": (1, "T-F1"),
        "traeger.tagessatz_ueblich": (1, "T-F2"),
        "traeger.gueltig_ab_plausibel": (1, "T-F3"),
    }


def sozialraeume_region(folder):
    # Henstedt-Ulzburg joins Kaltenkirchen's social space but in another region
    write(folder / "sozialraeume_20200101.csv", SOZIALRAEUME_HEADER,
          SOZIALRAEUME + [["01060039", "Henstedt-Ulzburg", "Kaltenkirchen", "Ostkreis"]])
    write(folder / "bevoelkerung_20200101.csv", BEVOELKERUNG_HEADER,
          bevoelkerung_rows(ags=["01060005", "01060092", "01060044", "01060039"]))
    return {"sozialraeume.eine_region_je_sozialraum": (2, "Kaltenkirchen")}


def bevoelkerung_fehler(folder):
    rows = bevoelkerung_rows(jahre=(2023, 2024),  # none yet for 2025
                             ohne={("01060092", 2024), ("01060044", 2023), ("01060005", 2024, "18-20")})
    rows = [r[:3] + ["-5"] if r[:3] == ["01060005", "2023", "0-5"] else r for r in rows]
    rows += [["01060005", "2204", "0-5", "100"], ["01060999", "2023", "0-5", "100"]]
    write(folder / "bevoelkerung_20200101.csv", BEVOELKERUNG_HEADER, rows)
    return {
        "bevoelkerung.anzahl_nicht_negativ": (1, "-5"),
        "bevoelkerung.jahr_plausibel": (1, "2204"),
        "bevoelkerung.gemeinde_zugeordnet": (1, "01060999"),
        "bevoelkerung.jede_gemeinde_je_jahr": (2, "01060092"),
        "bevoelkerung.einwohner_je_sozialraum_und_jahr": (1, "Kaltenkirchen"),
        "bevoelkerung.alle_altersgruppen": (1, "2024"),
        "bevoelkerung.je_buchungsjahr": (2, "2025"),
    }


def budgets_fehler(folder):
    rows = budgets_rows(jahre=(2023, 2024),  # none yet for 2025
                        ohne={("Kaltenkirchen", 2024), ("Bad Segeberg", 2024, "3634")})
    rows = [r[:3] + ["-1.000,00"] if r[:3] == ["Bad Segeberg", "2023", "3632"] else r for r in rows]
    rows += [["Bad Segeberg", "2204", "3632", "1,00"], ["Bad Segberg", "2024", "3632", "1,00"]]
    write(folder / "budgets_20200101.csv", BUDGETS_HEADER, rows)
    return {
        "budgets.betrag_nicht_negativ": (1, "-1000"),
        "budgets.haushaltsjahr_plausibel": (1, "2204"),
        "budgets.sozialraum_bekannt": (1, "Bad Segberg"),
        "budgets.budget_je_sozialraum_und_jahr": (1, "Kaltenkirchen"),
        "budgets.budget_je_teilplan": (2, "3634"),
        "budgets.je_buchungsjahr": (2, "2025"),
    }


def alle_eingebrochen(folder):
    """Every kind of delivery collapses against the one before: all WARN, nothing blocks."""
    write(folder / "hilfen_20241231.csv", HILFEN_HEADER, hilfen_rows("2024", ids=["H-1", "H-6"]))
    # January 2025 brings 1 booking where the twelve months before averaged 5.8
    write(folder / "zahlungen_20250131.csv", ZAHLUNGEN_HEADER, buchungen()[(2025, 1)][:1])
    write(folder / "traeger_20231231.csv", TRAEGER_HEADER, [traeger(f"T-{i}") for i in range(1, 6)])
    write(folder / "sozialraeume_20240101.csv", SOZIALRAEUME_HEADER, SOZIALRAEUME[:1])
    write(folder / "bevoelkerung_20200101.csv", BEVOELKERUNG_HEADER, bevoelkerung_rows(jahre=range(2018, 2026)))
    write(folder / "bevoelkerung_20240101.csv", BEVOELKERUNG_HEADER, bevoelkerung_rows())
    write(folder / "budgets_20200101.csv", BUDGETS_HEADER, budgets_rows(jahre=range(2018, 2026)))
    write(folder / "budgets_20240101.csv", BUDGETS_HEADER, budgets_rows())
    return {
        "hilfen.lieferung_nicht_eingebrochen": (3, "hilfen_20241231.csv"),
        "zahlungen.buchungen_nicht_eingebrochen": (5, "2025"),
        "traeger.lieferung_nicht_eingebrochen": (3, "traeger_20241231.csv"),
        "sozialraeume.lieferung_nicht_eingebrochen": (2, "sozialraeume_20240101.csv"),
        "bevoelkerung.lieferung_nicht_eingebrochen": (90, "bevoelkerung_20240101.csv"),
        "budgets.lieferung_nicht_eingebrochen": (20, "budgets_20240101.csv"),
    }


def _copy(table, where, **changes):
    """SQL: a copy of the current row(s) matching `where` with some values replaced."""
    replace = ", ".join(f"{v} as {k}" for k, v in changes.items())
    current = "stand_bis is null and " if table != "zahlungen" else ""
    return f"insert into raw.{table} select * {f'replace ({replace})' if replace else ''} from raw.{table} where {current}{where}"


def _nullable(table, *cols):
    return [f"alter table raw.{table} alter column {c} drop not null" for c in cols]


def hilfen_manipuliert(folder):
    h1 = "hilfe_id = 'H-1'"
    pflicht = ["hilfe_id", "geschlecht", "auslaendische_herkunft", "deutsch_in_familie", "wohnort_ags", "hilfeart",
               "beginn", "hauptgrund"]
    codes = ["geschlecht", "auslaendische_herkunft", "deutsch_in_familie", "hilfeart", "ort_der_durchfuehrung",
             "beendigungsgrund", "hauptgrund"]
    # contract v2: the optional Merkmal columns with a code list
    codes += [c.name for c in load_contract().kinds["hilfen"].columns
              if c.optional_column and c.codeliste and c.name != "ort_der_durchfuehrung"]
    sql = _nullable("hilfen", *pflicht)
    sql += [_copy("hilfen", h1, hilfe_id="null" if c == "hilfe_id" else f"'H-T-{c}'", **({} if c == "hilfe_id" else {c: "null"}))
            for c in pflicht]
    sql += [_copy("hilfen", h1, hilfe_id=f"'H-C-{c}'", **{c: "'XX'"},
                  **({"ende": "beginn + 30"} if c == "beendigungsgrund" else {})) for c in codes]
    sql += [
        _copy("hilfen", h1, hilfe_id="'H-AGS'", wohnort_ags="'0106000X'"),
        _copy("hilfen", h1, hilfe_id="'H-AMT'", jugendamt="'0106000'"),
        _copy("hilfen", h1, hilfe_id="'H-ORT'", wohnort_ags="'01060999'"),
        _copy("hilfen", h1, hilfe_id="'H-ENDE'", ende="beginn - 1", beendigungsgrund="'planmaessig'"),
        _copy("hilfen", h1, hilfe_id="'H-GRUND'", ende="beginn + 10", beendigungsgrund="null"),
        _copy("hilfen", "hilfe_id = 'H-2'"),
        "alter table raw.hilfen add column person_id varchar",
    ]
    return sql, {
        **{f"hilfen.{c}_pflichtfeld": (1, None) for c in pflicht},
        **{f"hilfen.{c}_codeliste": (1, f"H-C-{c}") for c in codes},
        "hilfen.wohnort_ags_format": (1, "0106000X"),
        "hilfen.jugendamt_format": (1, "0106000"),
        "hilfen.wohnort_in_sozialraeumen": (2, "01060999"),
        "hilfen.ende_nicht_vor_beginn": (1, "H-ENDE"),
        "hilfen.beendigungsgrund_bei_ende": (1, "H-GRUND"),
        "hilfen.schluessel_eindeutig": (2, "H-2"),
        "hilfen.spalten_und_typen": (1, "person_id"),
    }


def zahlungen_manipuliert(folder):
    fu = "buchung_id = 'B-FU-202403'"
    pflicht = ["kostenart", "produktkonto", "betrag", "buchungsdatum", "zeitraum_von", "zeitraum_bis"]
    sql = _nullable("zahlungen", *pflicht)
    sql += [_copy("zahlungen", fu, buchung_id=f"'B-T-{c}'", **{c: "null"}) for c in pflicht]
    sql += [
        _copy("zahlungen", fu, buchung_id="'B-C'", kostenart="'spende'"),
        _copy("zahlungen", fu, buchung_id="'B-K'", produktkonto="'3631-533100'"),
        _copy("zahlungen", fu, buchung_id="'B-A'", jugendamt="'1060000'"),
        _copy("zahlungen", fu, buchung_id="'B-Z'", zeitraum_bis="zeitraum_von - 5"),
        _copy("zahlungen", fu),
        "alter table raw.zahlungen alter column betrag type double",
    ]
    return sql, {
        **{f"zahlungen.{c}_pflichtfeld": (1, f"B-T-{c}") for c in pflicht},
        "zahlungen.kostenart_codeliste": (1, "spende"),
        "zahlungen.produktkonto_format": (1, "3631-533100"),
        "zahlungen.jugendamt_format": (1, "1060000"),
        "zahlungen.zeitraum_bis_nicht_vor_zeitraum_von": (1, "B-Z"),
        "zahlungen.buchung_id_eindeutig": (1, "B-FU-202403"),
        "zahlungen.spalten_und_typen": (1, "DOUBLE"),
    }


def traeger_manipuliert(folder):
    t1 = "traeger_id = 'T-1'"
    pflicht = ["traeger_id", "name", "traegerart", "sitz_ags", "gueltig_ab"]
    sql = _nullable("traeger", *pflicht)
    sql += [_copy("traeger", t1, traeger_id="null" if c == "traeger_id" else f"'T-T-{c}'",
                  **({} if c == "traeger_id" else {c: "null"})) for c in pflicht]
    sql += [
        _copy("traeger", t1, traeger_id="'T-C'", traegerart="'kirchlich'"),
        _copy("traeger", t1, traeger_id="'T-A'", sitz_ags="'123'"),
        _copy("traeger", t1, traeger_id="'T-G'", gueltig_bis="gueltig_ab - 1"),
        _copy("traeger", "traeger_id = 'T-2'"),
        "alter table raw.traeger alter column entgelt_tagessatz type double",
    ]
    return sql, {
        **{f"traeger.{c}_pflichtfeld": (1, None) for c in pflicht},
        "traeger.traegerart_codeliste": (1, "kirchlich"),
        "traeger.sitz_ags_format": (1, "T-A"),
        "traeger.gueltig_bis_nicht_vor_gueltig_ab": (1, "T-G"),
        "traeger.schluessel_eindeutig": (2, "T-2"),
        "traeger.spalten_und_typen": (1, "entgelt_tagessatz"),
    }


def sozialraeume_manipuliert(folder):
    # new municipalities in a social space without bookings: no coverage check notices them
    t = "ags = '01060005'"
    pflicht = ["ags", "gemeinde", "sozialraum", "region"]
    sql = _nullable("sozialraeume", *pflicht)
    testraum = {"sozialraum": "'Testraum'", "region": "'Testregion'"}
    sql.append(_copy("sozialraeume", t, ags="'01060800'", **testraum))
    sql += [_copy("sozialraeume", t, **{"ags": f"'0106081{i}'", **testraum, c: "null"}) for i, c in enumerate(pflicht)]
    sql += [
        _copy("sozialraeume", t, ags="'1060805'", sozialraum="'Testraum'", region="'Testregion'"),
        _copy("sozialraeume", "ags = '01060044'"),
        "alter table raw.sozialraeume alter column gemeinde type blob",
    ]
    return sql, {
        **{f"sozialraeume.{c}_pflichtfeld": (1, None) for c in pflicht},
        "sozialraeume.ags_format": (1, "1060805"),
        "sozialraeume.schluessel_eindeutig": (2, "01060044"),
        "sozialraeume.spalten_und_typen": (1, "BLOB"),
    }


def bevoelkerung_manipuliert(folder):
    t = "ags = '01060005' and jahr = 2023 and altersgruppe = '0-5'"
    sql = _nullable("bevoelkerung", "ags", "jahr", "altersgruppe", "anzahl")
    sql += [
        _copy("bevoelkerung", t, ags="null", jahr="2030"),
        _copy("bevoelkerung", t, jahr="null"),
        _copy("bevoelkerung", t, jahr="2030", altersgruppe="null"),
        _copy("bevoelkerung", t, jahr="2031", anzahl="null"),
        _copy("bevoelkerung", t, jahr="2030", altersgruppe="'21-26'"),
        _copy("bevoelkerung", t, ags="'106000'", jahr="2030"),
        _copy("bevoelkerung", "ags = '01060044' and jahr = 2024 and altersgruppe = '6-8'"),
        "alter table raw.bevoelkerung alter column anzahl type bigint",
    ]
    return sql, {
        **{f"bevoelkerung.{c}_pflichtfeld": (1, None) for c in ("ags", "jahr", "altersgruppe", "anzahl")},
        "bevoelkerung.altersgruppe_codeliste": (1, "21-26"),
        "bevoelkerung.ags_format": (1, "106000"),
        "bevoelkerung.gemeinde_zugeordnet": (1, "106000"),
        "bevoelkerung.schluessel_eindeutig": (2, "01060044"),
        "bevoelkerung.spalten_und_typen": (1, "BIGINT"),
    }


def budgets_manipuliert(folder):
    t = "sozialraum = 'Bad Segeberg' and haushaltsjahr = 2023 and teilplan = '3632'"
    sql = _nullable("budgets", "sozialraum", "haushaltsjahr", "teilplan", "budget_eur")
    sql += [
        _copy("budgets", t, sozialraum="null", haushaltsjahr="2030"),
        _copy("budgets", t, haushaltsjahr="null"),
        _copy("budgets", t, haushaltsjahr="2030", teilplan="null"),
        _copy("budgets", t, haushaltsjahr="2031", budget_eur="null"),
        _copy("budgets", t, haushaltsjahr="2030", teilplan="'363'"),
        _copy("budgets", "sozialraum = 'Kaltenkirchen' and haushaltsjahr = 2024 and teilplan = '3634'"),
        "alter table raw.budgets alter column budget_eur type double",
    ]
    return sql, {
        **{f"budgets.{c}_pflichtfeld": (1, None) for c in ("sozialraum", "haushaltsjahr", "teilplan", "budget_eur")},
        "budgets.teilplan_format": (1, "363"),
        "budgets.schluessel_eindeutig": (2, "Kaltenkirchen"),
        "budgets.spalten_und_typen": (1, "DOUBLE"),
    }


EXPORT_SZENARIEN = [hilfen_plausibilitaet, zahlungen_fehler, traeger_fehler, sozialraeume_region, bevoelkerung_fehler,
                    budgets_fehler, alle_eingebrochen]
SQL_SZENARIEN = [hilfen_manipuliert, zahlungen_manipuliert, traeger_manipuliert, sozialraeume_manipuliert,
                 bevoelkerung_manipuliert, budgets_manipuliert]


# The inner loop (`pytest -m "not slow"`) runs scenarios that leave each other's checks alone together:
# one warehouse, one run, each check failing with the same count and example as when its scenario runs
# alone (the slow set runs every scenario on its own warehouse). Scenarios that write the same export
# or expect the same check stay apart.
ZUSAMMEN = [
    SQL_SZENARIEN,
    [sozialraeume_region, hilfen_plausibilitaet, zahlungen_fehler, traeger_fehler, budgets_fehler],
    [bevoelkerung_fehler],
    [alle_eingebrochen],
]


def _expected(szenario, folder):
    out = szenario(folder)
    return out if isinstance(out, tuple) else (None, out)


def _zusammen(szenarien, folder):
    """The tamper SQL and the expected failures of several scenarios written into one folder."""
    tamper, expected = [], {}
    for szenario in szenarien:
        sql, erwartet = _expected(szenario, folder)
        assert not set(expected) & set(erwartet), (szenario.__name__, set(expected) & set(erwartet))
        tamper += sql or []
        expected |= erwartet
    return tamper or None, expected


def _fails_exactly(befund, expected):
    """Exactly the expected checks fail, each with its count and an example or message showing the fault;
    Dagster's ERROR and WARN checks of each table agree."""
    assert befund.nicht_bestanden == set(expected), befund.nicht_bestanden ^ set(expected)
    for name, (count, shown) in expected.items():
        row = befund.zeilen[name]
        assert row["fehlerhafte_zeilen"] == count, (name, row["fehlerhafte_zeilen"], row["meldung"])
        assert row["schweregrad"] == ALLE[name].schweregrad
        assert str(count) in row["meldung"] and "Prüfung konnte nicht" not in row["meldung"], row["meldung"]
        assert row["beispiele"] and json.loads(row["beispiele"]), name
        if shown:
            assert shown in row["beispiele"] or shown in row["meldung"], (name, row["beispiele"], row["meldung"])
    # Dagster: the ERROR check fails exactly when an ERROR expectation of its table failed, the WARN likewise
    for (art, check), evaluation in befund.checks.items():
        schweregrad = ERROR if check == "qualitaet_error" else WARN
        failed = {n for n in expected if n.startswith(art + ".") and ALLE[n].schweregrad == schweregrad}
        assert evaluation.passed == (not failed), (art, check)
        assert evaluation.severity.value == schweregrad
        meta = evaluation.metadata
        assert meta["nicht_bestanden"].value == len(failed)
        assert meta["fehlerhafte_zeilen"].value == sum(expected[n][0] for n in failed)
        assert set(meta["beispiele"].value) == failed
    # a failed check never fails the run: an ERROR withholds only the statutory export
    assert befund.result.success


# --- the tests -------------------------------------------------------------------

def test_clean_office_passes_every_check(tmp_path, monkeypatch):
    befund = load_and_check(write_clean_office(tmp_path / "ex"), tmp_path / "wh.duckdb", tmp_path / "ber", monkeypatch)

    assert befund.result.success
    assert set(befund.zeilen) == set(ALLE)
    assert befund.nicht_bestanden == set()
    for (art, check), evaluation in befund.checks.items():
        assert evaluation.passed, (art, check)
    assert len(befund.checks) == 2 * len(SUITES)
    for r in befund.zeilen.values():
        assert r["fehlerhafte_zeilen"] == 0 and r["meldung"].startswith("In Ordnung")
    # the checks looked at something: every booking, every current help
    assert befund.zeilen["zahlungen.kostenart_codeliste"]["geprueft_zeilen"] == sum(map(len, buchungen().values()))
    assert befund.zeilen["hilfen.hilfeart_codeliste"]["geprueft_zeilen"] == 6


@pytest.mark.slow
@pytest.mark.parametrize("szenario", EXPORT_SZENARIEN + SQL_SZENARIEN, ids=lambda s: s.__name__)
def test_fault_fails_exactly_its_checks(szenario, tmp_path, monkeypatch):
    folder = write_clean_office(tmp_path / "ex")
    tamper, expected = _expected(szenario, folder)

    befund = load_and_check(folder, tmp_path / "wh.duckdb", tmp_path / "ber", monkeypatch, tamper=tamper)

    _fails_exactly(befund, expected)


@pytest.mark.parametrize("szenarien", ZUSAMMEN, ids=lambda ss: "+".join(s.__name__ for s in ss))
def test_faults_together_fail_exactly_their_checks(szenarien, tmp_path, monkeypatch):
    folder = write_clean_office(tmp_path / "ex")
    tamper, expected = _zusammen(szenarien, folder)

    befund = load_and_check(folder, tmp_path / "wh.duckdb", tmp_path / "ber", monkeypatch, tamper=tamper)

    _fails_exactly(befund, expected)


def test_the_inner_loop_runs_every_scenario_once():
    gruppiert = [s for szenarien in ZUSAMMEN for s in szenarien]
    assert sorted(s.__name__ for s in gruppiert) == sorted(s.__name__ for s in EXPORT_SZENARIEN + SQL_SZENARIEN)


def test_every_check_has_a_fault_that_fails_it(tmp_path):
    covered = set()
    for szenario in EXPORT_SZENARIEN + SQL_SZENARIEN:
        folder = write_clean_office(tmp_path / szenario.__name__)
        covered |= set(_expected(szenario, folder)[1])
    assert covered == set(ALLE), set(ALLE) - covered


def test_every_check_has_a_severity_and_a_stable_unique_name():
    names = [p.name for build in SUITES.values() for p in build().pruefungen]
    assert len(names) == len(set(names))
    for art, build in SUITES.items():
        for p in build().pruefungen:
            assert p.name.startswith(art + ".") and p.schweregrad in (ERROR, WARN)
            assert "{n}" in p.fehlertext and p.beschreibung


def test_a_shared_part_that_cannot_be_built_is_reported_on_every_frame_reading_it(tmp_path, monkeypatch):
    """The bookings per social space (a `basis` of the bevoelkerung and budgets suites, built once) need
    raw.zahlungen.produktkonto. Without it, every coverage check says why it could not run; the checks on
    the tables' own rows still run and pass."""
    folder = write_clean_office(tmp_path / "ex")
    befund = load_and_check(folder, tmp_path / "wh.duckdb", tmp_path / "ber", monkeypatch,
                            tamper=["alter table raw.zahlungen rename column produktkonto to konto"])

    abdeckung = {p.name for art in ("bevoelkerung", "budgets") for p in SUITES[art]().pruefungen
                 if p.teil in ("abdeckung", "gemeinden", "jahre", "teilplaene")}
    assert len(abdeckung) >= 5
    for name in abdeckung:
        meldung = befund.zeilen[name]["meldung"]
        assert meldung.startswith("Prüfung konnte nicht ausgeführt werden") and "produktkonto" in meldung, meldung
    assert befund.zeilen["bevoelkerung.ags_format"]["meldung"].startswith("In Ordnung")
    assert befund.zeilen["budgets.schluessel_eindeutig"]["meldung"].startswith("In Ordnung")
