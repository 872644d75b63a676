"""Plausibility checks (statistics office) and finance controls on the dbt layers.

Two small warehouses, each built once with `dbt run` (not build: the crafted
faults would fail dbt's own data tests and skip the marts): a clean one on
which every check passes, and the same data plus one crafted fault per check
(inserted into the raw tables directly, where ingestion would have stopped
some of them; the § 41 flag is derived in dbt, so it is falsified in
intermediate.int_hilfen_episoden after the build).
"""
import shutil

import dagster as dg
import duckdb
import pytest

from kjh.ingest.codelisten import write_codelisten
from kjh.quality import finanzkontrollen, plausibilitaet, results
from kjh.quality.rules import ERROR, INFO, WARN
from kjh.quality.sql_pruefungen import run
from kjh.warehouse.connection import connect, ensure_schema
from tests.test_dbt_marts import run_dbt

STAND = "2025-12-31"  # export date of every delivery: the reporting cut-off, 2025 is complete

SOZIALRAEUME = [("01060001", "Gemeinde A", "Nord", "Nordkreis"), ("01060002", "Gemeinde B", "Ost", "Ostkreis")]
NORD, OST = "01060001", "01060002"

TRAEGER = [
    # traeger_id, entgelt_tagessatz, gueltig_ab, gueltig_bis
    ("T1", None, "2020-01-01", None),
    ("T2", "100.00", "2020-01-01", None),      # daily rate 100 €
    ("T3", None, "2024-01-01", "2024-12-31"),  # agreement for 2024 only
]


def hilfe(hilfe_id, hilfeart, ags, beginn, ende=None, *, alter=10, grund=None, traeger=None, person=None,
          gruende=(None, None)):
    return dict(hilfe_id=hilfe_id, hilfeart=hilfeart, wohnort_ags=ags, beginn=beginn, ende=ende,
                alter_bei_beginn=alter, beendigungsgrund=grund, traeger_id=traeger,
                person_pseudonym=person or f"p_{hilfe_id}", grund_2=gruende[0], grund_3=gruende[1])


CLEAN_HILFEN = [
    # 30 running SPFH in Nord: 30 cases in 2023, 2024, 2025
    *[hilfe(f"N{i:02d}", "31", NORD, "2023-01-01", traeger="T1") for i in range(1, 31)],
    hilfe("O01", "34", OST, "2023-01-01", alter=12, traeger="T2"),
    hilfe("O02", "30", OST, "2024-01-01", alter=14, traeger="T3"),
    hilfe("E1", "28", OST, "2024-01-01", "2024-06-30", alter=8, grund="planmaessig"),
    hilfe("EB9", "28", OST, "2017-01-01", alter=3),           # counselling for 9 years: fine
    hilfe("M19", "19", OST, "2025-01-01", alter=-1),          # § 19 may begin before birth
    hilfe("V41", "30", OST, "2025-01-01", alter=19),          # § 41 at 19
    hilfe("G3", "30", OST, "2025-01-01", gruende=("schulische_berufliche_probleme", "unversorgtheit")),
    # one person, same type, handover on the same day: no overlap
    hilfe("S1", "30", OST, "2023-01-01", "2023-12-31", grund="planmaessig", person="ps"),
    hilfe("S2", "30", OST, "2023-12-31", person="ps"),
]

FAULTY_HILFEN = [
    hilfe("F42", "42", OST, "2025-03-01", alter=18),                                  # § 42 at 18
    hilfe("FEVB", "30", OST, "2025-02-01", "2025-01-01", grund="planmaessig"),        # ende < beginn
    hilfe("FEXP", "30", OST, "2025-01-01", "2026-03-31", grund="planmaessig"),        # ende after export
    hilfe("FBG", "30", OST, "2025-01-01", "2025-05-31"),                              # no beendigungsgrund
    hilfe("FU1", "30", OST, "2024-01-01", person="pu"),                               # overlap
    hilfe("FU2", "30", OST, "2025-01-01", person="pu"),
    hilfe("FGEB", "33", OST, "2025-01-01", alter=-1),                                 # Vollzeitpflege before birth
    hilfe("FEB", "28", OST, "2014-01-01", alter=3),                                   # EB for 12 years
    hilfe("FGR", "30", OST, "2025-01-01", gruende=("gefaehrdung_kindeswohl", None)),  # 2nd reason = Hauptgrund
    # 20 new SPFH in Nord from February 2025: 30 -> 50 cases (+67 %)
    *[hilfe(f"N{i:02d}", "31", NORD, "2025-02-01", traeger="T1") for i in range(31, 51)],
]

