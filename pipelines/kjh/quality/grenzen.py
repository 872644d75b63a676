"""How far to trust each check: what it compares, what it cannot see, and how many
findings it raised on the independent test data set (tests/fremdsystem.py: exports
"from another case system", written from a list of how real exports differ from
the demo; tests/test_quality_fremdsystem.py asserts these counts).

One place for it: the quality page shows it per check, the README's table of
checks is written from it (tests/test_quality_fremdsystem.py checks that every
check has an entry and that the README lists the checks named here).

Checks the contract gives every table (required field, code list, format, key,
date order, schema, collapse of a delivery) share one text per kind.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Grenze:
    vergleicht: str   # what the check compares
    sieht_nicht: str  # what it cannot see (and so never flags)


# Findings on the independent data set, per check (every other check: 0). The faults were
# injected on purpose; each is found exactly once, by one check.
BEFUNDE_FREMDDATEN: dict[str, int] = {
    "finanz.leistung_nach_hilfeende": 1,
    "finanz.traeger_ausserhalb_vereinbarung": 4,
    "finanz.tagessatz_abweichung": 1,
    "finanz.doppelbuchung": 2,
    "plausi.kosten_je_fallmonat_ausreisser": 1,
    "plausi.vorjahr_fallzahlen": 1,
    "plausi.vorjahr_nettoausgaben": 1,
    # soft findings of the statutory records (WARN): planned ends, overlapping helps of one type
    "plausi.ende_nach_exportdatum": 3,
    "plausi.ueberschneidung_gleiche_hilfeart": 2,
}

_NUR_EXPORT = "Nur den aktuellen Stand der Lieferung; was das Quellsystem nie exportiert, sieht keine Prüfung."

# by the end of a check's name: the checks every table gets from the contract
_NACH_ART = {
    "spalten_und_typen": Grenze("Spalten und Typen der Rohtabelle mit dem Vertrag (sources/contract).",
                                "Inhalte der Spalten."),
    "_pflichtfeld": Grenze("Jeden Datensatz des aktuellen Stands: Feld leer oder nicht.",
                           "Ob ein gefüllter Wert stimmt."),
    "_codeliste": Grenze("Jeden Wert mit der Codeliste des Vertrags.", "Einen gültigen, aber falschen Code."),
    "_format": Grenze("Jeden Wert mit der Form des Vertrags (z. B. 8 Ziffern).",
                      "Einen wohlgeformten, aber falschen Schlüssel."),
    "schluessel_eindeutig": Grenze("Die Schlüssel des aktuellen Stands untereinander.",
                                   "Dieselbe Sache unter zwei Schlüsseln."),
    "lieferung_nicht_eingebrochen": Grenze(
        "Die Zahl der Datensätze der neuesten Lieferung mit der vorigen derselben Art.",
        "Ob ein Rückgang echt ist; bei nur einer Lieferung gibt es nichts zu vergleichen."),
}

GRENZEN: dict[str, Grenze] = {
    "finanz.leistung_nach_hilfeende": Grenze(
        "Leistungszeitraum jeder Leistungsbuchung mit dem Ende ihrer Hilfe (+ 31 Tage Kulanz).",
        "Ein geplantes Ende nach dem Exportdatum (die Hilfe läuft noch); Buchungen ohne Hilfe."),
    "finanz.traeger_ausserhalb_vereinbarung": Grenze(
        "Leistungszeitraum jeder Buchung an einen Träger mit allen gelieferten Vereinbarungen des Trägers; "
        "gemeldet nur, was nach dem Ende einer Vereinbarung liegt, solange ein Export noch keine neuere zeigte.",
        "Zeiträume vor der ersten gelieferten Vereinbarung (frühere Vereinbarungen stehen in keinem Export, "
        "wenn der Träger-Export nur die aktuelle trägt) und nach dem letzten Träger-Export: nicht prüfbar, "
        "gezählt, nie gemeldet."),
    "finanz.tagessatz_abweichung": Grenze(
        "Summe je Leistungszeitraum (Entgelt-Konto) stationärer Hilfen mit Tagessatz × Kalendertage bzw. "
        "× 30,42 je ganzem Monat (das Größere), nur mit einem Tagessatz, dessen gelieferte Vereinbarung den "
        "ganzen Zeitraum abdeckt.",
        "Beträge unter Tagessatz × Tage (Abwesenheitstage werden gekürzt und stehen in keinem Export: siehe "
        "finanz.tagessatz_verteilung); bis 8,6 % Überzahlung eines nach Kalendertagen abrechnenden Trägers im "
        "Februar; Zeiträume ohne gelieferten gültigen Tagessatz (nicht prüfbar, gezählt)."),
    "finanz.tagessatz_verteilung": Grenze(
        "Statistik (INFO): wie die prüfbaren Zeiträume abgerechnet sind (Kalendertage, 30,42-Tage-Monat, "
        "darunter, darüber).",
        "Warum ein Betrag darunter liegt (Abwesenheit oder Fehler): deshalb keine Verdachtsliste."),
    "finanz.doppelbuchung": Grenze(
        "Leistungsbuchungen derselben Hilfe, desselben Zeitraums und Betrags untereinander (Stornos zählen "
        "gegen).",
        "Doppelzahlungen mit abweichendem Betrag oder Zeitraum; Buchungen ohne Hilfe."),
    "plausi.vorjahr_fallzahlen": Grenze(
        "Fallzahl je Sozialraum und vollständigem Jahr mit dem Vorjahr (±25 %, ab 20 Fällen).",
        "Jahre vor dem ersten Berichtsjahr; Sozialräume im Jahr einer geänderten Zuordnung und im Jahr danach "
        "(nicht prüfbar, gezählt); ob ein Sprung erklärt ist (neues Angebot)."),
    "plausi.vorjahr_nettoausgaben": Grenze(
        "Nettoausgaben je Sozialraum und vollständigem Haushaltsjahr mit dem Vorjahr (±25 %, ab 50.000 €).",
        "Jahre vor dem ersten vollständigen Buchungsjahr (eine Finanzhistorie ab Juli macht das erste Jahr "
        "halb so teuer); Sozialräume im Jahr einer geänderten Zuordnung und im Jahr danach (nicht prüfbar, "
        "gezählt)."),
    "plausi.kosten_je_fallmonat_ausreisser": Grenze(
        "Kosten je Fallmonat jeder Hilfe mit dem Median ihrer Hilfeart und Betreuungsform (× / ÷ 10).",
        "Abweichungen unter dem Faktor 10; Monate, deren Rechnung noch nicht fällig ist; Gruppen unter "
        "5 Hilfe-Monaten."),
    "bevoelkerung.je_buchungsjahr": Grenze(
        "Jahre mit Buchungen je Sozialraum mit den Jahren der Bevölkerungsdatei.",
        "Jahre vor dem ersten Jahr der Datei: das Amt meldet sie nicht (nicht prüfbar, gezählt)."),
    "budgets.je_buchungsjahr": Grenze(
        "Haushaltsjahre mit Buchungen je Sozialraum mit den Jahren der Budgetdatei.",
        "Jahre vor dem ersten Jahr der Datei: das Amt meldet sie nicht (nicht prüfbar, gezählt)."),
    "plausi.ende_nach_exportdatum": Grenze(
        "Ende jeder Hilfe mit dem Datum des neuesten Exports, der sie trägt (weicher Befund: die Hilfe zählt als "
        "laufend).", "Ob ein geplantes Ende eintritt – das zeigt erst ein späterer Export."),
    "plausi.ueberschneidung_gleiche_hilfeart": Grenze(
        "Hilfen derselben Person und Hilfeart untereinander (weicher Befund).",
        "Ob die zweite Hilfe eine gewollte Folgehilfe oder zweite Maßnahme ist: die Statistikstelle bestätigt."),
}


def grenze(name: str, beschreibung: str = "") -> Grenze:
    """The entry of a check: its own, else the one of its kind, else its description."""
    if name in GRENZEN:
        return GRENZEN[name]
    for endung, g in _NACH_ART.items():
        if name.endswith(endung):
            return g
    return Grenze(beschreibung or name, _NUR_EXPORT)


def befunde_fremddaten(name: str) -> int:
    return BEFUNDE_FREMDDATEN.get(name, 0)
