"""dbt build on a small hand-made warehouse; every mart figure checked by hand.

The warehouse is created from pipelines/kjh/warehouse/schema.sql (the
interface ingestion writes) and filled with a few rows whose expected figures
are worked out in the comments below. `dbt build` runs all models, data tests
and unit tests against it.
"""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from kjh.ingest.codelisten import write_codelisten
from kjh.paths import DBT_PROJECT_DIR
from kjh.warehouse.connection import connect, ensure_schema

DBT = Path(sys.executable).with_name("dbt")

D = Decimal

# --- hand-made exports -------------------------------------------------------
# Social spaces: first file 31.03.2022 (also covers everything before), a newer
# file 30.06.2024 moves Gemeinde B (01060002) from Nord to Ost.
SOZIALRAEUME = [
    # ags, gemeinde, sozialraum, region, stand_ab, stand_bis
    ("01060001", "Gemeinde A", "Nord", "Nordkreis", "2022-03-31", None),
    ("01060002", "Gemeinde B", "Nord", "Nordkreis", "2022-03-31", "2024-06-30"),
    ("01060002", "Gemeinde B", "Ost", "Ostkreis", "2024-06-30", None),
    ("01060003", "Gemeinde C", "Ost", "Ostkreis", "2022-03-31", None),
]

_HILFE_DEFAULTS = dict(
    fall_pseudonym="f", person_pseudonym="p", geburtsjahr=2010, geburtsmonat=1,
    geschlecht="w", auslaendische_herkunft="n", deutsch_in_familie="j",
    ort_der_durchfuehrung=None, beendigungsgrund=None, traeger_id=None,
    hauptgrund="gefaehrdung_kindeswohl",
)
# Two hilfen exports: 31.12.2024 and 31.10.2025 (the newest, the cut-off).
HILFEN = [
    # H1 ends exactly on 31.12.2024; the newest export recorded the end.
    dict(hilfe_id="H1", wohnort_ags="01060001", hilfeart="31", alter_bei_beginn=10,
         beginn="2023-03-15", ende=None, traeger_id="T1", stand_ab="2024-12-31", stand_bis="2025-10-31"),
    dict(hilfe_id="H1", wohnort_ags="01060001", hilfeart="31", alter_bei_beginn=10,
         beginn="2023-03-15", ende="2024-12-31", beendigungsgrund="planmaessig", traeger_id="T1",
         stand_ab="2025-10-31", stand_bis=None),
    # H2 lives in Gemeinde B (moves Nord -> Ost from 30.06.2024), 17 at beginn.
    dict(hilfe_id="H2", wohnort_ags="01060002", hilfeart="34", alter_bei_beginn=17,
         beginn="2022-05-01", ende=None, traeger_id="T2", stand_ab="2024-12-31", stand_bis=None),
    # H3: 35a at place 08 -> stationaer; 18 at beginn -> § 41.
    dict(hilfe_id="H3", wohnort_ags="01060003", hilfeart="35a", ort_der_durchfuehrung="08",
         alter_bei_beginn=18, beginn="2024-01-01", ende="2025-03-31", beendigungsgrund="planmaessig",
         stand_ab="2024-12-31", stand_bis=None),
    # H4: 27.2 without place -> ambulant.
    dict(hilfe_id="H4", wohnort_ags="01060001", hilfeart="27.2", alter_bei_beginn=5,
         beginn="2025-02-01", ende=None, traeger_id="T1", stand_ab="2025-10-31", stand_bis=None),
    # H5 was dropped by the newest export: not counted, its booking keeps Ost.
    dict(hilfe_id="H5", wohnort_ags="01060003", hilfeart="30", alter_bei_beginn=12,
         beginn="2024-02-01", ende=None, stand_ab="2024-12-31", stand_bis="2025-10-31"),
    # H6: 32 (teilstationaer), 19 at beginn, ends on 31.12.2022.
    dict(hilfe_id="H6", wohnort_ags="01060003", hilfeart="32", alter_bei_beginn=19,
         beginn="2021-01-10", ende="2022-12-31", beendigungsgrund="abbruch_adressat",
         stand_ab="2024-12-31", stand_bis=None),
]

