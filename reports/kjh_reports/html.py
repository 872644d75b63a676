"""Small HTML building blocks: escaping, tables, key-figure tiles, figures with a note.

Every text from the data goes through `e()`. Count cells carry the class
`anzahl` (the suppression test reads every such cell), suppressed cells the
class `gesperrt` and a tooltip saying why.
"""
import html
from dataclasses import dataclass
from pathlib import Path
from string import Template

from kjh_reports import geheimhaltung as gh

TEMPLATES = Path(__file__).parent / "templates"


def e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


@dataclass
class Zelle:
    text: str
    klasse: str = ""
    titel: str = ""

    def td(self, tag: str = "td") -> str:
        k = f' class="{self.klasse}"' if self.klasse else ""
        t = f' title="{e(self.titel)}"' if self.titel else ""
        return f"<{tag}{k}{t}>{e(self.text)}</{tag}>"


_TITEL = {
    gh.PRIMAER: f"1 bis {gh.MINDESTFALLZAHL - 1} Fälle – zum Schutz der Betroffenen nicht gezeigt",
    gh.SEKUNDAER: "gesperrt, damit eine Summe keinen kleinen Wert verrät",
}


def anzahl(wert, status: str = gh.OFFEN, fmt=None) -> Zelle:
    """A count cell, already protected."""
    from kjh_reports.format import zahl

    text = gh.anzeige(wert, status, fmt or zahl)
    klasse = "zahl anzahl" + (" gesperrt" if status in gh.GESPERRT else "")
    return Zelle(text, klasse, _TITEL.get(status, ""))


def betrag(text: str, status: str = gh.OFFEN, extra: str = "") -> Zelle:
    """An amount or other figure; suppressed with its count."""
    if status in gh.GESPERRT:
        return Zelle(gh.ZEICHEN_GESPERRT if status == gh.SEKUNDAER else gh.ZEICHEN_KLEIN,
                     f"zahl gesperrt {extra}".strip(), "gehört zu einer geschützten Fallzahl")
    return Zelle(text, f"zahl {extra}".strip())


def quote(q: gh.Quote, fmt) -> Zelle:
    text = gh.quote_anzeige(q, fmt)
    titel = {"gesperrt": "zu kleine Basis – Quote nicht gezeigt",
             "eingeschraenkt": "kleine Basis – eingeschränkte Aussagekraft"}.get(q.zeigen, "")
    return Zelle(text, "zahl quote" + (" gesperrt" if q.zeigen == "gesperrt" else ""), titel)


def text(t, klasse: str = "") -> Zelle:
    return Zelle("" if t is None else str(t), klasse)


def tabelle(kopf: list, zeilen: list[list], *, klasse: str = "", fuss: list[list] | None = None,
            beschriftung: str = "", kopf_zahl_ab: int = 1) -> str:
    """kopf: column titles; zeilen: lists of Zelle or str; columns from kopf_zahl_ab on are right-aligned."""
    def zelle(z, tag="td"):
        return (z if isinstance(z, Zelle) else Zelle(str(z))).td(tag)

    def rechts(i):  # a column is right-aligned when its cells are numbers
        erste = zeilen[0] if zeilen else (fuss[0] if fuss else None)
        if erste is not None and i < len(erste) and isinstance(erste[i], Zelle):
            return "zahl" in erste[i].klasse.split()
        return i >= kopf_zahl_ab

    kopfzeile = "".join(
        f'<th scope="col"{" class=zahl" if i and rechts(i) else ""}>{e(k)}</th>' for i, k in enumerate(kopf))
    body = "\n".join("<tr>" + zelle(z[0], "th") .replace("<th", '<th scope="row"', 1) +
                     "".join(zelle(c) for c in z[1:]) + "</tr>" for z in zeilen)
    foot = ""
    if fuss:
        foot = "<tfoot>" + "\n".join("<tr>" + zelle(z[0], "th").replace("<th", '<th scope="row"', 1) +
                                     "".join(zelle(c) for c in z[1:]) + "</tr>" for z in fuss) + "</tfoot>"
    cap = f"<caption>{e(beschriftung)}</caption>" if beschriftung else ""
    return (f'<div class="tabelle-rahmen"><table class="{klasse}">{cap}<thead><tr>{kopfzeile}</tr></thead>'
            f"<tbody>{body}</tbody>{foot}</table></div>")


def kachel(titel: str, wert: str, unter: str = "", klasse: str = "", anzahl: bool = False) -> str:
    """A key-figure tile; anzahl=True marks the value as a count of helps (the suppression test reads it)."""
    wk = "kachel-wert anzahl" if anzahl else "kachel-wert"
    return (f'<div class="kachel {klasse}"><div class="kachel-titel">{e(titel)}</div>'
            f'<div class="{wk}">{e(wert)}</div>'
            + (f'<div class="kachel-unter">{e(unter)}</div>' if unter else "") + "</div>")


def kacheln(*k: str) -> str:
    return '<div class="kacheln">' + "".join(k) + "</div>"


def abbildung(diagramm: str, titel: str, notiz: str) -> str:
    """A chart with its title and the note under it that says what it counts."""
    return (f'<figure class="abbildung"><h3>{e(titel)}</h3>{diagramm}'
            f'<figcaption>{e(notiz)}</figcaption></figure>')


def abschnitt(titel: str, inhalt: str, id_: str = "", einleitung: str = "") -> str:
    i = f' id="{e(id_)}"' if id_ else ""
    ein = f'<p class="einleitung">{e(einleitung)}</p>' if einleitung else ""
    return f"<section{i}><h2>{e(titel)}</h2>{ein}{inhalt}</section>"


def ampel(wert: str | None) -> Zelle:
    if not wert or wert != wert:
        return Zelle("ohne Budget", "ampel ampel-keine")
    label = {"gruen": "grün", "gelb": "gelb", "rot": "rot"}.get(str(wert), str(wert))
    return Zelle(label, f"ampel ampel-{e(wert)}")


def hinweis(text_: str, klasse: str = "hinweis") -> str:
    return f'<p class="{klasse}">{e(text_)}</p>'


def vorlage(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))
