"""Start page: the county in five figures and a card for every page (template index.html)."""
from dataclasses import dataclass

from kjh.format import datum, eur, prozent, zahl
from kjh.geheimhaltung.regel import MINDESTFALLZAHL, MINDESTNENNER_FAELLE
from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_KLEIN, anzeige, quote_anzeige
from kjh_reports import html as h
from kjh_reports.daten import KREIS
from kjh_reports.pages import WORKBOOK, Kontext, Seite, sozialraum_datei


@dataclass
class Karte:
    """A link card: title and lines of text; laufend/eckwert: a social space's figures (the count marked anzahl)."""
    datei: str
    titel: str
    zeilen: tuple[str, ...] = ()
    laufend: str | None = None
    eckwert: str = ""


def _karte(datei: str, titel: str, *zeilen: str, laufend: str | None = None, eckwert: str = "") -> Karte:
    return Karte(datei, titel, zeilen, laufend, eckwert)


def seite(k: Kontext) -> Seite:
    d, g, jahr = k.daten, k.g, k.jahr
    b = d["budget_auslastung"]
    bj = b[(b["haushaltsjahr"] == jahr) & b["budget_eur"].notna()]
    budget, prog = bj["budget_eur"].sum(), bj["prognose_jahresende_eur"].sum()
    rot = int((bj["ampel"] == "rot").sum())
    kacheln = h.kacheln(
        h.kachel(f"laufende Hilfen am {datum(d.stichtag)}", anzeige(*g.jahr(jahr, "laufend_31_12"), zahl),
                 "Kreis gesamt", anzahl=True),
        h.kachel(f"Hilfen {k.jahr_label()}", anzeige(*g.jahr(jahr, "hilfen"), zahl), "laufend + beendet",
                 anzahl=True),
        h.kachel("Eckwert", quote_anzeige(g.eckwert(jahr, KREIS), lambda v: zahl(v, 1)),
                 "Hilfen je 1.000 unter 21-Jährige"),
        h.kachel(f"Netto bis {datum(d.stand_buchungen)}", eur(bj["netto_bis_stand_eur"].sum(), 0),
                 f"von {eur(budget, 0)} Budget"),
        h.kachel("Prognose Jahresende", prozent(prog / budget * 100) if budget else ".",
                 f"des Budgets · {rot} {'Teilplan' if rot == 1 else 'Teilpläne'} rot",
                 klasse="rot" if rot else "gruen"),
    )
    karten = [_karte("kreis.html", "Kreisübersicht", "Sozialräume nebeneinander: Hilfen nach Setting, Eckwerte im "
                     "Funnel-Plot, Ausgaben je Einwohner, Entwicklung seit " + str(d.erstes_jahr) + ".")]
    for s in d.sozialraeume:
        ew = g.eckwert(jahr, s)
        bs = b[(b["haushaltsjahr"] == jahr) & (b["sozialraum"] == s)]
        ampel = next((a for a in ("rot", "gelb", "gruen") if a in set(bs["ampel"].dropna())), None)
        karten.append(_karte(
            sozialraum_datei(s), f"Sozialraum {s}",
            f"Region {d.regionen.get(s, '–')}",
            f"Budget-Ampel: {({'rot': 'rot', 'gelb': 'gelb', 'gruen': 'grün'}).get(ampel, 'ohne Budget')}",
            laufend=anzeige(*g.jahr(jahr, "laufend_31_12", s), zahl), eckwert=quote_anzeige(ew, lambda v: zahl(v, 1))))
    karten.append(_karte("finanzen.html", "Finanzen", "Alle Sozialräume und Teilpläne gegen ihr Budget, Prognose, "
                         "Ampel, was in der Region bleibt – die schlechtesten zuerst."))
    karten.append(_karte("qualitaet.html", "Qualität", "Lieferungen, Quarantäne und die Ergebnisse der "
                         "Qualitätsprüfungen."))
    karten.append(_karte("statistik.html", "Amtliche Statistik", "Die Lieferungen nach §§ 98–103 SGB VIII."))
    karten.append(_karte(WORKBOOK, "Excel-Arbeitsmappe", "Alle Marts zum Weiterrechnen, ein Blatt je Mart, "
                         "mit derselben Geheimhaltung."))
    inhalt = h.seite("index.html", jahr_label=k.jahr_label(), berichtsstand=datum(d.berichtsstand), kacheln=kacheln,
                     karten=karten, intern=k.intern, mindestfallzahl=MINDESTFALLZAHL, zeichen_klein=ZEICHEN_KLEIN,
                     zeichen_gesperrt=ZEICHEN_GESPERRT, mindestnenner=MINDESTNENNER_FAELLE)
    return Seite("index.html", "Jugendhilfe nach Sozialräumen", inhalt, 0, "Übersicht")
