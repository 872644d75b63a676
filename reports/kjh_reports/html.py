"""The building blocks of a page as data, laid out by the macros of templates/macros.html.

Every page is a template file in kjh_reports/templates, rendered by `vorlage(name)`
with autoescape on: texts from the data are escaped by Jinja, no module writes HTML.
Count cells carry the class `anzahl` (the suppression test reads every such cell),
suppressed cells the class `gesperrt` and a tooltip saying why.

    Zelle      one table cell: text, classes, tooltip (anzahl, betrag, quote, text, ampel make them)
    Tabelle    a table: column titles, rows and footer rows of Zellen, caption  -> macro tabelle
    Kachel     a key-figure tile (kacheln: a row of them)                       -> macros kachel, kacheln
    Abbildung  a plotly chart with its title and the note under it             -> macro abbildung
"""
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from kjh.geheimhaltung.quoten import Quote
from kjh.geheimhaltung.regel import GESPERRT, MINDESTFALLZAHL, OFFEN, PRIMAER, SEKUNDAER
from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_KLEIN, anzeige, quote_anzeige

# every page and part of a page is a template file in kjh_reports/templates, escaped unless marked safe
UMGEBUNG = Environment(loader=PackageLoader("kjh_reports", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


@dataclass
class Zelle:
    text: str
    klasse: str = ""
    titel: str = ""


_TITEL = {
    PRIMAER: f"1 bis {MINDESTFALLZAHL - 1} Fälle – zum Schutz der Betroffenen nicht gezeigt",
    SEKUNDAER: "gesperrt, damit eine Summe keinen kleinen Wert verrät",
}


def anzahl(wert, status: str = OFFEN, fmt=None) -> Zelle:
    """A count cell, already protected."""
    from kjh.format import zahl

    text = anzeige(wert, status, fmt or zahl)
    klasse = "zahl anzahl" + (" gesperrt" if status in GESPERRT else "")
    return Zelle(text, klasse, _TITEL.get(status, ""))


def betrag(text: str, status: str = OFFEN, extra: str = "") -> Zelle:
    """An amount or other figure; suppressed with its count."""
    if status in GESPERRT:
        return Zelle(ZEICHEN_GESPERRT if status == SEKUNDAER else ZEICHEN_KLEIN,
                     f"zahl gesperrt {extra}".strip(), "gehört zu einer geschützten Fallzahl")
    return Zelle(text, f"zahl {extra}".strip())


def quote(q: Quote, fmt) -> Zelle:
    text = quote_anzeige(q, fmt)
    titel = {"gesperrt": "zu kleine Basis – Quote nicht gezeigt",
             "eingeschraenkt": "kleine Basis – eingeschränkte Aussagekraft"}.get(q.zeigen, "")
    return Zelle(text, "zahl quote" + (" gesperrt" if q.zeigen == "gesperrt" else ""), titel)


def text(t, klasse: str = "") -> Zelle:
    return Zelle("" if t is None else str(t), klasse)


def ampel(wert: str | None) -> Zelle:
    if not wert or wert != wert:
        return Zelle("ohne Budget", "ampel ampel-keine")
    label = {"gruen": "grün", "gelb": "gelb", "rot": "rot"}.get(str(wert), str(wert))
    return Zelle(label, f"ampel ampel-{wert}")


@dataclass
class Tabelle:
    kopf: list[str]
    rechts: list[bool]            # per column: right-aligned (a column of numbers)
    zeilen: list[list[Zelle]]     # the first cell of a row is its header
    fuss: list[list[Zelle]]
    klasse: str = ""
    beschriftung: str = ""


def tabelle(kopf: list, zeilen: list[list], *, klasse: str = "", fuss: list[list] | None = None,
            beschriftung: str = "", kopf_zahl_ab: int = 1) -> Tabelle:
    """kopf: column titles; zeilen: lists of Zelle or str; columns from kopf_zahl_ab on are right-aligned."""
    def zellen(z):
        return [c if isinstance(c, Zelle) else Zelle(str(c)) for c in z]

    def rechts(i):  # a column is right-aligned when its cells are numbers
        erste = zeilen[0] if zeilen else (fuss[0] if fuss else None)
        if erste is not None and i < len(erste) and isinstance(erste[i], Zelle):
            return "zahl" in erste[i].klasse.split()
        return i >= kopf_zahl_ab

    return Tabelle([str(k) for k in kopf], [bool(i) and rechts(i) for i in range(len(kopf))],
                   [zellen(z) for z in zeilen], [zellen(z) for z in fuss or []], klasse, beschriftung)


@dataclass
class Kachel:
    titel: str
    wert: str
    unter: str = ""
    klasse: str = ""
    anzahl: bool = False          # the value is a count of helps (the suppression test reads it)


def kachel(titel: str, wert: str, unter: str = "", klasse: str = "", anzahl: bool = False) -> Kachel:
    """A key-figure tile; anzahl=True marks the value as a count of helps."""
    return Kachel(titel, wert, unter, klasse, anzahl)


def kacheln(*k: Kachel) -> list[Kachel]:
    return list(k)


@dataclass
class Abbildung:
    diagramm: Markup              # plotly's <div> and script (kjh_reports.charts.einbetten), labels escaped there
    titel: str
    notiz: str


def abbildung(diagramm: str, titel: str, notiz: str) -> Abbildung:
    """A chart with its title and the note under it that says what it counts."""
    return Abbildung(Markup(diagramm), titel, notiz)


@dataclass
class Link:
    datei: str
    text: str


def vorlage(name: str) -> Template:
    return UMGEBUNG.get_template(name)


def seite(name: str, **werte) -> str:
    """The content of a page: template `name` rendered with werte (the frame adds header and footer)."""
    return vorlage(name).render(**werte)