L = "leistung"
CLEAN_ZAHLUNGEN = [
    # buchung_id, hilfe_id, buchungsdatum, von, bis, betrag, produktkonto, kostenart, traeger_id
    # N01..N05: 12 000 € a year each -> about 1 000 € per case-month, 60 000 € net a year in Nord
    *[(f"J{y}{n}", n, f"{y}-01-15", f"{y}-01-01", f"{y}-12-31", "12000.00", "3632.000001", L, None)
      for y in (2023, 2024, 2025) for n in ("N01", "N02", "N03", "N04", "N05")],
    ("R1", "O01", "2025-02-05", "2025-01-01", "2025-01-31", "3100.00", "3634.000001", L, "T2"),  # 31 × 100
    ("E1A", "E1", "2024-07-20", "2024-07-01", "2024-07-15", "500.00", "3632.000001", L, None),  # 15 days grace
    ("T3A", "O02", "2024-06-05", "2024-05-01", "2024-05-31", "800.00", "3632.000001", L, "T3"),
    # booked, reversed, booked again: not a double booking
    ("S1", "N02", "2025-04-05", "2025-04-01", "2025-04-30", "500.00", "3632.000001", L, None),
    ("S2", "N02", "2025-04-06", "2025-04-01", "2025-04-30", "-500.00", "3632.000001", L, None),
    ("S3", "N02", "2025-04-07", "2025-04-01", "2025-04-30", "500.00", "3632.000001", L, None),
]

FAULTY_ZAHLUNGEN = [
    ("X_NACH", "E1", "2024-10-05", "2024-09-01", "2024-09-30", "500.00", "3632.000001", L, None),
    ("X_VER", "O02", "2025-02-10", "2025-02-01", "2025-02-28", "800.00", "3632.000001", L, "T3"),
    # a period whose invoice is due (45 days before the latest booking): 31 × 100 = 3 100, booked 3 300
    ("X_SATZ", "O01", "2025-01-05", "2024-12-01", "2024-12-31", "3300.00", "3634.000001", L, "T2"),
    ("X_DUP1", "N01", "2025-03-10", "2025-03-01", "2025-03-31", "1000.00", "3632.000001", L, None),
    ("X_DUP2", "N01", "2025-03-11", "2025-03-01", "2025-03-31", "1000.00", "3632.000001", L, None),
    ("X_AUS", "N06", "2025-02-10", "2025-01-01", "2025-01-31", "50000.00", "3632.000001", L, None),
]

_HILFE_DEFAULTS = dict(fall_pseudonym="f", geburtsjahr=2010, geburtsmonat=1, geschlecht="w",
                       auslaendische_herkunft="n", deutsch_in_familie="j", ort_der_durchfuehrung=None,
                       hauptgrund="gefaehrdung_kindeswohl")
_HILFE_SPALTEN = ("hilfe_id", "fall_pseudonym", "person_pseudonym", "geburtsjahr", "geburtsmonat",
                  "alter_bei_beginn", "geschlecht", "auslaendische_herkunft", "deutsch_in_familie", "wohnort_ags",
                  "hilfeart", "ort_der_durchfuehrung", "beginn", "ende", "beendigungsgrund", "traeger_id",
                  "hauptgrund", "grund_2", "grund_3")


