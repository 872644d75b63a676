"""Reports on the real demo county (`kjh demo`): the site and the workbook, external and internal.

The session fixture demo_site (tests/conftest.py) runs `kjh demo` once (the whole
pipeline, as a user would) and renders both versions with the public functions
render_site / write_workbook.
Tests here read the files as a reader would get them:

  * no count of helps from 1 to 2 in an external page: every table cell and
    tile marked as a count (class `anzahl`) and every number of every chart
    trace whose meta.einheit is `anzahl` (plotly JSON in the page);
  * the same in every count column of the external workbook;
  * the internal versions do show small counts and say INTERN in the header;
  * every page carries the Stand, the pages use plotly.js from assets/ only.
"""
import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from kjh.format import parse_zahl

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

KLEIN = {1.0, 2.0}


# ------------------------------------------------------------------ reading pages like a reader
class _Zellen(HTMLParser):
    """Texts of every element whose class list contains `anzahl`."""

    def __init__(self):
        super().__init__()
        self.stapel: list[bool] = []
        self.texte: list[str] = []
        self._puffer: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input"):
            return
        klassen = (dict(attrs).get("class") or "").split()
        ist = "anzahl" in klassen
        self.stapel.append(ist)
        if ist:
            self._puffer = []

    def handle_endtag(self, tag):
        if tag in ("br", "img", "meta", "link", "input") or not self.stapel:
            return
        if self.stapel.pop() and self._puffer is not None:
            self.texte.append("".join(self._puffer).strip())
            self._puffer = None

    def handle_data(self, data):
        if self._puffer is not None:
            self._puffer.append(data)


def anzahl_texte(html: str) -> list[str]:
    p = _Zellen()
    p.feed(html)
    return p.texte


def plotly_figuren(html: str) -> list[dict]:
    """Every Plotly.newPlot(id, data, layout, config) call of a page, parsed."""
    dec = json.JSONDecoder()
    out = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', html):
        data, ende = dec.raw_decode(html, m.end())
        out.append({"id": m.group(1), "data": data})
    return out


def _zahlen(werte) -> list[float]:
    if werte is None:
        return []
    if isinstance(werte, dict) and "bdata" in werte:  # plotly's typed-array encoding
        arr = np.frombuffer(base64.b64decode(werte["bdata"]), dtype=np.dtype(werte["dtype"]))
        return [float(v) for v in arr if not np.isnan(v)]
    return [float(v) for v in werte if isinstance(v, (int, float)) and not isinstance(v, bool)]


def trace_zahlen(trace: dict) -> list[float]:
    achse = "x" if trace.get("orientation") == "h" else "y"
    return _zahlen(trace.get(achse))


def seiten(ordner: Path) -> list[Path]:
    return sorted(ordner.glob("*.html"))


