"""Start page: the county in five figures and a card for every page."""
from kjh.format import datum, eur, prozent, zahl
from kjh.geheimhaltung.regel import MINDESTFALLZAHL, MINDESTNENNER_FAELLE
from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_KLEIN, anzeige, quote_anzeige
from kjh_reports import html as h
from kjh_reports.daten import KREIS
from kjh_reports.pages import WORKBOOK, Kontext, Seite, sozialraum_datei


def _karte(datei: str, titel: str, *zeilen: str, roh: str = "") -> str:
    """A link card; roh = one line of ready HTML (already escaped)."""
    return (f'<a class="karte" href="{h.e(datei)}"><h3>{h.e(titel)}</h3>'
            + "".join(f"<p>{h.e(z)}</p>" for z in zeilen) + (f"<p>{roh}</p>" if roh else "") + "</a>")


def seite(k: Kontext) -> Seite:
    d, g, jahr = k.daten, k.g, k.jahr
    b = d["budget_auslastung"]
    bj = b[(b["haushaltsjahr"] == jahr) & b["budget_eur"].notna()]
    budget, prog = bj["budget_eur"].sum(), bj["prognose_jahresende_eur"].sum()
    rot = int((bj["ampel"] == "rot").sum())
    teile = [f'<p class="einleitung">Fallzahlen, Eckwerte und Ausgaben der Hilfen zur Erziehung, der '
             f'Eingliederungshilfe (§ 35a), der Hilfen für junge Volljährige und der Inobhutnahmen je Sozialraum. '
             f'Berichtsjahr {h.e(k.jahr_label())}, Daten bis {h.e(datum(d.berichtsstand))}.</p>']
    teile.append(h.kacheln(
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
    ))
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
            roh=(f'laufend: <span class="anzahl">{h.e(anzeige(*g.jahr(jahr, "laufend_31_12", s), zahl))}</span>'
                 f' · Eckwert {h.e(quote_anzeige(ew, lambda v: zahl(v, 1)))}')))
    karten.append(_karte("finanzen.html", "Finanzen", "Alle Sozialräume und Teilpläne gegen ihr Budget, Prognose, "
                         "Ampel, was in der Region bleibt – die schlechtesten zuerst."))
    karten.append(_karte("qualitaet.html", "Qualität", "Lieferungen, Quarantäne und die Ergebnisse der "
                         "Qualitätsprüfungen."))
    karten.append(_karte("statistik.html", "Amtliche Statistik", "Die Lieferungen nach §§ 98–103 SGB VIII."))
    karten.append(_karte(WORKBOOK, "Excel-Arbeitsmappe", "Alle Marts zum Weiterrechnen, ein Blatt je Mart, "
                         "mit derselben Geheimhaltung."))
    teile.append(h.abschnitt("Berichte", '<div class="karten">' + "".join(karten) + "</div>", "berichte"))
    teile.append(h.abschnitt("Lesehilfe", (
        "<p>Eine <strong>Hilfe</strong> ist eine Leistung nach §§ 27–35a, 41 oder 42 SGB VIII für einen jungen "
        "Menschen. <strong>Laufend</strong> heißt: am Stichtag begonnen und nicht beendet. <strong>Hilfen im "
        "Jahr</strong> sind die am 31.12. laufenden plus die im Jahr beendeten Hilfen; sie sind der Zähler des "
        "<strong>Eckwerts</strong> (je 1.000 Einwohner unter 21 Jahren). <strong>Netto-Ausgaben</strong> sind "
        "Auszahlungen abzüglich Kostenbeiträge und Erstattungen, nach Buchungsdatum.</p>"
        + (f"<p>Diese Fassung ist zur Weitergabe geeignet: Fallzahlen von 1 bis {MINDESTFALLZAHL - 1} sind als "
           f"„{h.e(ZEICHEN_KLEIN)}“ geschützt, Summen verraten sie nicht (gesperrte Felder „{ZEICHEN_GESPERRT}“), "
           f"Quoten erscheinen erst ab {MINDESTNENNER_FAELLE} Hilfen.</p>" if not k.intern else
           "<p><strong>Interne Fassung mit exakten Fallzahlen – nicht weitergeben.</strong></p>")), "lesehilfe"))
    return Seite("index.html", "Jugendhilfe nach Sozialräumen", "\n".join(teile), 0, "Übersicht")