def build(path, hilfen, zahlungen, work, dbt_ziel):
    con = connect(path)
    try:
        ensure_schema(con)
        write_codelisten(con)
        for i, s in enumerate(SOZIALRAEUME):
            con.execute("insert into raw.sozialraeume (ags, gemeinde, sozialraum, region, zeilen_hash, stand_ab,"
                        " lieferung_id, zeile) values (?, ?, ?, ?, 'h', '2022-01-01', 1, ?)", [*s, i + 2])
        for i, h in enumerate(hilfen):
            row = {**_HILFE_DEFAULTS, **h}
            con.execute(f"insert into raw.hilfen ({', '.join(_HILFE_SPALTEN)}, zeilen_hash, stand_ab, lieferung_id,"
                        f" zeile) values ({', '.join('?' * len(_HILFE_SPALTEN))}, 'h', ?, 2, ?)",
                        [row[k] for k in _HILFE_SPALTEN] + [STAND, i + 2])
        for i, z in enumerate(zahlungen):
            con.execute("insert into raw.zahlungen (buchung_id, hilfe_id, buchungsdatum, zeitraum_von, zeitraum_bis,"
                        " betrag, produktkonto, kostenart, traeger_id, zeilen_hash, stand, lieferung_id, zeile)"
                        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'h', ?, 3, ?)", [*z, STAND, i + 2])
        for i, (tid, satz, ab, bis) in enumerate(TRAEGER):
            con.execute("insert into raw.traeger (traeger_id, name, traegerart, sitz_ags, entgelt_tagessatz,"
                        " gueltig_ab, gueltig_bis, zeilen_hash, stand_ab, lieferung_id, zeile)"
                        " values (?, ?, 'frei_gemeinnuetzig', ?, ?, ?, ?, 'h', ?, 4, ?)",
                        [tid, f"Träger {tid}", NORD, satz, ab, bis, STAND, i + 2])
    finally:
        con.close()
    result = run_dbt(path, work, "run", "--vars", "{erstes_berichtsjahr: 2023}", target=dbt_ziel)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def dbt_ziel(tmp_path_factory):
    """One dbt target folder for both warehouses: the second run parses the project partially."""
    return tmp_path_factory.mktemp("plausi_dbt")


@pytest.fixture(scope="module")
def sauber(tmp_path_factory, dbt_ziel):
    work = tmp_path_factory.mktemp("plausi_sauber")
    path = work / "warehouse.duckdb"
    build(path, CLEAN_HILFEN, CLEAN_ZAHLUNGEN, work, dbt_ziel)
    con = duckdb.connect(str(path))
    yield con
    con.close()


@pytest.fixture(scope="module")
def fehlerhaft(tmp_path_factory, dbt_ziel):
    work = tmp_path_factory.mktemp("plausi_fehlerhaft")
    path = work / "warehouse.duckdb"
    build(path, CLEAN_HILFEN + FAULTY_HILFEN, CLEAN_ZAHLUNGEN + FAULTY_ZAHLUNGEN, work, dbt_ziel)
    con = duckdb.connect(str(path))
    # the § 41 flag is derived from the age in dbt: falsify it where the statistics are built from
    con.execute("update intermediate.int_hilfen_episoden set ist_paragraph_41 = true where hilfe_id = 'N01'")
    yield con
    con.close()


PRUEFUNGEN = {p.name: p for p in plausibilitaet.PRUEFUNGEN + finanzkontrollen.PRUEFUNGEN}

# name -> (severity, failing records in the faulty warehouse, ids in the examples, words of the message)
ERWARTET = {
    "plausi.p41_nur_volljaehrige": (ERROR, 1, ["N01"], ["§ 41"]),
    "plausi.p42_nur_minderjaehrige": (ERROR, 1, ["F42"], ["Inobhutnahmen"]),
    "plausi.ende_vor_beginn": (ERROR, 1, ["FEVB"], ["enden vor ihrem Beginn"]),
    "plausi.ende_nach_exportdatum": (WARN, 1, ["FEXP"], ["geplantes Ende nach dem Exportdatum"]),
    "plausi.beendigungsgrund_fehlt": (ERROR, 1, ["FBG"], ["keinen Beendigungsgrund"]),
    "plausi.gruende_verschieden": (ERROR, 1, ["FGR"], ["zweimal"]),
    "plausi.ueberschneidung_gleiche_hilfeart": (WARN, 1, ["FU1", "FU2"], ["überschneiden sich"]),
    "plausi.beginn_vor_geburt": (ERROR, 1, ["FGEB"], ["vor der Geburt"]),
    "plausi.eb_dauer_ueber_10_jahre": (WARN, 1, ["FEB"], ["länger als 10 Jahre"]),
    "plausi.vorjahr_fallzahlen": (WARN, 1, ["Nord"], ["±25%", "Fallzahl"]),
    "plausi.vorjahr_nettoausgaben": (WARN, 1, ["Nord"], ["±25%", "Nettoausgaben"]),
    "plausi.kosten_je_fallmonat_ausreisser": (WARN, 1, ["N06"], ["10-fache"]),
    "finanz.leistung_nach_hilfeende": (WARN, 1, ["X_NACH", "E1"], ["31 Tage nach dem Ende"]),
    "finanz.traeger_ausserhalb_vereinbarung": (WARN, 1, ["X_VER", "T3"], ["nach dem Ende der Vereinbarung"]),
    "finanz.tagessatz_abweichung": (WARN, 1, ["X_SATZ", "O01"], ["über Tagessatz × Tage"]),
    "finanz.doppelbuchung": (WARN, 2, ["X_DUP1", "X_DUP2"], ["mehrfach"]),
}


