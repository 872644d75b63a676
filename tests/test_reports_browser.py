"""The report site as a person sees it: every page opened in headless Chromium
(Debian's `chromium`) from the file system, with the network recorded.

For the external and the internal site of the demo county:
  * no console error, no uncaught exception;
  * no request leaves the machine (only file:, data:, blob:, about:);
  * every chart is rendered: as many plotly graph divs as Plotly.newPlot calls,
    each with an SVG and data points;
  * a full-page screenshot of every page (folder printed at the end);
  * at 1280 and 1920 px every chart lies inside its card (issue 14.1);
  * no suppressed count is drawn as a bar: a stack of bars is the true total
    of its category (read from the warehouse) or absent, and a single count
    bar is the true count (issue 14.2);
  * every symbol of the cost-per-case-month tables agrees with its rule: '/'
    exactly where fewer than MINDESTNENNER_FAELLE helps stand behind the rate
    (issue 14.3).

Chromium is driven through the DevTools protocol (CDP) over a websocket
(`websockets`, pinned in the dev group). If chromium is missing the test
FAILS with the command that installs it: CI installs it.
"""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

ERLAUBT = ("file:", "data:", "blob:", "about:")
SCREENSHOTS = Path(os.environ.get("KJH_SCREENSHOTS", Path(__file__).resolve().parents[1] / "var" / "screenshots"))
BREITE, HOEHE = 1400, 1000


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        pfad = shutil.which(name)
        if pfad:
            return pfad
    pytest.fail("Chromium fehlt für die Browsertests der Berichte. Installieren: "
                "apt-get update && apt-get install -y chromium", pytrace=False)