# ------------------------------------------------------------------ the tests
def test_site_has_every_page_kind(demo_site):
    namen = {p.name for p in seiten(demo_site["extern"])}
    assert {"index.html", "kreis.html", "finanzen.html", "qualitaet.html", "statistik.html"} <= namen
    assert len([n for n in namen if n.startswith("sozialraum-")]) == 6
    assert (demo_site["extern"] / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    index = (demo_site["extern"] / "index.html").read_text(encoding="utf-8")
    for ziel in ("kreis.html", "finanzen.html", "qualitaet.html", "statistik.html", "kjh-kennzahlen.xlsx"):
        assert f'href="{ziel}"' in index


def test_every_page_shows_stand_and_uses_local_plotly_only(demo_site):
    for fassung in ("extern", "intern"):
        for p in seiten(demo_site[fassung]):
            html = p.read_text(encoding="utf-8")
            assert "Datenstand <strong>31.10.2026</strong>" in html, p.name
            assert "cdn." not in html and "https://" not in html and "http://" not in html, p.name
            if "Plotly.newPlot(" in html:
                assert '<script src="assets/plotly.min.js"></script>' in html, p.name


def test_charts_show_real_figures(demo_site):
    """Every chart has data; every trace says what it shows; counts in charts are the marts' counts."""
    ohne_einheit, n_anzahl = [], 0
    for p in seiten(demo_site["extern"]):
        for fig in plotly_figuren(p.read_text(encoding="utf-8")):
            assert fig["data"], f"{p.name}: {fig['id']} leer"
            assert any(trace_zahlen(t) for t in fig["data"]), f"{p.name}: {fig['id']} ohne Zahlen"
            for t in fig["data"]:
                einheit = (t.get("meta") or {}).get("einheit")
                if not einheit:
                    ohne_einheit.append(f"{p.name}/{fig['id']}/{t.get('name')}")
                n_anzahl += einheit == "anzahl"
    assert not ohne_einheit
    assert n_anzahl > 30


def test_no_small_count_in_external_html(demo_site):
    geprueft, gesehen_geschuetzt = 0, 0
    for p in seiten(demo_site["extern"]):
        html = p.read_text(encoding="utf-8")
        for text in anzahl_texte(html):
            wert = parse_zahl(text)
            assert wert not in KLEIN, f"{p.name}: Zelle zeigt {text!r}"
            geprueft += 1
            gesehen_geschuetzt += text in ("<3", "x")
        for fig in plotly_figuren(html):
            for t in fig["data"]:
                if (t.get("meta") or {}).get("einheit") == "anzahl":
                    klein = [v for v in trace_zahlen(t) if v in KLEIN]
                    assert not klein, f"{p.name}: Diagramm {fig['id']}, Reihe {t.get('name')!r} zeigt {klein}"
                    geprueft += len(trace_zahlen(t))
        assert "rohzeile" not in html
    assert geprueft > 2000
    assert gesehen_geschuetzt > 0  # the demo has small cells: the rule must have acted


def test_internal_site_shows_exact_counts_and_says_so(demo_site):
    klein = 0
    for p in seiten(demo_site["intern"]):
        html = p.read_text(encoding="utf-8")
        assert "INTERN" in html and 'class="modus intern"' in html, p.name
        for fig in plotly_figuren(html):
            for t in fig["data"]:
                if (t.get("meta") or {}).get("einheit") == "anzahl":
                    klein += sum(v in KLEIN for v in trace_zahlen(t))
    assert klein > 0
    for p in seiten(demo_site["extern"]):
        html = p.read_text(encoding="utf-8")
        assert "INTERN" not in html and "Zur Weitergabe geeignet" in html, p.name


def _workbook_anzahlen(ordner: Path, intern: bool, warehouse: Path):
    """(sheet, column, row, value) of every cell that holds a count of helps."""
    import openpyxl

    from kjh_reports import daten, excel
    from kjh_reports.schutz import schuetze

    wb = openpyxl.load_workbook(ordner / "kjh-kennzahlen.xlsx", read_only=True)
    d = daten.lade_datei(warehouse)
    spec = {b.titel: b for b in excel.blaetter(d, schuetze(d, intern))}
    zeilenart_kennzahlen = {k for k, (_, art) in excel._KENNZAHL.items() if art == "anzahl"}
    for ws in wb.worksheets:
        if ws.title == excel.ERLAEUTERUNGEN:
            continue
        b = spec[ws.title]
        rows = ws.iter_rows(values_only=True)
        kopf = list(next(rows))
        assert kopf[:len(b.spalten)] == [s.titel for s in b.spalten], ws.title
        if excel.FLAGGE in kopf:
            for row in ws.iter_rows(min_row=2, values_only=True):
                yield ws.title, excel.FLAGGE, None, row[kopf.index(excel.FLAGGE)]
            rows = ws.iter_rows(min_row=2, values_only=True)
        spalten = [i for i, s in enumerate(b.spalten) if s.art == "anzahl"]
        wertspalten = [i for i, s in enumerate(b.spalten) if s.art == "zeilenart"]
        kz = kopf.index("Kennzahl") if "Kennzahl" in kopf else None
        for n, row in enumerate(rows, start=2):
            for i in spalten:
                yield ws.title, kopf[i], n, row[i]
            if kz is not None and row[kz] in zeilenart_kennzahlen:
                for i in wertspalten:
                    yield ws.title, kopf[i], n, row[i]


def test_no_small_count_in_external_workbook(demo_site):
    from kjh_reports.excel import FLAGGE

    alle = list(_workbook_anzahlen(demo_site["extern"], False, demo_site["warehouse"]))
    zellen = [z for z in alle if z[1] != FLAGGE]
    assert len(zellen) > 8_000
    schlecht = [z for z in zellen if isinstance(z[3], (int, float)) and z[3] in KLEIN]
    assert not schlecht, schlecht[:10]
    assert not [z for z in zellen if isinstance(z[3], str)]  # numbers are numbers: protected cells are empty
    flaggen = " ".join(z[3] for z in alle if z[1] == FLAGGE and z[3])
    assert ": <3" in flaggen and ": x" in flaggen
    blaetter = {z[0] for z in zellen}
    assert {"Fallzahlen Jahr", "Fallzahlen Monat", "Eckwerte", "Träger", "Vorjahresvergleich"} <= blaetter


def test_internal_workbook_is_exact(demo_site):
    zellen = [z for z in _workbook_anzahlen(demo_site["intern"], True, demo_site["warehouse"]) if z[1] != "geschützt"]
    assert any(isinstance(z[3], (int, float)) and z[3] in KLEIN for z in zellen)
    assert not any(isinstance(z[3], str) for z in zellen)


def test_workbook_is_formatted(demo_site):
    import openpyxl

    wb = openpyxl.load_workbook(demo_site["extern"] / "kjh-kennzahlen.xlsx")
    assert wb.sheetnames[0] == "Erläuterungen" and len(wb.sheetnames) == 17
    ws = wb["Ausgaben Jahr"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    for blatt in wb.worksheets[1:]:  # every sheet is an Excel table (ListObject) over all its rows
        assert len(blatt.tables) == 1, blatt.title
        assert list(blatt.tables.values())[0].ref == f"A1:{blatt.cell(1, blatt.max_column).column_letter}{blatt.max_row}"
    assert ws["D2"].number_format == '#,##0.00 "€"'
    assert wb["Fallzahlen Monat"]["A2"].number_format == "MM.YYYY"
    assert wb["Budgetauslastung"]["G2"].number_format == "DD.MM.YYYY"
    assert "zur Weitergabe geeignet" in wb["Erläuterungen"]["B5"].value
    texte = [c.value for c in wb["Erläuterungen"]["B"] if isinstance(c.value, str)]
    assert not [t for t in texte if re.search(r"\.[A-Za-zäöü]", t.replace("z. B.", "").replace("u. a.", ""))]


def test_workbook_yearly_sheet_sums_to_the_county(demo_site):
    """Filter the yearly sheet on one year, sum a count column: the county total (issue 14.4).

    Internal: exactly. External: the open cells plus the protected ones (empty, flagged) make the county's
    figure; no row of the sheet is a subtotal."""
    import openpyxl

    from kjh_reports import daten
    from kjh_reports.schutz import UEBRIGE, schuetze

    d = daten.lade_datei(demo_site["warehouse"])
    f = d["fallzahlen_jahr"].assign(h=lambda x: x["laufend_31_12"] + x["beendet"])
    seltene = schuetze(d, False).seltene_jahr
    for fassung in ("intern", "extern"):
        wb = openpyxl.load_workbook(demo_site[fassung] / "kjh-kennzahlen.xlsx", read_only=True)
        zeilen = list(wb["Fallzahlen Jahr"].iter_rows(values_only=True))
        kopf, zeilen = list(zeilen[0]), zeilen[1:]
        jahr, sr, ha, bez, hilfen = (kopf.index(x) for x in ("Jahr", "Sozialraum", "Hilfeart", "Bezeichnung",
                                                               "Hilfen im Jahr"))
        assert not [z for z in zeilen if z[bez] in ("alle Hilfearten", "Summe") or z[sr] == "Kreis gesamt"]
        k_zeilen = list(wb["Fallzahlen Jahr Kreis"].iter_rows(values_only=True))
        kreis = {z[0]: z[list(k_zeilen[0]).index("Hilfen im Jahr")] for z in k_zeilen[1:]}
        for j in d.jahre:
            wahr = int(f[f["jahr"] == j]["h"].sum())
            auswahl = [z for z in zeilen if z[jahr] == j]
            summe = sum(z[hilfen] or 0 for z in auswahl)
            if fassung == "intern":
                assert summe == wahr == kreis[j], (j, summe, wahr)
                continue
            assert kreis[j] == wahr
            versteckt = 0
            for z in auswahl:
                if z[hilfen] is None:
                    codes = list(seltene) if z[bez] == UEBRIGE else [z[ha]]
                    versteckt += int(f[(f["jahr"] == j) & (f["sozialraum"] == z[sr]) & f["hilfeart"].isin(codes)]
                                     ["h"].sum())
                    assert "Hilfen im Jahr: " in z[-1]
            assert summe + versteckt == wahr, (j, summe, versteckt, wahr)


def test_workbook_writes_texts_never_as_formulas(demo_site, tmp_path):
    """A provider name starting with = + - @ stays text in the workbook (issue 13.16)."""
    import zipfile

    import openpyxl

    from kjh_reports import daten, excel

    boese = ['=HYPERLINK("https://boese.example/";"klick")', "+49 4551 1234", "-1+2", "@SUMME(A1)"]
    d = daten.lade_datei(demo_site["warehouse"])
    t = d.marts["traeger_kennzahlen"]
    ids = list(t["traeger_id"].drop_duplicates()[:4])
    for i, name in zip(ids, boese):
        t.loc[t["traeger_id"] == i, "name"] = name
    pfad = excel.schreibe(d, tmp_path, intern=False).pfad
    with zipfile.ZipFile(pfad) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/sheet"):
                assert "<f>" not in z.read(n).decode("utf-8"), n
    ws = openpyxl.load_workbook(pfad)["Träger"]
    gefunden = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value in boese}
    assert gefunden == {b: "s" for b in boese}


def test_site_renders_in_a_few_seconds(demo_site):
    assert demo_site["zeit_extern"] < 30, demo_site["zeit_extern"]  # incl. the exact reader (kjh.geheimhaltung.leser)


def test_dagster_assets_write_site_and_workbook(demo_site, tmp_path, monkeypatch):
    """Both assets materialised as Dagster runs them; metadata holds counts, paths and flags only."""
    import dagster as dg

    from kjh.defs import reports
    from kjh.defs.resources import warehouse_resource

    monkeypatch.setenv("KJH_WAREHOUSE", str(demo_site["warehouse"]))
    monkeypatch.setenv("KJH_REPORTS", str(tmp_path / "berichte"))
    monkeypatch.setenv("KJH_INTERN", "")
    result = dg.materialize(reports.defs().assets, resources={"warehouse": warehouse_resource()})
    assert result.success
    meta = {e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()}
    site = meta["berichte/website"]
    assert site["seiten"].value == 11 and site["intern"].value is False and site["gesperrte_zellen"].value > 0
    assert site["diagramme"].value > 20
    assert (tmp_path / "berichte" / "index.html").exists()
    assert meta["berichte/excel"]["blaetter"].value == 16
    assert (tmp_path / "berichte" / "kjh-kennzahlen.xlsx").exists()
    for m in meta.values():
        for v in m.values():
            assert type(v).__name__ in ("IntMetadataValue", "FloatMetadataValue", "BoolMetadataValue",
                                        "PathMetadataValue", "TextMetadataValue"), v


def test_quality_page_with_check_results(demo_site, tmp_path):
    """With audit.pruefergebnisse (written by kjh.quality.results): external shows counts only, protected;
    internal shows the clerk's message and examples; the raw quarantined line never."""
    import shutil

    import duckdb

    from kjh.quality.results import write
    from kjh.quality.rules import Pruefergebnis
    from kjh_reports.site import render_site

    wh = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_site["warehouse"], wh)
    con = duckdb.connect(str(wh))
    try:
        write(con, "lauf-1", [
            Pruefergebnis("hilfen.traeger_bekannt", "raw/hilfen", "ERROR", False, 2, 6143,
                     beispiele=[{"datei": "hilfen_20261031.csv", "zeile": 17, "traeger_id": "T-9999"}],
                     meldung="2 Hilfen mit unbekanntem Träger: T-9999 in der Lieferung prüfen.",
                     beschreibung="Jeder Träger einer Hilfe steht im Trägerexport."),
            Pruefergebnis("zahlungen.betrag_plausibel", "raw/zahlungen", "WARN", True, 0, 143000,
                     beschreibung="Beträge in plausibler Höhe."),
        ], {"ERROR": "qualitaet_fehler", "WARN": "qualitaet_warnung"})
    finally:
        con.close()
    extern = (render_site(wh, tmp_path / "extern", False)).parent / "qualitaet.html"
    intern = (render_site(wh, tmp_path / "intern", True)).parent / "qualitaet.html"
    e, i = extern.read_text(encoding="utf-8"), intern.read_text(encoding="utf-8")
    assert "hilfen.traeger_bekannt" in e and "Fehler" in e and "noch nicht vor" not in e
    assert "T-9999" not in e and "&lt;3" in e  # 2 failing records: protected, no example
    assert all(parse_zahl(t) not in KLEIN for t in anzahl_texte(e))
    assert "T-9999" in i and "2 Hilfen mit unbekanntem Träger" in i
    for html in (e, i):
        assert "rohzeile" not in html