# INFO statistics (always pass; a distribution, not a list of suspects)
STATISTIKEN = {"finanz.tagessatz_verteilung"}


def test_every_check_has_a_case():
    assert set(ERWARTET) | STATISTIKEN == set(PRUEFUNGEN)
    assert all(p.name.startswith("finanz.") and p.schweregrad in (WARN, INFO) for p in finanzkontrollen.PRUEFUNGEN)
    assert {p.name for p in finanzkontrollen.PRUEFUNGEN if p.schweregrad == INFO} == STATISTIKEN


def test_statistic_passes_and_gives_its_distribution(fehlerhaft):
    e = run(fehlerhaft, PRUEFUNGEN["finanz.tagessatz_verteilung"])
    assert e.bestanden and e.schweregrad == INFO and e.fehlerhafte_zeilen == 0
    assert {b["abrechnung"]: b["leistungszeitraeume"] for b in e.beispiele} == {
        "Tagessatz × Kalendertage": 1, "über dem Höchstbetrag": 1}


@pytest.mark.parametrize("name", sorted(ERWARTET))
def test_passes_on_clean_data(sauber, name):
    e = run(sauber, PRUEFUNGEN[name])
    assert e.bestanden, e.meldung
    assert e.fehlerhafte_zeilen == 0 and e.beispiele == []
    assert e.geprueft_zeilen > 0, f"{name} looked at nothing: the clean case proves nothing"
    assert e.meldung.startswith("Bestanden")


@pytest.mark.parametrize("name", sorted(ERWARTET))
def test_fails_on_crafted_data(fehlerhaft, name):
    schweregrad, n, ids, worte = ERWARTET[name]
    e = run(fehlerhaft, PRUEFUNGEN[name])
    assert not e.bestanden
    assert e.schweregrad == schweregrad
    assert e.fehlerhafte_zeilen == n, e.beispiele
    werte = {str(v) for b in e.beispiele for v in b.values()}
    assert set(ids) <= werte, e.beispiele
    assert e.meldung.startswith(f"{n} "), e.meldung
    for wort in worte:
        assert wort in e.meldung, e.meldung
    for i in ids:
        assert i in e.meldung
    # never personal data in what the clerk and the quality page see
    for b in e.beispiele:
        assert not {k for k in b if "pseudonym" in k or "geburt" in k or k.startswith("alter")}, b


def test_hard_and_soft_classes_for_the_statistics():
    """Every plausibility check of single helps says what a failure means for a statutory record: hard (the
    Landesamt rejects the record) or soft (unusual but possible); the year-over-year and cost checks are none."""
    klassen = {p.name: p.statistik for p in plausibilitaet.PRUEFUNGEN}
    assert klassen == {
        "plausi.p41_nur_volljaehrige": "hart", "plausi.p42_nur_minderjaehrige": "hart",
        "plausi.ende_vor_beginn": "hart", "plausi.beendigungsgrund_fehlt": "hart", "plausi.gruende_verschieden": "hart",
        "plausi.beginn_vor_geburt": "hart",
        "plausi.ende_nach_exportdatum": "weich", "plausi.ueberschneidung_gleiche_hilfeart": "weich",
        "plausi.eb_dauer_ueber_10_jahre": "weich",
        "plausi.vorjahr_fallzahlen": None, "plausi.vorjahr_nettoausgaben": None,
        "plausi.kosten_je_fallmonat_ausreisser": None,
    }
    assert all((p.schweregrad == ERROR) == (p.statistik == "hart") for p in plausibilitaet.PRUEFUNGEN if p.statistik)