ZAHLUNGEN = [
    # buchung_id, hilfe_id, buchungsdatum, von, bis, betrag, produktkonto, kostenart, traeger_id
    ("Z1", "H1", "2024-01-05", "2023-12-01", "2024-01-31", "620.00", "3632.000001", "leistung", None),
    ("Z2", "H1", "2024-02-10", "2024-01-01", "2024-01-31", "-50.00", "3632.000001", "leistung", None),
    ("Z3", "H1", "2024-03-01", "2024-02-01", "2024-02-29", "30.00", "3632.000001", "kostenbeitrag", None),
    ("Z4", None, "2024-04-15", "2024-04-01", "2024-04-30", "1000.00", "3631.000002", "leistung", None),
    ("Z5", "H2", "2024-05-20", "2024-05-01", "2024-05-31", "3000.00", "3634.000001", "leistung", "T2"),
    ("Z6", "H2", "2024-07-20", "2024-07-01", "2024-07-31", "3000.00", "3634.000001", "leistung", "T2"),
    ("Z7", "H2", "2024-08-20", "2024-07-01", "2024-07-31", "500.00", "3634.000001", "erstattung", "T2"),
    ("Z8", "H5", "2024-09-01", "2024-08-01", "2024-08-31", "200.00", "3633.000001", "leistung", None),
    ("Z9", "H3", "2025-01-15", "2025-01-01", "2025-01-31", "100.00", "3634.000001", "leistung", None),
    ("Z10", "H4", "2025-10-30", "2025-10-01", "2025-10-31", "400.00", "3632.000001", "leistung", None),
    ("Z11", "H3", "2025-02-01", "2025-01-15", "2025-03-14", "100.00", "3634.000001", "leistung", None),
]

TRAEGER = [
    ("T1", "Diakonie Jugendhilfe", "frei_gemeinnuetzig", "Diakonie", "01060001"),
    ("T2", "Kinderhaus GmbH", "privat_gewerblich", None, "01060003"),
]

BEVOELKERUNG = [
    # ags, jahr, altersgruppe, anzahl, stand_bis
    ("01060001", 2023, "0-5", 100, None),
    ("01060002", 2023, "0-5", 100, None),
    ("01060003", 2023, "0-5", 100, None),
    ("01060001", 2024, "0-5", 100, None),
    ("01060001", 2024, "6-8", 50, None),
    ("01060002", 2024, "18-20", 50, None),
    ("01060003", 2024, "0-5", 200, None),
    ("01060003", 2024, "15-17", 100, None),
    ("01060003", 2024, "9-11", 999, "2025-10-31"),  # replaced by the newest file
]

BUDGETS = [
    # sozialraum, haushaltsjahr, teilplan, budget_eur, stand_ab, stand_bis
    ("Nord", 2024, "3632", "1000.00", "2024-01-01", None),
    ("Ost", 2024, "3634", "2000.00", "2024-01-01", None),
    ("Ost", 2025, "3634", "1200.00", "2025-01-01", None),
    ("Nord", 2025, "3632", "450.00", "2025-01-01", "2025-06-30"),  # amended
    ("Nord", 2025, "3632", "500.00", "2025-06-30", None),
]