class Browser:
    """Headless Chromium with one page, driven over CDP (flattened sessions on the browser socket)."""

    def __init__(self):
        from websockets.sync.client import connect

        self.profil = tempfile.mkdtemp(prefix="kjh-chromium-")
        self.proc = subprocess.Popen([
            chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
            "--disable-features=Translate,MediaRouter,OptimizationHints",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # belt and braces: nothing could resolve anyway
            f"--user-data-dir={self.profil}", "--remote-debugging-port=0", "--remote-allow-origins=*",
            f"--window-size={BREITE},{HOEHE}", "about:blank",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        datei = Path(self.profil) / "DevToolsActivePort"
        ende = time.monotonic() + 30
        while not (datei.exists() and len(datei.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > ende:
                fehler = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
                self.schliessen()
                pytest.fail(f"Chromium startet nicht: {fehler[-2000:]}")
            time.sleep(0.1)
        port, pfad = datei.read_text().splitlines()[:2]
        self.ws = connect(f"ws://127.0.0.1:{port}{pfad}", max_size=None, open_timeout=20, proxy=None,
                          compression=None, legacy=True)
        self._id = 0
        self.ereignisse: list[dict] = []
        ziel = self.senden("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.sitzung = self.senden("Target.attachToTarget", {"targetId": ziel, "flatten": True})["sessionId"]
        for methode in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            self.senden(methode, sitzung=self.sitzung)
        self.senden("Emulation.setDeviceMetricsOverride",
                    {"width": BREITE, "height": HOEHE, "deviceScaleFactor": 1, "mobile": False}, sitzung=self.sitzung)

    def senden(self, methode: str, params: dict | None = None, sitzung: str | None = None, timeout: float = 60):
        self._id += 1
        nummer = self._id
        nachricht = {"id": nummer, "method": methode, "params": params or {}}
        if sitzung:
            nachricht["sessionId"] = sitzung
        self.ws.send(json.dumps(nachricht))
        ende = time.monotonic() + timeout
        while True:
            antwort = json.loads(self.ws.recv(timeout=max(0.05, ende - time.monotonic())))
            if antwort.get("id") == nummer:
                if "error" in antwort:
                    raise RuntimeError(f"{methode}: {antwort['error']}")
                return antwort.get("result", {})
            self.ereignisse.append(antwort)

    def seite(self, methode: str, params: dict | None = None, timeout: float = 60):
        return self.senden(methode, params, sitzung=self.sitzung, timeout=timeout)

    def warten_auf(self, methode: str, timeout: float = 60) -> dict:
        ende = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.ereignisse):
                if e.get("method") == methode:
                    return self.ereignisse.pop(i)
            self.ereignisse.append(json.loads(self.ws.recv(timeout=max(0.05, ende - time.monotonic()))))

    def auswerten(self, ausdruck: str):
        r = self.seite("Runtime.evaluate", {"expression": ausdruck, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"])
        return r["result"].get("value")

    def oeffnen(self, url: str) -> dict:
        """Navigate, wait for load and for every chart; return what happened on the way."""
        self.ereignisse.clear()
        self.seite("Page.navigate", {"url": url})
        self.warten_auf("Page.loadEventFired")
        ende = time.monotonic() + 30
        while time.monotonic() < ende:
            if self.auswerten(_ALLE_GEZEICHNET):
                break
            time.sleep(0.2)
        time.sleep(0.3)  # let late console messages arrive
        self.auswerten("1")
        return {"anfragen": [e["params"]["request"]["url"] for e in self.ereignisse
                             if e.get("method") == "Network.requestWillBeSent"],
                "fehler": _fehler(self.ereignisse),
                "diagramme": json.loads(self.auswerten(_DIAGRAMME))}

    def breite(self, breite: int) -> None:
        self.seite("Emulation.setDeviceMetricsOverride",
                   {"width": breite, "height": HOEHE, "deviceScaleFactor": 1, "mobile": False})

    def bildschirmfoto(self, ziel: Path) -> None:
        m = self.seite("Page.getLayoutMetrics")
        hoehe = int(min(m["cssContentSize"]["height"], 16000))
        bild = self.seite("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": BREITE, "height": hoehe, "scale": 1}}, timeout=120)
        ziel.write_bytes(base64.b64decode(bild["data"]))

    def schliessen(self) -> None:
        try:
            if getattr(self, "ws", None):
                self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profil, ignore_errors=True)


_ALLE_GEZEICHNET = """
(() => { const d = Array.from(document.querySelectorAll('.plotly-graph-div'));
  return d.every(x => x._fullLayout && x.querySelector('.main-svg')); })()
"""
_DIAGRAMME = """
JSON.stringify(Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => ({
  id: d.id,
  svg: !!d.querySelector('.main-svg'),
  reihen: (d.data || []).length,
  punkte: (d.data || []).reduce((n, t) => n + Math.max(...['x', 'y'].map(a =>
      t[a] ? Array.from(t[a]).filter(v => v !== null && v !== undefined).length : 0)), 0),
  gezeichnet: d.querySelectorAll('.bars path, .scatterlayer path, .scatterlayer .point').length
})))
"""


def _fehler(ereignisse: list[dict]) -> list[str]:
    out = []
    for e in ereignisse:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: " + str(d.get("exception", {}).get("description") or d.get("text")))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append("log: " + p["entry"].get("text", "") + " " + p["entry"].get("url", ""))
        elif m == "Network.loadingFailed":
            out.append("network: " + str(p.get("errorText")))
    return out


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.schliessen()


@pytest.mark.parametrize("fassung", ["extern", "intern"])
def test_every_page_renders_offline(demo_site, browser, fassung):
    ordner: Path = demo_site[fassung]
    seiten = sorted(ordner.glob("*.html"))
    assert (ordner / "index.html") in seiten and len(seiten) >= 8
    fotos = SCREENSHOTS / fassung
    if fotos.exists():
        shutil.rmtree(fotos)
    fotos.mkdir(parents=True)
    probleme, gezeigt = [], 0
    for seite in seiten:
        quelle = seite.read_text(encoding="utf-8")
        erwartet = quelle.count("Plotly.newPlot(")
        t0 = time.perf_counter()
        r = browser.oeffnen(seite.as_uri())
        browser.bildschirmfoto(fotos / f"{seite.stem}.png")
        fremd = [u for u in r["anfragen"] if not u.startswith(ERLAUBT)]
        if fremd:
            probleme.append(f"{seite.name}: Anfragen nach außen {fremd}")
        if r["fehler"]:
            probleme.append(f"{seite.name}: {r['fehler']}")
        if len(r["diagramme"]) != erwartet:
            probleme.append(f"{seite.name}: {len(r['diagramme'])} Diagramme gezeichnet, {erwartet} erwartet")
        for dg in r["diagramme"]:
            if not (dg["svg"] and dg["reihen"] > 0 and dg["punkte"] > 0 and dg["gezeichnet"] > 0):
                probleme.append(f"{seite.name}: Diagramm {dg['id']} leer oder nicht gezeichnet: {dg}")
        gezeigt += len(r["diagramme"])
        print(f"  {fassung}/{seite.name}: {len(r['diagramme'])} Diagramme, {len(r['anfragen'])} lokale Anfragen, "
              f"{time.perf_counter() - t0:.1f} s")
    assert not probleme, "\n".join(probleme)
    assert gezeigt >= 20
    print(f"\nBildschirmfotos ({fassung}): {fotos}")


# ------------------------------------------------------------------ charts that fit (issue 14.1)
_LAGE = """
JSON.stringify(Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => {
  const karte = (d.closest('figure') || d.parentElement).getBoundingClientRect();
  const svg = d.querySelector('.main-svg').getBoundingClientRect();
  const s = d._fullLayout._size;
  return {id: d.id, karte: [karte.left, karte.right], svg: [svg.left, svg.right],
          plot: [svg.left + s.l, svg.left + s.l + s.w]};
}))
"""


@pytest.mark.parametrize("breite", [1280, 1920])
def test_every_chart_fits_its_card(demo_site, browser, breite):
    browser.breite(breite)
    try:
        probleme, n = [], 0
        for seite in sorted(demo_site["extern"].glob("*.html")):
            if "Plotly.newPlot(" not in seite.read_text(encoding="utf-8"):
                continue
            browser.oeffnen(seite.as_uri())
            for dg in json.loads(browser.auswerten(_LAGE)):
                n += 1
                links, rechts = dg["karte"]
                for teil in ("svg", "plot"):
                    a, b = dg[teil]
                    if a < links - 1 or b > rechts + 1:
                        probleme.append(f"{seite.name} bei {breite} px: {dg['id']} {teil} {a:.0f}–{b:.0f} px, "
                                        f"Karte {links:.0f}–{rechts:.0f} px")
        assert n >= 20
        assert not probleme, "\n".join(probleme)
    finally:
        browser.breite(BREITE)


# ------------------------------------------------------------------ suppressed values are never bars (14.2)
_BALKEN = """
JSON.stringify(Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => ({
  id: d.id, stapel: d._fullLayout.barmode === 'stack',
  reihen: d.data.filter(t => t.type === 'bar').map(t => ({
    name: t.name, einheit: (t.meta || {}).einheit, x: Array.from(t.x || []), y: Array.from(t.y || [])}))
})))
"""


def _wahrheit(warehouse: Path):
    """The true counts the charts are drawn from: (chart id, social space) -> {category: count}."""
    from kjh_reports import daten

    d = daten.lade_datei(warehouse)
    f = d["fallzahlen_jahr"]
    fj = f[f["jahr"] == d.berichtsjahr]
    setting = (fj.assign(h=fj["laufend_31_12"] + fj["beendet"]).groupby("sozialraum")["h"].sum()).to_dict()
    m = d["fallzahlen_monat"].copy()
    m["x"] = [str(t)[:10] for t in m["monat"]]
    summen = m.groupby(["sozialraum", "x"])[["laufend_monatsende", "begonnen", "beendet"]].sum()
    return d, setting, summen


def _nummer(v):
    return None if v is None else float(v)


def test_no_suppressed_count_is_drawn_as_a_bar(demo_site, browser):
    from kjh_reports.pages import sozialraum_datei

    d, setting, summen = _wahrheit(demo_site["warehouse"])
    seite_sr = {sozialraum_datei(s): s for s in d.sozialraeume}
    probleme, stapel_geprueft = [], 0
    for seite in sorted(demo_site["extern"].glob("*.html")):
        if "Plotly.newPlot(" not in seite.read_text(encoding="utf-8"):
            continue
        browser.oeffnen(seite.as_uri())
        sr = seite_sr.get(seite.name)
        for dg in json.loads(browser.auswerten(_BALKEN)):
            anzahl = [t for t in dg["reihen"] if t["einheit"] in ("anzahl", "geschützt")]
            if not anzahl:
                continue
            if dg["stapel"]:
                if dg["id"] == "kreis-setting":
                    wahr = setting
                elif dg["id"] == "sr-laufend" and sr:
                    wahr = summen.loc[sr, "laufend_monatsende"].to_dict()
                else:
                    probleme.append(f"{seite.name}: gestapeltes Diagramm {dg['id']} ohne Prüfwerte")
                    continue
                stapel = {}
                for t in anzahl:
                    for x, y in zip(t["x"], t["y"]):
                        if _nummer(y):
                            stapel[x] = stapel.get(x, 0.0) + float(y)
                for x, hoehe in stapel.items():
                    stapel_geprueft += 1
                    if abs(hoehe - wahr.get(x, 0)) > 0.5:
                        probleme.append(f"{seite.name}: {dg['id']} {x}: Balken {hoehe:.0f}, wahr {wahr.get(x, 0):.0f}")
            elif dg["id"] == "sr-beginn-ende" and sr:
                for t in anzahl:
                    wahr = summen.loc[sr, t["name"]].to_dict()
                    for x, y in zip(t["x"], t["y"]):
                        if _nummer(y) is not None and abs(float(y) - wahr.get(x, 0)) > 0.5:
                            probleme.append(f"{seite.name}: {dg['id']} {t['name']} {x}: {y}, wahr {wahr.get(x)}")
    assert stapel_geprueft > 100
    assert not probleme, "\n".join(probleme[:30]) + f"\n({len(probleme)} insgesamt)"


# ------------------------------------------------------------------ symbols agree with their rule (14.3)
_TABELLE = """
JSON.stringify(Array.from(document.querySelectorAll('table')).filter(t =>
    (t.caption || {}).textContent === %s).map(t => ({
  kopf: Array.from(t.querySelectorAll('thead th')).map(c => c.textContent.trim()),
  zeilen: Array.from(t.querySelectorAll('tbody tr')).map(r =>
      Array.from(r.querySelectorAll('th, td')).map(c => c.textContent.trim()))})))
"""


def test_cost_table_symbols_follow_the_rule(demo_site, browser):
    """'/' in Netto je Fallmonat exactly where fewer than MINDESTNENNER_FAELLE helps stand behind the rate."""
    from kjh.geheimhaltung.regel import MINDESTNENNER_FAELLE
    from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_NICHT_SICHER
    from kjh_reports.pages import sozialraum_datei
    from kjh_reports.schutz import schuetze

    d, _, _ = _wahrheit(demo_site["warehouse"])
    g = schuetze(d, False)
    f = d["fallzahlen_jahr"].assign(h=lambda x: x["laufend_31_12"] + x["beendet"])
    kf = d["kosten_je_fall"]
    label = {d.hilfeart_label(c): [c] for c in d.hilfearten["hilfeart"]}
    label[f"übrige ({', '.join(d.hilfeart_kurz(s) for s in g.seltene_jahr)})"] = list(g.seltene_jahr)
    probleme, geprueft, schraegstriche = [], 0, 0
    for sr in d.sozialraeume:
        browser.oeffnen((demo_site["extern"] / sozialraum_datei(sr)).as_uri())
        tabellen = json.loads(browser.auswerten(_TABELLE % json.dumps("Netto je Fallmonat (periodengerecht)")))
        assert len(tabellen) == 1, sr
        jahre = [int(k.rstrip("*")) for k in tabellen[0]["kopf"][1:]]
        for zeile in tabellen[0]["zeilen"]:
            codes = label[zeile[0]]
            for j, text in zip(jahre, zeile[1:]):
                sel = f[(f["sozialraum"] == sr) & (f["jahr"] == j) & f["hilfeart"].isin(codes)]
                hilfen = float(sel["h"].sum())
                hat_wert = not kf[(kf["sozialraum"] == sr) & (kf["jahr"] == j) & kf["hilfeart"].isin(codes)
                                  & kf["eur_je_fallmonat"].notna()].empty
                if not hat_wert:
                    erwartet = "."
                elif hilfen < MINDESTNENNER_FAELLE:
                    erwartet = ZEICHEN_NICHT_SICHER
                else:
                    erwartet = "Wert"
                ist = text if text in (".", ZEICHEN_NICHT_SICHER, ZEICHEN_GESPERRT) else "Wert"
                geprueft += 1
                schraegstriche += ist == ZEICHEN_NICHT_SICHER
                if ist != erwartet:
                    probleme.append(f"{sr}, {zeile[0]}, {j}: {text!r} bei {hilfen:.0f} Hilfen, erwartet {erwartet}")
    assert geprueft > 100 and schraegstriche > 0
    assert not probleme, "\n".join(probleme)


# ------------------------------------------------------------------ labels from exports stay text (issue 13.15)
BOESE = '<a href="https://boese.example/">Träger Klick</a>'


def test_a_link_in_a_provider_name_stays_text(demo_site, browser, tmp_path):
    """A provider name with an <a href> (plotly renders a subset of HTML in labels) is shown as text."""
    from kjh_reports import daten, site
    from kjh_reports.pages import sozialraum_datei

    d = daten.lade_datei(demo_site["warehouse"])
    t = d.marts["traeger_kennzahlen"]
    ts = d.traeger_sozialraum
    sr = d.sozialraeume[0]
    groesster = ts[(ts["sozialraum"] == sr) & (ts["jahr"] == d.berichtsjahr) & ts["traeger_id"].notna()] \
        .sort_values("netto_eur").iloc[-1]["traeger_id"]
    t.loc[t["traeger_id"] == groesster, "name"] = BOESE
    site.schreibe(d, tmp_path, intern=False)
    browser.oeffnen((tmp_path / sozialraum_datei(sr)).as_uri())
    befund = json.loads(browser.auswerten("""JSON.stringify({
      links: document.querySelectorAll('.main-svg a, .hoverlayer a').length,
      text: Array.from(document.querySelectorAll('#sr-traeger .main-svg text')).map(x => x.textContent)})"""))
    assert befund["links"] == 0
    assert any("<a href" in x for x in befund["text"]), befund["text"][:20]  # shown literally, as text