def test_examples_and_social_spaces(fehlerhaft):
    e = run(fehlerhaft, PRUEFUNGEN["plausi.vorjahr_fallzahlen"])
    assert e.beispiele == [{"jahr": 2025, "sozialraum": "Nord", "vorjahr": 30, "faelle": 50,
                            "veraenderung_prozent": 66.7}]
    assert e.je_sozialraum == {"Nord": 1}
    e = run(fehlerhaft, PRUEFUNGEN["finanz.tagessatz_abweichung"])
    assert e.beispiele[0]["hoechstbetrag"] == 3100.0 and e.beispiele[0]["betrag"] == 3300.0


def test_results_written_with_sections(fehlerhaft):
    from kjh.defs.plausibilitaet import ALLE_PRUEFUNGEN

    ergebnisse = [run(fehlerhaft, p) for p in ALLE_PRUEFUNGEN]
    results.write(fehlerhaft, "lauf-1", ergebnisse, {ERROR: "plausibilitaet_error", WARN: "plausibilitaet_warn",
                                                     INFO: "finanzkontrollen_warn"})
    got = fehlerhaft.execute("""
        select split_part(pruefung, '.', 1), schweregrad, count(*), count_if(not bestanden)
        from audit.pruefergebnisse where lauf_id = 'lauf-1' group by all order by all""").fetchall()
    assert got == [("finanz", INFO, 1, 0), ("finanz", WARN, 4, 4), ("plausi", ERROR, 6, 6), ("plausi", WARN, 6, 6)]


def test_checks_attached_to_dbt_models():
    from kjh.definitions import defs as kjh_defs
    from kjh.defs import plausibilitaet as area

    merged = dg.Definitions.merge(kjh_defs, area.defs())
    graph = merged.resolve_asset_graph()
    mine = {k for k in graph.asset_check_keys if k.name in (area.PLAUSI_ERROR_CHECK, area.PLAUSI_WARN_CHECK,
                                                            area.FINANZ_CHECK)}
    assert mine == {
        dg.AssetCheckKey(dg.AssetKey(["intermediate", "int_hilfen_episoden"]), "plausibilitaet_error"),
        dg.AssetCheckKey(dg.AssetKey(["intermediate", "int_hilfen_episoden"]), "plausibilitaet_warn"),
        dg.AssetCheckKey(dg.AssetKey(["marts", "fallzahlen_jahr"]), "plausibilitaet_warn"),
        dg.AssetCheckKey(dg.AssetKey(["marts", "ausgaben_jahr"]), "plausibilitaet_warn"),
        dg.AssetCheckKey(dg.AssetKey(["marts", "kosten_je_fall"]), "plausibilitaet_warn"),
        dg.AssetCheckKey(dg.AssetKey(["intermediate", "int_zahlungen"]), "finanzkontrollen_warn"),
    }
    assert area.PLAUSI_ERROR_CHECKS == [
        dg.AssetCheckKey(dg.AssetKey(["intermediate", "int_hilfen_episoden"]), "plausibilitaet_error")]
    assert area.PLAUSI_ERROR_ASSETS == ("intermediate/int_hilfen_episoden",)
    keys = graph.get_all_asset_keys()
    for check in area.plausibilitaet_checks:  # every table a check reads is an asset it waits for
        for spec in check.check_specs:
            assert spec.asset_key in keys
            assert not spec.blocking
            for dep in spec.additional_deps:
                assert dep.asset_key in keys