def test_demo_passes_every_check_and_the_quality_page_says_so(demo_site):
    """Issue 4: on a clean demo run every check passes – GX suites, plausibility checks and finance
    controls, all of them run in this run – and the quality page of the run's own site lists them all."""
    import duckdb

    from kjh.defs.plausibilitaet import ALLE_PRUEFUNGEN
    from kjh.quality.suites import SUITES

    erwartet = {p.name for art in SUITES for p in SUITES[art]().pruefungen} | {p.name for p in ALLE_PRUEFUNGEN}
    con = duckdb.connect(str(demo_site["warehouse"]), read_only=True)
    try:
        laeufe = con.execute("select distinct lauf_id from audit.pruefergebnisse").fetchall()
        zeilen = con.execute("select pruefung, bestanden, fehlerhafte_zeilen, meldung from audit.pruefergebnisse"
                             ).fetchall()
    finally:
        con.close()
    assert len(laeufe) == 1
    assert {z[0] for z in zeilen} == erwartet
    assert [z for z in zeilen if not z[1]] == []
    seite = (demo_site["demo"] / "qualitaet.html").read_text(encoding="utf-8")
    # two sections (data checks, finance controls), each says so, and its ERROR and WARN tiles show 0
    assert seite.count("Alle Prüfungen des letzten Laufs sind bestanden.") == 2
    kacheln = re.findall(r'kachel-wert">([^<]*)</div><div class="kachel-unter">nicht bestanden', seite)
    assert kacheln == ["0"] * 4
    for name in ("plausi.kosten_je_fallmonat_ausreisser", "finanz.tagessatz_abweichung", "hilfen.traeger_bekannt",
                 "zahlungen.hilfe_bekannt"):
        assert name in seite, name
    assert "Finanzkontrollen" in seite
