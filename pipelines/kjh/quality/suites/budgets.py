"""raw.budgets: the net expenditure cap per social space, year and Teilplan,
and whether every social space has one for each year it has bookings.
"""
from kjh.quality.rules import ERROR, JAHR, SOZIALRAUM, WARN, Abfrage, Bedingung, Pruefung, Suite
from kjh.quality.suites import common as c

ART = "budgets"
EINHEIT = "Budgetzeilen"
IDS = ("sozialraum", "haushaltsjahr", "teilplan", "datei", "zeile")

AKTUELL_SQL = f"""
    select b.sozialraum, b.haushaltsjahr, b.teilplan, b.budget_eur, b.stand_ab as exportdatum, l.datei, b.zeile,
           b.sozialraum as {SOZIALRAUM}
    from raw.budgets b
    left join audit.lieferungen l on l.lieferung_id = b.lieferung_id
    where b.stand_bis is null
    order by b.sozialraum, b.haushaltsjahr, b.teilplan"""

_BUCHUNGEN = f"""
    with {c.BUCHUNGEN_JE_SOZIALRAUM_CTE},
    budgets as (select * from raw.budgets where stand_bis is null)"""

# One row per social space and year with bookings: its budget over all Teilpläne.
JAHRE_SQL = _BUCHUNGEN + f"""
    select s.sozialraum, s.jahr as haushaltsjahr, sum(s.buchungen) as buchungen,
           (select sum(b.budget_eur) from budgets b
             where b.sozialraum = s.sozialraum and b.haushaltsjahr = s.jahr) as budget_eur,
           s.jahr in (select haushaltsjahr from budgets) as jahr_mit_budget,
           -- years before the first Haushaltsjahr the file holds are never reported (issue 12): not checkable
           coalesce(s.jahr >= (select min(haushaltsjahr) from budgets), true) as jahr_berichtet,
           s.sozialraum as {SOZIALRAUM}, s.jahr as {JAHR}
    from buchungen_sr s
    group by s.sozialraum, s.jahr
    order by s.sozialraum, s.jahr"""

# One row per social space, year and Teilplan with bookings.
TEILPLAENE_SQL = _BUCHUNGEN + f"""
    select s.sozialraum, s.jahr as haushaltsjahr, s.teilplan, s.buchungen, b.budget_eur,
           s.jahr in (select haushaltsjahr from budgets) as jahr_mit_budget,
           s.sozialraum as {SOZIALRAUM}
    from buchungen_sr s
    left join budgets b on b.sozialraum = s.sozialraum and b.haushaltsjahr = s.jahr and b.teilplan = s.teilplan
    order by s.sozialraum, s.jahr, s.teilplan"""


