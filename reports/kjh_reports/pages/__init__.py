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
from kjh_reports.html import vorlage
from kjh_reports.schutz import Geschuetzt

WORKBOOK = "kjh-kennzahlen.xlsx"


@dataclass
class Seite:
    datei: str
    titel: str
    inhalt: str
    diagramme: int = 0          # number of plotly charts on the page
    nav_titel: str = ""
    nicht_schuetzbar: int | None = None  # a page with tables of its own (Statistik): their count, not the site's


@dataclass
class Kontext:
    daten: Berichtsdaten | None   # None: a page written without the site's data (Statistik, before any mart)
    g: Geschuetzt | None          # None: the site's protection was not solved (a page with its own tables)
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
    """The whole page: header (Stand, internal/external notice), navigation, the content, footer with the symbols."""
    if k.intern:
        modus_text = ("INTERN – exakte Fallzahlen, auch kleine. Nur für den Dienstgebrauch im Jugendamt, "
                      "nicht weitergeben (nicht für den Jugendhilfeausschuss).")
        modus_fuss = ("Interne Fassung: Fallzahlen sind exakt, auch 1 und 2; Quoten mit kleiner Basis stehen in "
                      "Klammern. Nicht weitergeben.")
    else:
        nicht = seite.nicht_schuetzbar if seite.nicht_schuetzbar is not None else k.g.sperrung.nicht_schuetzbar
        modus_text = (f"NICHT zur Weitergabe: {nicht} kleine Fallzahlen ließen sich aus "
                      f"veröffentlichten Summen errechnen. Vor einer Weitergabe Hilfearten zusammenfassen."
                      if nicht else
                      f"Zur Weitergabe geeignet: Fallzahlen von 1 bis {MINDESTFALLZAHL - 1} sind geschützt "
                      f"(„{ZEICHEN_KLEIN}“), Summen verraten sie nicht.")
        modus_fuss = (f"Geschützte Fassung: Fallzahlen von 1 bis {MINDESTFALLZAHL - 1} werden als "
                      f"„{ZEICHEN_KLEIN}“ gezeigt, Diagramme lassen sie aus; Zellen, über die eine Summe sie "
                      f"verraten könnte, sind gesperrt („{ZEICHEN_GESPERRT}“). Quoten erscheinen erst ab "
                      f"{MINDESTNENNER_FAELLE} Hilfen bzw. {MINDESTNENNER_EINWOHNER} Einwohnern.")
    return vorlage("seite.html").render(
        titel=seite.titel,
        diagramme=seite.diagramme,
        modus_klasse="intern" if k.intern else "extern",
        modus_text=modus_text,
        modus_fuss=modus_fuss,
        stand=datum(k.daten.berichtsstand) if k.daten is not None else ".",
        navigation=k.navigation,
        aktiv=seite.datei,
        inhalt=seite.inhalt,  # rendered from the page's template (autoescaped), see kjh_reports.html
        zeichen=[(z, t) for z, t in ZEICHENERKLAERUNG if k.intern or z != "( )"],
        erstellt=datum(dt.date.today()),
    )
