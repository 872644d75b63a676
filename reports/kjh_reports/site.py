"""Writes the report site into the reports folder.

    index.html, kreis.html, sozialraum-<name>.html, finanzen.html, qualitaet.html, statistik.html
    assets/plotly.min.js          plotly.js, once, from the installed plotly package (no CDN)
    assets/plotly-locale-de.js    German month names and number format for plotly
    assets/kjh.css                the stylesheet (system fonts only)

Every page references the assets relatively, so the folder works from the
file system with no network. Other content of the reports folder (the
workbook, the quality Data Docs in qualitaet/) is left alone.
"""
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from plotly.offline import get_plotlyjs

from kjh_reports import daten as daten_mod
from kjh_reports.daten import Berichtsdaten
from kjh_reports.html import vorlage
from kjh_reports.pages import Kontext, Seite, finanzen, index, kreis, qualitaet, rahmen, sozialraum, statistik
from kjh_reports.schutz import Geschuetzt, schuetze

ASSETS = Path(__file__).parent / "assets"


@dataclass
class GeschriebeneSite:
    """What `schreibe` wrote: the index page, the pages, the charts and the protection's counts."""
    index: Path
    seiten: list[str]
    diagramme: int
    intern: bool
    gesperrte_zellen: int
    nicht_schuetzbar: int
    sekunden: float


def _assets(ziel: Path) -> None:
    ziel.mkdir(parents=True, exist_ok=True)
    js = get_plotlyjs()
    datei = ziel / "plotly.min.js"
    if not datei.exists() or datei.stat().st_size != len(js.encode("utf-8")):
        datei.write_text(js, encoding="utf-8")
    for f in ASSETS.iterdir():
        if f.is_file():
            shutil.copyfile(f, ziel / f.name)


def navigation(d: Berichtsdaten | None) -> list[tuple[str, str]]:
    nav = [("index.html", "Übersicht"), ("kreis.html", "Kreis")]
    nav += [(sozialraum.sozialraum_datei(s), s) for s in (d.sozialraeume if d is not None else [])]
    return nav + [("finanzen.html", "Finanzen"), ("qualitaet.html", "Qualität"), (statistik.DATEI, "Statistik")]


def _schreibe_seite(k: Kontext, s: Seite, reports_dir: Path) -> None:
    ziel = reports_dir / s.datei
    tmp = reports_dir / f".{s.datei}.tmp"
    tmp.write_text(rahmen(k, s), encoding="utf-8")
    tmp.replace(ziel)


def schreibe(d: Berichtsdaten, reports_dir: Path, intern: bool, g: Geschuetzt | None = None) -> GeschriebeneSite:
    t0 = time.perf_counter()
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    g = g or schuetze(d, intern)
    k = Kontext(daten=d, g=g, intern=intern, extras={"reports_dir": reports_dir}, navigation=navigation(d))
    seiten: list[Seite] = [index.seite(k), kreis.seite(k), *sozialraum.seiten(k), finanzen.seite(k),
                           qualitaet.seite(k)]
    # statistik.html shows the statutory delivery and is written with it (schreibe_statistik, called by
    # kjh.defs.reports.statistik_seite); until a delivery has written it, the page says what will appear there.
    if not (reports_dir / statistik.DATEI).exists():
        seiten.append(statistik.seite(k))
    _assets(reports_dir / "assets")
    for alt in reports_dir.glob("sozialraum-*.html"):  # social spaces that no longer exist
        alt.unlink()
    for s in seiten:
        _schreibe_seite(k, s, reports_dir)
    return GeschriebeneSite(index=reports_dir / "index.html", seiten=[s.datei for s in seiten],
                            diagramme=sum(s.diagramme for s in seiten), intern=intern,
                            gesperrte_zellen=0 if intern else g.gesperrte_zellen,
                            nicht_schuetzbar=0 if intern else g.sperrung.nicht_schuetzbar,
                            sekunden=time.perf_counter() - t0)


def schreibe_statistik(d: Berichtsdaten | None, reports_dir: Path, intern: bool, statistik_daten) -> Path:
    """Writes the Statistik page alone (after a delivery), in the frame and navigation of the site.

    d: the site's data for the frame (None before any mart); statistik_daten: what
    kjh.statistik.zusammenfassung.seitendaten computed. The page's notice counts its own tables only.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    k = Kontext(daten=d, g=None, intern=intern, extras={"reports_dir": reports_dir}, navigation=navigation(d))
    _assets(reports_dir / "assets")
    s = statistik.seite(k, statistik_daten)
    _schreibe_seite(k, s, reports_dir)
    return reports_dir / s.datei


def schreibe_leer(reports_dir: Path, grund: str) -> Path:
    """Before the first helps and bookings: an index page that says so, nothing else."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    index = reports_dir / "index.html"
    index.write_text(vorlage("leer.html").render(grund=grund), encoding="utf-8")
    return index


def render_site(warehouse_path: Path, reports_dir: Path, intern: bool, jahr: int | None = None) -> Path:
    """Read the warehouse (read-only), write the site, return the path of index.html."""
    try:
        d = daten_mod.lade_datei(Path(warehouse_path), jahr)
    except daten_mod.KeineDaten as leer:
        return schreibe_leer(Path(reports_dir), str(leer))
    return schreibe(d, Path(reports_dir), intern).index