def suite() -> Suite:
    t = c.AKTUELL
    # The contract's unique key (ERROR): two caps for one social space/year/Teilplan add up to a wrong cap.
    eigene = [
        # ERROR: a negative cap makes the budget use meaningless.
        Pruefung(
            name="budgets.betrag_nicht_negativ", schweregrad=ERROR, teil=t,
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "budget_eur", "min_value": 0},
            beschreibung="„budget_eur“ ist nicht negativ.",
            fehlertext="{n} Budgetzeilen haben ein negatives Budget (z. B. {beispiele}). Budgetdatei korrigieren.",
            beispiel_spalten=IDS + ("budget_eur",),
        ),
        # WARN: a typo year only adds a year nobody reports on; the coverage
        # checks below catch a missing real year.
        Pruefung(
            name="budgets.haushaltsjahr_plausibel", schweregrad=WARN, teil=t,
            erwartung="ExpectColumnValuesToBeBetween",
            argumente={"column": "haushaltsjahr", "min_value": 1990, "max_value": 2100},
            beschreibung="„haushaltsjahr“ liegt zwischen 1990 und 2100.",
            fehlertext="{n} Budgetzeilen haben ein unplausibles Haushaltsjahr (z. B. {beispiele}): Tippfehler?",
            beispiel_spalten=IDS,
        ),
        # ERROR: a budget for a social space the mapping does not know (a typo
        # in its name) is never compared with the bookings: the budget report
        # shows that space without a cap.
        Pruefung(
            name="budgets.sozialraum_bekannt", schweregrad=ERROR, teil=t,
            erwartung="ExpectColumnValuesToBeInSet",
            argumente={"column": "sozialraum", "value_set": Abfrage("select distinct sozialraum from raw.sozialraeume")},
            beschreibung="Jeder Sozialraum der Budgetdatei steht in der Zuordnung der Sozialräume.",
            fehlertext=("{n} Budgetzeilen nennen einen Sozialraum, den die Zuordnung nicht kennt (z. B. {beispiele}): "
                        "Schreibweise in der Budgetdatei an die Sozialraum-Datei angleichen."),
            beispiel_spalten=IDS,
        ),
        # A new year's budgets come with the adopted budget (Haushaltssatzung),
        # often after the first bookings: a year with no budget at all shows
        # no caps, which everyone sees: WARN. But a year with caps for some
        # social spaces and not for others leaves a space out of the budget
        # report and makes the county's budget use wrong: ERROR.
        Pruefung(
            name="budgets.budget_je_sozialraum_und_jahr", schweregrad=ERROR, teil="jahre",
            erwartung="ExpectColumnValuesToNotBeNull", argumente={"column": "budget_eur"},
            bedingungen=(Bedingung("jahr_mit_budget", "==", True),),
            beschreibung="Hat ein Haushaltsjahr Budgets, dann für jeden Sozialraum mit Buchungen in diesem Jahr.",
            fehlertext=("{n} Sozialraum-Jahre mit Buchungen haben kein Budget, obwohl andere Sozialräume eins für "
                        "dieses Jahr haben (z. B. {beispiele}). Budgets in der Budgetdatei ergänzen und neu liefern."),
            beispiel_spalten=("sozialraum", "haushaltsjahr", "buchungen"),
        ),
        Pruefung(
            name="budgets.je_buchungsjahr", schweregrad=WARN, teil="jahre",
            erwartung="ExpectColumnValuesToBeInSet", argumente={"column": "jahr_mit_budget", "value_set": [True]},
            bedingungen=(Bedingung("jahr_berichtet", "==", True),),
            nicht_pruefbar=(Bedingung("jahr_berichtet", "==", False),),
            beschreibung=("Für jedes Haushaltsjahr mit Buchungen ab dem ersten Jahr der Budgetdatei gibt es "
                          "Budgets (frühere Jahre meldet das Amt nicht: nicht prüfbar)."),
            fehlertext=("{n} Sozialraum-Jahre mit Buchungen fallen in Haushaltsjahre ganz ohne Budget (z. B. "
                        "{beispiele}); ihre Auslastung bleibt leer. Budgets liefern, sobald der Haushalt steht."),
            beispiel_spalten=("sozialraum", "haushaltsjahr", "buchungen"),
        ),
        # WARN: a Teilplan without its own cap is shown without a traffic
        # light; it may well be one that has no budget of its own.
        Pruefung(
            name="budgets.budget_je_teilplan", schweregrad=WARN, teil="teilplaene",
            erwartung="ExpectColumnValuesToNotBeNull", argumente={"column": "budget_eur"},
            bedingungen=(Bedingung("jahr_mit_budget", "==", True),),
            beschreibung="Jeder Teilplan mit Buchungen hat im Sozialraum und Jahr ein eigenes Budget.",
            fehlertext=("{n} Teilpläne mit Buchungen haben in ihrem Sozialraum und Jahr kein Budget (z. B. "
                        "{beispiele}). Budget je Teilplan in der Budgetdatei ergänzen."),
            beispiel_spalten=("sozialraum", "haushaltsjahr", "teilplan", "buchungen"),
        ),
    ]
    return c.bestand_suite(
        ART, EINHEIT, IDS, aktuell_sql=AKTUELL_SQL, einheit_aktuell="Budgetzeilen (aktueller Stand)", eigene=eigene,
        weitere_teile={"jahre": (JAHRE_SQL, "Sozialraum-Jahre mit Buchungen"),
                       "teilplaene": (TEILPLAENE_SQL, "Teilpläne mit Buchungen")},
        abhaengig_von=("sozialraeume", "hilfen", "zahlungen"),
        basis=(c.BUCHUNGEN_JE_SOZIALRAUM,),
        beschreibung="Budgets je Sozialraum, Jahr und Teilplan: Vertrag und Abdeckung jedes Buchungsjahrs.",
    )