def create_warehouse(path: Path) -> None:
    """A DuckDB file with the ingestion schema, the code lists and the rows above."""
    con = connect(path)
    try:
        ensure_schema(con)  # pipelines/kjh/warehouse/schema.sql
        write_codelisten(con)  # ref.* from sources/contract/codelisten.yml
        for i, r in enumerate(SOZIALRAEUME):
            con.execute(
                "insert into raw.sozialraeume (ags, gemeinde, sozialraum, region, zeilen_hash, stand_ab,"
                " stand_bis, lieferung_id, zeile) values (?, ?, ?, ?, 'h', ?, ?, 1, ?)",
                [*r, i + 2],
            )
        for i, h in enumerate(HILFEN):
            row = {**_HILFE_DEFAULTS, **h}
            con.execute(
                "insert into raw.hilfen (hilfe_id, fall_pseudonym, person_pseudonym, geburtsjahr,"
                " geburtsmonat, alter_bei_beginn, geschlecht, auslaendische_herkunft, deutsch_in_familie,"
                " wohnort_ags, hilfeart, ort_der_durchfuehrung, beginn, ende, beendigungsgrund, traeger_id,"
                " hauptgrund, zeilen_hash, stand_ab, stand_bis, lieferung_id, zeile)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'h', ?, ?, 2, ?)",
                [row[k] for k in (
                    "hilfe_id", "fall_pseudonym", "person_pseudonym", "geburtsjahr", "geburtsmonat",
                    "alter_bei_beginn", "geschlecht", "auslaendische_herkunft", "deutsch_in_familie",
                    "wohnort_ags", "hilfeart", "ort_der_durchfuehrung", "beginn", "ende",
                    "beendigungsgrund", "traeger_id", "hauptgrund", "stand_ab", "stand_bis",
                )] + [i + 2],
            )
        for i, z in enumerate(ZAHLUNGEN):
            con.execute(
                "insert into raw.zahlungen (buchung_id, hilfe_id, buchungsdatum, zeitraum_von, zeitraum_bis,"
                " betrag, produktkonto, kostenart, traeger_id, zeilen_hash, stand, lieferung_id, zeile)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'h', '2025-10-31', 3, ?)",
                [*z, i + 2],
            )
        for i, t in enumerate(TRAEGER):
            con.execute(
                "insert into raw.traeger (traeger_id, name, traegerart, verband, sitz_ags, gueltig_ab,"
                " zeilen_hash, stand_ab, lieferung_id, zeile) values (?, ?, ?, ?, ?, '2020-01-01', 'h',"
                " '2025-10-31', 4, ?)",
                [*t, i + 2],
            )
        for i, b in enumerate(BEVOELKERUNG):
            con.execute(
                "insert into raw.bevoelkerung (ags, jahr, altersgruppe, anzahl, zeilen_hash, stand_ab,"
                " stand_bis, lieferung_id, zeile) values (?, ?, ?, ?, 'h', '2025-01-31', ?, 5, ?)",
                [*b, i + 2],
            )
        for i, b in enumerate(BUDGETS):
            con.execute(
                "insert into raw.budgets (sozialraum, haushaltsjahr, teilplan, budget_eur, zeilen_hash,"
                " stand_ab, stand_bis, lieferung_id, zeile) values (?, ?, ?, ?, 'h', ?, ?, 6, ?)",
                [*b, i + 2],
            )
    finally:
        con.close()


