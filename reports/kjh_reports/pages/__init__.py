"""One module per kind of page. Each has `seite(k: Kontext) -> Seite` (or `seiten` for several).

The frame (header with Stand and internal/external notice, navigation,
footer with the symbols) is the same on every page: `rahmen`.
"""
import datetime as dt
import re
from dataclasses import dataclass, field

from kjh.format import datum
from kjh.geheimhaltung.regel import MINDESTFALLZAHL, MINDESTNENNER_EINWOHNER, MINDESTNENNER_FAELLE
from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_KLEIN, ZEICHENERKLAERUNG

from kjh_reports.daten import Berichtsdaten
from kjh_reports.html import e, vorlage
from kjh_reports.schutz import Geschuetzt

WORKBOOK = "kjh-kennzahlen.xlsx"


@dataclass
class Seite:
    datei: str
    titel: str
    inhalt: str
    diagramme: int = 0          # number of plotly charts on the page
    nav_titel: str = ""


@dataclass
class Kontext:
    daten: Berichtsdaten
    g: Geschuetzt
    intern: bool
    navigation: list[tuple[str, str]] = field(default_factory=list)  # (file, label); "" file = separator
    extras: dict = field(default_factory=dict)

    @property
    def jahr(self) -> int:
        return self.daten.berichtsjahr

    def jahr_label(self, jahr: int | None = None) -> str:
        """'2025' or '2026 (bis 31.10.)' for the year that runs only to the cut-off."""
        jahr = self.jahr if jahr is None else jahr
        if jahr == self.daten.letztes_jahr and not _ganzes_jahr(self.daten):
            s = self.daten.berichtsstand
            return f"{jahr} (bis {s.day:02d}.{s.month:02d}.)"
        return str(jahr)

    def jahr_kurz(self, jahr: int) -> str:
        return f"{jahr}*" if jahr == self.daten.letztes_jahr and not _ganzes_jahr(self.daten) else str(jahr)


def _ganzes_jahr(d: Berichtsdaten) -> bool:
    return (d.berichtsstand.month, d.berichtsstand.day) == (12, 31)


def slug(name: str) -> str:
    s = name.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def sozialraum_datei(name: str) -> str:
    return f"sozialraum-{slug(name)}.html"


def rahmen(k: Kontext, seite: Seite) -> str:
    nav = []
    for datei, label in k.navigation:
        if not datei:
            nav.append(f'<span class="trenner">{e(label)}</span>')
            continue
        aktiv = ' class="aktiv" aria-current="page"' if datei == seite.datei else ""
        nav.append(f'<a href="{e(datei)}"{aktiv}>{e(label)}</a>')
    if k.intern:
        modus_text = ("INTERN – exakte Fallzahlen, auch kleine. Nur für den Dienstgebrauch im Jugendamt, "
                      "nicht weitergeben (nicht für den Jugendhilfeausschuss).")
        modus_fuss = ("Interne Fassung: Fallzahlen sind exakt, auch 1 und 2; Quoten mit kleiner Basis stehen in "
                      "Klammern. Nicht weitergeben.")
    else:
        modus_text = (f"NICHT zur Weitergabe: {k.g.sperrung.nicht_schuetzbar} kleine Fallzahlen ließen sich aus "
                      f"veröffentlichten Summen errechnen. Vor einer Weitergabe Hilfearten zusammenfassen."
                      if k.g.sperrung.nicht_schuetzbar else
                      f"Zur Weitergabe geeignet: Fallzahlen von 1 bis {MINDESTFALLZAHL - 1} sind geschützt "
                      f"(„{ZEICHEN_KLEIN}“), Summen verraten sie nicht.")
        modus_fuss = (f"Geschützte Fassung: Fallzahlen von 1 bis {MINDESTFALLZAHL - 1} werden als "
                      f"„{ZEICHEN_KLEIN}“ gezeigt, Diagramme lassen sie aus; Zellen, über die eine Summe sie "
                      f"verraten könnte, sind gesperrt („{ZEICHEN_GESPERRT}“). Quoten erscheinen erst ab "
                      f"{MINDESTNENNER_FAELLE} Hilfen bzw. {MINDESTNENNER_EINWOHNER} Einwohnern.")
    zeichen = "".join(f"<dt>{e(z)}</dt><dd>{e(t)}</dd>" for z, t in ZEICHENERKLAERUNG
                      if k.intern or z != "( )")
    skripte = ""
    if seite.diagramme:
        # after the page is laid out, every chart takes its card's final width (a chart is drawn while the
        # page is still being parsed; `responsive` alone reacts to window resizes only)
        skripte = ('<script src="assets/plotly.min.js"></script>\n'
                   '<script src="assets/plotly-locale-de.js"></script>\n'
                   "<script>window.addEventListener('load', () => document.querySelectorAll('.plotly-graph-div')"
                   ".forEach(d => Plotly.Plots.resize(d)));</script>")
    return vorlage("seite.html").substitute(
        titel=e(seite.titel),
        skripte=skripte,
        modus_klasse="intern" if k.intern else "extern",
        modus_text=e(modus_text),
        modus_fuss=e(modus_fuss),
        stand=e(datum(k.daten.berichtsstand)),
        navigation="".join(nav),
        inhalt=seite.inhalt,
        zeichen=zeichen,
        erstellt=e(datum(dt.date.today())),
    )
