"""GX Data Docs open offline, GX calls no network and is imported only when a
check runs, results replace their earlier row of the same run, and no
pseudonym or birth date reaches a message, an example, Dagster or the docs."""
import json
import subprocess
import sys
import textwrap

import pytest

from kjh.quality import results
from kjh.quality.data_docs import external_references, site_dir
from kjh.quality.gx_context import baue_data_docs
from kjh.quality.rules import ERROR, Pruefergebnis
from kjh.warehouse.connection import connect
from tests.conftest import query
from tests.quality_data import load_and_check, write_clean_office
from tests.test_quality_checks import hilfen_plausibilitaet


@pytest.mark.slow
def test_data_docs_open_offline(tmp_path, monkeypatch):
    folder = write_clean_office(tmp_path / "ex")
    hilfen_plausibilitaet(folder)  # a failed suite renders unexpected values too
    load_and_check(folder, tmp_path / "wh.duckdb", tmp_path / "ber", monkeypatch)
    baue_data_docs(tmp_path / "ber")  # as qualitaet/pruefergebnisse does once the run's suites have run

    site = site_dir(tmp_path / "ber")
    pages = sorted(site.rglob("*.html"))
    assert (site / "index.html") in pages
    assert len([p for p in pages if "validations" in p.parts]) >= 20  # every table's parts
    assert external_references(site) == []
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "raw_hilfen.aktuell" in index and "<tbody>" in index  # the table is in the page, not built by a CDN script
    assert "kjhNurFehlgeschlagene" in index  # the local script is inline


def test_offline_scan_finds_cdn_references(tmp_path):
    (tmp_path / "a.html").write_text(
        '<link rel="stylesheet" href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>'
        "<style>a{background:url('https://x.example/y.png')}</style>", encoding="utf-8")
    assert len(external_references(tmp_path)) == 3


@pytest.mark.slow
def test_gx_calls_no_network_and_leaves_no_files_behind(tmp_path, monkeypatch):
    """In a fresh interpreter (so that importing GX is covered too): every socket connect fails and is recorded."""
    folder = write_clean_office(tmp_path / "ex")
    wh = tmp_path / "wh.duckdb"
    from tests.conftest import load_folder

    load_folder(folder, wh)
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    script = textwrap.dedent(f"""
        import socket, sys
        versuche = []
        def blockiert(*args, **kwargs):
            versuche.append(args)
            raise OSError("kein Netz im Test")
        socket.socket.connect = socket.socket.connect_ex = blockiert
        socket.create_connection = socket.getaddrinfo = blockiert
        from pathlib import Path
        from kjh.quality.runner import run_suites
        from kjh.quality.suites import SUITES
        from kjh.warehouse.connection import connect
        con = connect(Path({str(wh)!r}), read_only=True)
        laeufe = run_suites(con, [build() for build in SUITES.values()], lauf_id="netz", reports=Path({str(tmp_path / 'ber')!r}))
        assert all(e.bestanden for l in laeufe for e in l.ergebnisse)
        from kjh.quality.gx_context import baue_data_docs
        assert baue_data_docs(Path({str(tmp_path / 'ber')!r})).is_file()
        print("VERSUCHE", len(versuche), versuche[:3])
    """)
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "KJH_HOME": str(tmp_path / "kjh"),
           "PYTHONPATH": ":".join(sys.path)}
    out = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "VERSUCHE 0 " in out.stdout, out.stdout
    assert list(work.iterdir()) == [] and list(home.iterdir()) == []


def test_defs_load_without_great_expectations():
    code = ("import sys, kjh.defs.qualitaet, kjh.quality.suites, kjh.quality.runner; "
            "assert 'great_expectations' not in sys.modules, 'GX imported'; "
            "print(len(kjh.defs.qualitaet.defs().asset_checks))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]


def test_rerun_replaces_the_rows_of_the_same_run(tmp_path):
    con = connect(tmp_path / "wh.duckdb")
    try:
        def e(bestanden, n):
            return Pruefergebnis(pruefung="hilfen.x", asset="raw/hilfen", schweregrad=ERROR, bestanden=bestanden,
                            fehlerhafte_zeilen=n, geprueft_zeilen=10, beispiele=[{"hilfe_id": "H-1"}], meldung="m")

        names = {"ERROR": "qualitaet_error", "WARN": "qualitaet_warn"}
        results.write(con, "lauf-1", [e(False, 3)], names)
        results.write(con, "lauf-1", [e(True, 0)], names)
        results.write(con, "lauf-2", [e(False, 1)], names)
        rows = con.execute("select lauf_id, bestanden, fehlerhafte_zeilen, beispiele from audit.pruefergebnisse "
                           "order by lauf_id").fetchall()
    finally:
        con.close()
    assert [r[:3] for r in rows] == [("lauf-1", True, 0), ("lauf-2", False, 1)]
    assert json.loads(rows[0][3]) == [{"hilfe_id": "H-1"}]


@pytest.mark.slow
def test_no_pseudonym_or_birth_date_leaves_the_warehouse(tmp_path, monkeypatch):
    folder = write_clean_office(tmp_path / "ex")
    hilfen_plausibilitaet(folder)
    wh, reports = tmp_path / "wh.duckdb", tmp_path / "ber"
    befund = load_and_check(folder, wh, reports, monkeypatch)
    baue_data_docs(reports)
    assert "hilfen.alter_bei_beginn_hoechstens_26" in befund.nicht_bestanden

    secrets = {v for row in query(wh, "select fall_pseudonym, person_pseudonym from raw.hilfen") for v in row}
    secrets |= {"P-H-F3", "AZ-H-F3", "01.01.1990", "1990-01-01"}  # the faulty help's person, case and birth date
    texts = [json.dumps(r, default=str) for r in befund.zeilen.values()]
    texts += [json.dumps({k: str(v.value) for k, v in e.metadata.items()}) for e in befund.checks.values()]
    texts += [p.read_text(encoding="utf-8") for p in (reports / "qualitaet").rglob("*") if p.suffix in (".html", ".json")]
    for text in texts:
        for secret in secrets:
            assert secret not in text


@pytest.mark.slow
def test_empty_warehouse_passes_and_builds_docs(tmp_path):
    """Before the first delivery every table is empty: nothing fails, nothing breaks."""
    from kjh.quality.runner import run_suites
    from kjh.quality.suites import SUITES
    from kjh.warehouse.connection import ensure_schema

    con = connect(tmp_path / "wh.duckdb")
    try:
        ensure_schema(con)
        laeufe = run_suites(con, [build() for build in SUITES.values()], lauf_id="leer", reports=tmp_path / "ber")
        baue_data_docs(tmp_path / "ber")
    finally:
        con.close()
    assert all(e.bestanden and e.geprueft_zeilen == 0 for lauf in laeufe for e in lauf.ergebnisse
               if not e.pruefung.endswith("spalten_und_typen"))
    assert (site_dir(tmp_path / "ber") / "index.html").is_file()