def run_dbt(warehouse: Path, work: Path, *args: str, target: Path | None = None) -> subprocess.CompletedProcess:
    """Runs the dbt CLI on the project against `warehouse`, artifacts under `work` (or `target`).

    The warehouse is named relative to its folder (dbt runs there): its path is then no part of dbt's
    parse state, and runs sharing a `target` folder and their vars parse the project once."""
    env = {
        **os.environ,
        "KJH_WAREHOUSE": warehouse.name,
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(target or work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    return subprocess.run(
        [str(DBT), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env=env, cwd=warehouse.parent, capture_output=True, text=True, check=False,
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("dbt")
    path = work / "warehouse.duckdb"
    create_warehouse(path)
    # the hand-made data has helps from 2021 but bookings only from 2024: report from 2021 on
    result = run_dbt(path, work, "build", "--vars", "{erstes_berichtsjahr: 2021}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_build_ran_unit_tests(warehouse):
    """The fixture's `dbt build` ran every unit test of the project and each passed (the pipeline's
    build leaves them out: kjh.defs.transform.assets.dbt_build_args; this is where they run)."""
    import json

    target = warehouse.parent / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    run_results = json.loads((target / "run_results.json").read_text())
    unit_tests = set(manifest.get("unit_tests", {}))
    assert len(unit_tests) >= 14
    status = {r["unique_id"]: r["status"] for r in run_results["results"] if r["unique_id"] in unit_tests}
    assert status == {uid: "pass" for uid in unit_tests}
    n = rows(warehouse, "select count(*) from information_schema.tables where table_schema = 'marts'")[0][0]
    assert n >= 11


# Models that only select and rename columns: nothing for a unit test to check.
OHNE_LOGIK = {"stg_ref__codelisten", "stg_ref__hilfearten", "stg_ref__orte_der_durchfuehrung"}


def test_every_model_with_logic_has_unit_tests(warehouse):
    """Every model but the plain renames has at least one dbt unit test in the manifest."""
    import json

    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text())
    modelle = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    getestet = {u["model"] for u in manifest["unit_tests"].values()}
    assert modelle - getestet == OHNE_LOGIK


def test_fallzahlen_jahr(warehouse):
    got = rows(warehouse, """
        select jahr, sozialraum, hilfeart, laufend_31_12, begonnen, beendet, davon_41
        from marts.fallzahlen_jahr order by all""")
    assert got == sorted([
        # H6: begun 2021, § 41 (19 at beginn); ends on 31.12.2022 -> ended, not running on 31.12.
        (2021, "Ost", "32", 1, 1, 0, 1),
        (2022, "Ost", "32", 0, 0, 1, 1),
        # H2 in Gemeinde B: Nord until the mapping change on 30.06.2024, Ost from 2024 on
        (2022, "Nord", "34", 1, 1, 0, 0),
        (2023, "Nord", "34", 1, 0, 0, 0),
        (2024, "Ost", "34", 1, 0, 0, 0),
        (2025, "Ost", "34", 1, 0, 0, 0),
        # H1 ends exactly on 31.12.2024: ended in 2024, not running on 31.12.2024
        (2023, "Nord", "31", 1, 1, 0, 0),
        (2024, "Nord", "31", 0, 0, 1, 0),
        # H3 (§ 41)
        (2024, "Ost", "35a", 1, 1, 0, 1),
        (2025, "Ost", "35a", 0, 0, 1, 1),
        # H4; H5 is not in the newest export and is not counted
        (2025, "Nord", "27.2", 1, 1, 0, 0),
    ])


def test_fallzahlen_jahr_settings_and_stichtag(warehouse):
    got = rows(warehouse, """
        select jahr, hilfeart, stichtag, davon_ambulant, davon_teilstationaer, davon_stationaer
        from marts.fallzahlen_jahr where jahr in (2022, 2025) order by all""")
    assert [(g[0], g[1], str(g[2]), g[3], g[4], g[5]) for g in got] == [
        (2022, "32", "2022-12-31", 0, 1, 0),
        (2022, "34", "2022-12-31", 0, 0, 1),
        (2025, "27.2", "2025-10-31", 1, 0, 0),  # current year: reference date = cut-off
        (2025, "34", "2025-10-31", 0, 0, 1),
        (2025, "35a", "2025-10-31", 0, 0, 1),  # 35a at place 08
    ]


def test_fallzahlen_monat(warehouse):
    got = rows(warehouse, """
        select strftime(monat, '%Y-%m'), sozialraum, hilfeart, laufend_monatsende, begonnen, beendet
        from marts.fallzahlen_monat
        where hilfeart in ('31', '35a') and monat in ('2023-03-01', '2024-12-01', '2025-03-01')
        order by all""")
    assert got == [
        ("2023-03", "Nord", "31", 1, 1, 0),
        ("2024-12", "Nord", "31", 0, 0, 1),  # ends on the month end: not running on 31.12.
        ("2024-12", "Ost", "35a", 1, 0, 0),
        ("2025-03", "Ost", "35a", 0, 0, 1),
    ]
    # months run to the cut-off month, not beyond
    assert rows(warehouse, "select max(monat)::varchar from marts.fallzahlen_monat")[0][0] == "2025-10-01"


def test_ausgaben_jahr(warehouse):
    got = rows(warehouse, """
        select haushaltsjahr, sozialraum, teilplan, ausgaben_eur, einnahmen_eur, netto_eur
        from marts.ausgaben_jahr order by all""")
    assert got == sorted([
        # Z1 620 + refund Z2 -50 = 570 expenditure; Kostenbeitrag Z3 30 income
        (2024, "Nord", "3632", D("570.00"), D("30.00"), D("540.00")),
        # Z5 booked 20.05.2024, before Gemeinde B moved: Nord
        (2024, "Nord", "3634", D("3000.00"), D("0.00"), D("3000.00")),
        # Z6 and Z7 after the move: Ost
        (2024, "Ost", "3634", D("3000.00"), D("500.00"), D("2500.00")),
        # Z8: help dropped from the newest export keeps its social space
        (2024, "Ost", "3633", D("200.00"), D("0.00"), D("200.00")),
        # Z4 without a help
        (2024, "ohne Sozialraum", "3631", D("1000.00"), D("0.00"), D("1000.00")),
        (2025, "Nord", "3632", D("400.00"), D("0.00"), D("400.00")),
        (2025, "Ost", "3634", D("200.00"), D("0.00"), D("200.00")),
    ])


def test_ausgaben_monat_kumuliert(warehouse):
    got = rows(warehouse, """
        select strftime(monat, '%Y-%m'), hilfeart, netto_eur, netto_kumuliert_eur
        from marts.ausgaben_monat where sozialraum = 'Nord' and teilplan = '3632' order by monat""")
    assert got == [
        ("2024-01", "31", D("620.00"), D("620.00")),
        ("2024-02", "31", D("-50.00"), D("570.00")),
        ("2024-03", "31", D("-30.00"), D("540.00")),
        ("2025-10", "27.2", D("400.00"), D("400.00")),  # a new Haushaltsjahr starts from 0
    ]
    ohne = rows(warehouse, "select hilfeart, netto_eur from marts.ausgaben_monat where sozialraum = 'ohne Sozialraum'")
    assert ohne == [(None, D("1000.00"))]


def test_kosten_je_fall(warehouse):
    got = {
        (r[0], r[1], r[2]): r[3:]
        for r in rows(warehouse, """
            select jahr, sozialraum, hilfeart, fallmonate, netto_periodengerecht_eur, eur_je_fallmonat
            from marts.kosten_je_fall""")
    }
    # H1 2023: 17 days of March (15.-31.) + 9 months = 9.548 case-months; Z1 spans the
    # year boundary: 620.00 over 62 days -> December 2023 310.00, January 2024 310.00.
    assert got[(2023, "Nord", "31")] == (D("9.55"), D("310.00"), D("32.47"))
    # H1 2024: runs until 30.12. (ende 31.12. excluded) = 11 + 30/31 case-months;
    # 310.00 (Z1) - 50.00 refund (Z2) - 30.00 Kostenbeitrag (Z3) = 230.00
    assert got[(2024, "Nord", "31")] == (D("11.97"), D("230.00"), D("19.22"))
    # H3 2025: Z9 100.00 in January; Z11 100.00 over 15.01.-14.03. (59 days):
    # Jan 28.81, Feb 47.46, Mar 23.73 -> all in 2025; runs 01.01.-30.03. = 3 - 1/31 months
    assert got[(2025, "Ost", "35a")] == (D("2.97"), D("200.00"), D("67.39"))


def test_periodengerecht_cent_exact(warehouse):
    got = rows(warehouse, """
        select strftime(monat, '%Y-%m'), netto_periodengerecht_eur
        from intermediate.int_zahlungen_periodengerecht where buchung_id = 'Z11' order by monat""")
    assert got == [("2025-01", D("28.81")), ("2025-02", D("47.46")), ("2025-03", D("23.73"))]
    diff = rows(warehouse, """
        select count(*) from (
            select z.buchung_id from intermediate.int_zahlungen z
            join intermediate.int_zahlungen_periodengerecht p using (buchung_id)
            group by z.buchung_id, z.netto_eur having sum(p.netto_periodengerecht_eur) <> z.netto_eur)""")
    assert diff == [(0,)]


def test_eckwerte_jahr(warehouse):
    got = {(r[0], r[1]): r[2:] for r in rows(warehouse, "select * from marts.eckwerte_jahr")}
    # 2023: Nord = A + B (B still Nord on 31.12.2023): H1 + H2 running on 31.12. = 2 per 200
    assert got[(2023, "Nord")] == (2, 200, D("10.00"))
    assert got[(2023, "Ost")] == (0, 100, D("0.00"))
    assert got[(2023, "Kreis gesamt")] == (2, 300, D("6.67"))
    # 2024: Nord = A (150): H1 ended; Ost = B + C (50 + 300; the replaced 999 not used): H2 + H3
    assert got[(2024, "Nord")] == (1, 150, D("6.67"))
    assert got[(2024, "Ost")] == (2, 350, D("5.71"))
    assert got[(2024, "Kreis gesamt")] == (3, 500, D("6.00"))
    # no population for 2025: no Eckwert
    assert got[(2025, "Kreis gesamt")] == (3, None, None)


def test_budget_auslastung(warehouse):
    got = {
        (r[0], r[1], r[2]): r[3:]
        for r in rows(warehouse, """
            select haushaltsjahr, sozialraum, teilplan, budget_eur, netto_bis_stand_eur, stand::varchar,
                   prognose_basis, prognose_jahresende_eur, prognose_auslastung_pct, ampel, restmittel_eur
            from marts.budget_auslastung""")
    }
    assert got[(2024, "Nord", "3632")] == (
        D("1000.00"), D("540.00"), "2025-10-30", "ist", D("540.00"), D("54.0"), "gruen", D("460.00"))
    assert got[(2024, "Ost", "3634")] == (
        D("2000.00"), D("2500.00"), "2025-10-30", "ist", D("2500.00"), D("125.0"), "rot", D("-500.00"))
    # spending without a budget row still shows
    assert got[(2024, "ohne Sozialraum", "3631")][:2] == (None, D("1000.00"))
    # the amended budget is in force
    nord_2025 = got[(2025, "Nord", "3632")]
    assert nord_2025[:4] == (D("500.00"), D("400.00"), "2025-10-30", "prognose")
    assert nord_2025[4] >= D("400.00")
    assert nord_2025[7] == D("100.00")


def test_budget_verbleib_jahr(warehouse):
    got = {(r[0], r[1]): r[2:] for r in rows(warehouse, """
        select haushaltsjahr, sozialraum, region, basis, budget_eur, netto_jahresende_eur,
               unterschreitung_eur, verbleib_region_mindestens_eur
        from marts.budget_verbleib_jahr""")}
    # Nord 2024: cap 1000 (Teilplan 3632), net 540 -> 460 unspent, at least 230 stays
    assert got[(2024, "Nord")] == ("Nordkreis", "ist", D("1000.00"), D("540.00"), D("460.00"), D("230.00"))
    assert got[(2024, "Ost")] == ("Ostkreis", "ist", D("2000.00"), D("2500.00"), D("0.00"), D("0.00"))


def test_traeger_kennzahlen(warehouse):
    got = {(r[0], r[1]): r[2:] for r in rows(warehouse, """
        select jahr, traeger_id, name, traegerart, verband, hilfen, netto_eur, anteil_netto_pct
        from marts.traeger_kennzahlen""")}
    # 2024: T1 (help H1, ended) 540.00 via the help's provider; T2 5500.00
    assert got[(2024, "T1")] == ("Diakonie Jugendhilfe", "frei_gemeinnuetzig", "Diakonie", 1, D("540.00"), D("8.94"))
    assert got[(2024, "T2")] == ("Kinderhaus GmbH", "privat_gewerblich", None, 1, D("5500.00"), D("91.06"))


def test_traeger_sozialraum_jahr(warehouse):
    got = rows(warehouse, """
        select jahr, sozialraum, traeger_id, netto_eur, hilfen
        from marts.traeger_sozialraum_jahr order by all""")
    assert got == sorted([
        # H1 (provider T1 from the help) in Nord: 620 - 50 - 30
        (2024, "Nord", "T1", D("540.00"), 1),
        # H2 (T2) in Gemeinde B: Nord before the mapping change on 30.06.2024, Ost after (3000 - 500)
        (2024, "Nord", "T2", D("3000.00"), 1),
        (2024, "Ost", "T2", D("2500.00"), 1),
        # Z4 without a help or provider
        (2024, "ohne Sozialraum", None, D("1000.00"), 0),
        # H5 (dropped from the newest export, no provider) keeps Ost
        (2024, "Ost", None, D("200.00"), 1),
        # H3: two bookings of one help without a provider
        (2025, "Ost", None, D("200.00"), 1),
        (2025, "Nord", "T1", D("400.00"), 1),
    ], key=lambda r: (r[0], r[1], r[2] is None, r[2] or ""))


def test_prognose_backtest_without_earlier_year(warehouse):
    # 2024 is the only closed year with bookings: backtested, nothing to learn from
    got = rows(warehouse, """
        select distinct haushaltsjahr, lernjahre from marts.prognose_backtest""")
    assert got == [(2024, 0)]
    assert rows(warehouse, "select count(*) from marts.prognose_genauigkeit") == [(0,)]


def test_vorjahresvergleich(warehouse):
    got = rows(warehouse, """
        select wert, wert_vorjahr, veraenderung, veraenderung_pct from marts.vorjahresvergleich
        where jahr = 2024 and sozialraum = 'Kreis gesamt' and kennzahl = 'hilfen_summe'""")
    assert got == [(D("3.00"), D("2.00"), D("1.00"), D("50.0"))]


def test_schemas_are_named_exactly(warehouse):
    schemas = {r[0] for r in rows(warehouse, "select distinct table_schema from information_schema.tables")}
    assert {"staging", "intermediate", "marts"} <= schemas
    assert not any(s.startswith("main_") for s in schemas)