def test_dagster_checks_run_and_write_results(fehlerhaft, monkeypatch, tmp_path):
    """The asset checks, run by Dagster on the faulty warehouse: results and audit rows."""
    from kjh.defs import plausibilitaet as area
    from kjh.defs.resources import Warehouse
    from kjh.warehouse.connection import OFFLINE

    # a copy: the module's open connection has another configuration than the resource's
    fehlerhaft.execute("checkpoint")
    original = fehlerhaft.execute(
        "select path from duckdb_databases() where database_name = current_database()").fetchone()[0]
    path = str(tmp_path / "warehouse.duckdb")
    shutil.copy(original, path)
    monkeypatch.setenv("KJH_WAREHOUSE", path)
    monkeypatch.setenv("KJH_REPORTS", str(tmp_path / "berichte"))
    keys = {spec.asset_key for c in area.plausibilitaet_checks for spec in c.check_specs}
    keys |= {dep.asset_key for c in area.plausibilitaet_checks for spec in c.check_specs
             for dep in spec.additional_deps}
    defs = dg.Definitions(
        assets=[dg.AssetSpec(k) for k in keys],
        asset_checks=area.plausibilitaet_checks,
        jobs=[dg.define_asset_job("nur_pruefungen", selection=dg.AssetSelection.all_asset_checks())],
        resources={"warehouse": Warehouse(database=str(path), connection_config=dict(OFFLINE))},
    )
    result = defs.resolve_job_def("nur_pruefungen").execute_in_process(instance=dg.DagsterInstance.ephemeral())
    assert result.success
    evaluations = {(e.asset_key.to_user_string(), e.check_name): e
                   for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {
        ("intermediate/int_hilfen_episoden", "plausibilitaet_error"),
        ("intermediate/int_hilfen_episoden", "plausibilitaet_warn"),
        ("marts/fallzahlen_jahr", "plausibilitaet_warn"),
        ("marts/ausgaben_jahr", "plausibilitaet_warn"),
        ("marts/kosten_je_fall", "plausibilitaet_warn"),
        ("intermediate/int_zahlungen", "finanzkontrollen_warn"),
    }
    assert not any(e.passed for e in evaluations.values())
    hilfen = evaluations[("intermediate/int_hilfen_episoden", "plausibilitaet_error")]
    assert hilfen.severity == dg.AssetCheckSeverity.ERROR
    assert hilfen.metadata["nicht_bestanden"].value == 6
    finanz = evaluations[("intermediate/int_zahlungen", "finanzkontrollen_warn")]
    assert finanz.severity == dg.AssetCheckSeverity.WARN
    assert finanz.metadata["fehlerhafte_zeilen"].value == 5
    con = duckdb.connect(path, read_only=True)
    try:
        rows = con.execute("""
            select asset, dagster_check, schweregrad, count(*) from audit.pruefergebnisse
            where lauf_id = ? group by all order by all""", [result.run_id]).fetchall()
    finally:
        con.close()
    assert rows == [
        ("intermediate/int_hilfen_episoden", "plausibilitaet_error", ERROR, 6),
        ("intermediate/int_hilfen_episoden", "plausibilitaet_warn", WARN, 3),
        ("intermediate/int_zahlungen", "finanzkontrollen_warn", INFO, 1),
        ("intermediate/int_zahlungen", "finanzkontrollen_warn", WARN, 4),
        ("marts/ausgaben_jahr", "plausibilitaet_warn", WARN, 1),
        ("marts/fallzahlen_jahr", "plausibilitaet_warn", WARN, 1),
        ("marts/kosten_je_fall", "plausibilitaet_warn", WARN, 1),
    ]


def test_stored_results_are_read_back_for_a_later_step(fehlerhaft):
    """A check step after the quality results asset reports the stored results of its run (results.read):
    identical to what was computed, and None when any check of the step has no result in this run yet."""
    con = fehlerhaft
    pruefungen = [PRUEFUNGEN["finanz.doppelbuchung"], PRUEFUNGEN["plausi.ende_vor_beginn"]]
    berechnet = [run(con, p) for p in pruefungen]
    assert not any(e.bestanden for e in berechnet) and all(e.beispiele for e in berechnet)
    results.write(con, "lauf-r", berechnet, {ERROR: "c", WARN: "c"})
    assert results.read(con, "lauf-r", [p.name for p in pruefungen]) == berechnet
    assert results.read(con, "lauf-r", [p.name for p in pruefungen] + ["finanz.tagessatz_abweichung"]) is None
    assert results.read(con, "anderer-lauf", [pruefungen[0].name]) is None


def test_every_check_declares_the_relations_it_reads():
    """SqlPruefung.liest orders the Dagster check after what it reads: it must name every model or raw
    table its SQL reads besides its own asset (audit tables are written before any model)."""
    import re

    from kjh.defs.plausibilitaet import ALLE_PRUEFUNGEN

    for p in ALLE_PRUEFUNGEN:
        gelesen = set(re.findall(r"\b((?:raw|intermediate|marts)\.\w+)", p.alle_sql))
        assert gelesen - {p.asset.replace("/", ".")} == set(p.liest), p.name
