"""raw.bevoelkerung: young residents per municipality, year and age group (the
denominator of the Eckwerte), and whether every social space has them for each
year it has bookings.
"""
from kjh.contract import load_contract
from kjh.quality.rules import ERROR, JAHR, SOZIALRAUM, WARN, Abfrage, Bedingung, Pruefung, Suite
from kjh.quality.suites import common as c

ART = "bevoelkerung"
EINHEIT = "Bevölkerungszeilen"
IDS = ("ags", "jahr", "altersgruppe", "datei", "zeile")

AKTUELL_SQL = f"""
    with {c.ZUORDNUNG_CTE}
    select b.ags, b.jahr, b.altersgruppe, b.anzahl, b.stand_ab as exportdatum, l.datei, b.zeile,
           (select any_value(z.sozialraum) from zuordnung z
             where {c.zuordnung_gilt_am("z", "b.ags", "make_date(b.jahr, 12, 31)")}) as {SOZIALRAUM}
    from raw.bevoelkerung b
    left join audit.lieferungen l on l.lieferung_id = b.lieferung_id
    where b.stand_bis is null
    order by b.ags, b.jahr, b.altersgruppe"""

# Social spaces and years with bookings; the population as dbt's eckwerte_jahr
# takes it: residents on 31.12. of the year, mapped with the mapping in force then.
_JAHRE = f"""
    with {c.ZUORDNUNG_CTE}, {c.BUCHUNGEN_JE_SOZIALRAUM_CTE},
    jahre as (select sozialraum, jahr, sum(buchungen) as buchungen from buchungen_sr group by all)"""

ABDECKUNG_SQL = _JAHRE + f""",
    bev as (
        select zu.sozialraum, b.jahr, sum(b.anzahl) as einwohner
        from raw.bevoelkerung b
        join zuordnung zu on {c.zuordnung_gilt_am("zu", "b.ags", "make_date(b.jahr, 12, 31)")}
        where b.stand_bis is null
        group by all
    )
    select j.sozialraum, j.jahr, j.buchungen, coalesce(bev.einwohner, 0) as einwohner,
           j.jahr in (select jahr from raw.bevoelkerung where stand_bis is null) as jahr_mit_bevoelkerung,
           -- years before the first year the file holds are never reported (issue 12): not checkable
           coalesce(j.jahr >= (select min(jahr) from raw.bevoelkerung where stand_bis is null), true)
               as jahr_berichtet,
           j.sozialraum as {SOZIALRAUM}, j.jahr as {JAHR}
    from jahre j left join bev using (sozialraum, jahr)
    order by j.sozialraum, j.jahr"""

GEMEINDEN_SQL = _JAHRE + f""",
    gemeinden as (
        select distinct zu.ags, j.jahr, zu.sozialraum
        from jahre j
        -- the municipalities of a social space on 31.12. (joined by social space, not by municipality)
        join zuordnung zu on zu.sozialraum = j.sozialraum
            and {c.zuordnung_in_kraft("zu", "make_date(j.jahr, 12, 31)")}
    ),
    bev as (
        select ags, jahr, count(distinct altersgruppe) as altersgruppen, sum(anzahl) as einwohner
        from raw.bevoelkerung where stand_bis is null group by all
    )
    select g.ags, g.jahr, g.sozialraum, coalesce(b.altersgruppen, 0) as altersgruppen,
           coalesce(b.einwohner, 0) as einwohner,
           g.jahr in (select jahr from raw.bevoelkerung where stand_bis is null) as jahr_mit_bevoelkerung,
           g.sozialraum as {SOZIALRAUM}
    from gemeinden g left join bev b using (ags, jahr)
    order by g.ags, g.jahr"""


def suite() -> Suite:
    t = c.AKTUELL
    altersgruppen = len(load_contract().codes("altersgruppe"))
    # The contract's unique key (ERROR): a municipality/year/age group twice doubles the denominator.
    eigene = [
        # ERROR: a negative number of residents makes the Eckwert wrong.
        Pruefung(
            name="bevoelkerung.anzahl_nicht_negativ", schweregrad=ERROR, teil=t,
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "anzahl", "min_value": 0},
            beschreibung="„anzahl“ ist nicht negativ.",
            fehlertext=("{n} Bevölkerungszeilen haben eine negative Anzahl (z. B. {beispiele}). Bevölkerungsdatei "
                        "korrigieren und neu liefern."),
            beispiel_spalten=IDS + ("anzahl",),
        ),
        # WARN: a year like 2204 is a typo, but it only adds a year nobody
        # reports on; the coverage check below catches a missing real year.
        Pruefung(
            name="bevoelkerung.jahr_plausibel", schweregrad=WARN, teil=t,
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "jahr", "min_value": 1990, "max_value": 2100},
            beschreibung="„jahr“ liegt zwischen 1990 und 2100.",
            fehlertext="{n} Bevölkerungszeilen haben ein unplausibles Jahr (z. B. {beispiele}): Tippfehler?",
            beispiel_spalten=IDS,
        ),
        # WARN: residents of a municipality outside the mapping are counted
        # nowhere; harmless unless the municipality belongs to the county,
        # which the hilfen check (wohnort_in_sozialraeumen) would show.
        Pruefung(
            name="bevoelkerung.gemeinde_zugeordnet", schweregrad=WARN, teil=t,
            erwartung="ExpectColumnValuesToBeInSet",
            argumente={"column": "ags", "value_set": Abfrage("select distinct ags from raw.sozialraeume")},
            beschreibung="Jede Gemeinde der Bevölkerungsdatei steht in der Zuordnung der Sozialräume.",
            fehlertext=("{n} Bevölkerungszeilen gehören zu Gemeinden ohne Sozialraum (z. B. {beispiele}); sie "
                        "zählen nirgends mit. Gemeinde in der Sozialraum-Datei nachtragen oder Zeilen entfernen."),
            beispiel_spalten=IDS,
        ),
        # Population of a year is published after its 31.12.: the current
        # year has none for months. A year without any population leaves its
        # Eckwerte empty, which everyone sees: WARN. But a year with residents
        # for some social spaces or municipalities and not for others makes
        # figures silently wrong (a social space's Eckwert too high, the
        # county's too): ERROR.
        Pruefung(
            name="bevoelkerung.einwohner_je_sozialraum_und_jahr", schweregrad=ERROR, teil="abdeckung",
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "einwohner", "min_value": 1},
            bedingungen=(Bedingung("jahr_mit_bevoelkerung", "==", True),),
            beschreibung=("Hat ein Jahr Einwohnerzahlen, dann für jeden Sozialraum mit Buchungen in diesem Jahr."),
            fehlertext=("{n} Sozialraum-Jahre mit Buchungen haben keine Einwohnerzahlen, obwohl andere Sozialräume "
                        "sie für dieses Jahr haben (z. B. {beispiele}); ihr Eckwert fehlt, der des Kreises wäre zu "
                        "hoch. Bevölkerungsdatei ergänzen und neu liefern."),
            beispiel_spalten=("sozialraum", "jahr", "buchungen"),
        ),
        Pruefung(
            name="bevoelkerung.jede_gemeinde_je_jahr", schweregrad=ERROR, teil="gemeinden",
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "altersgruppen", "min_value": 1},
            bedingungen=(Bedingung("jahr_mit_bevoelkerung", "==", True),),
            beschreibung=("Hat ein Jahr Einwohnerzahlen, dann für jede Gemeinde eines Sozialraums mit Buchungen in "
                          "diesem Jahr."),
            fehlertext=("{n} Gemeinde-Jahre fehlen in der Bevölkerungsdatei (z. B. {beispiele}); der Eckwert ihres "
                        "Sozialraums wäre zu hoch. Bevölkerungsdatei ergänzen und neu liefern."),
            beispiel_spalten=("ags", "jahr", "sozialraum"),
        ),
        Pruefung(
            name="bevoelkerung.je_buchungsjahr", schweregrad=WARN, teil="abdeckung",
            erwartung="ExpectColumnValuesToBeInSet", argumente={"column": "jahr_mit_bevoelkerung", "value_set": [True]},
            bedingungen=(Bedingung("jahr_berichtet", "==", True),),
            nicht_pruefbar=(Bedingung("jahr_berichtet", "==", False),),
            beschreibung=("Für jedes Jahr mit Buchungen ab dem ersten Jahr der Bevölkerungsdatei gibt es "
                          "Einwohnerzahlen (frühere Jahre meldet das Amt nicht: nicht prüfbar)."),
            fehlertext=("{n} Sozialraum-Jahre mit Buchungen fallen in Jahre ganz ohne Einwohnerzahlen (z. B. "
                        "{beispiele}); deren Eckwerte bleiben leer. Bevölkerungsdatei ergänzen, sobald die Zahlen "
                        "vorliegen."),
            beispiel_spalten=("sozialraum", "jahr", "buchungen"),
        ),
        # WARN: a missing age group may be a true zero that the office left out.
        Pruefung(
            name="bevoelkerung.alle_altersgruppen", schweregrad=WARN, teil="gemeinden",
            erwartung="ExpectColumnValuesToBeBetween",
            argumente={"column": "altersgruppen", "min_value": altersgruppen, "max_value": altersgruppen},
            bedingungen=(Bedingung("altersgruppen", ">", 0),),  # a municipality missing altogether: above
            beschreibung=f"Jede Gemeinde hat je Jahr alle {altersgruppen} Altersgruppen.",
            fehlertext=("{n} Gemeinde-Jahre haben nicht alle Altersgruppen (z. B. {beispiele}). Fehlende Gruppen "
                        "(auch mit Anzahl 0) in der Bevölkerungsdatei ergänzen."),
            beispiel_spalten=("ags", "jahr", "altersgruppen"),
        ),
    ]
    return c.bestand_suite(
        ART, EINHEIT, IDS, aktuell_sql=AKTUELL_SQL, einheit_aktuell="Bevölkerungszeilen (aktueller Stand)",
        eigene=eigene,
        weitere_teile={"abdeckung": (ABDECKUNG_SQL, "Sozialraum-Jahre mit Buchungen"),
                       "gemeinden": (GEMEINDEN_SQL, "Gemeinde-Jahre mit Buchungen")},
        abhaengig_von=("sozialraeume", "hilfen", "zahlungen"),
        basis=(c.BUCHUNGEN_JE_SOZIALRAUM,),
        beschreibung="Bevölkerung (Nenner der Eckwerte): Vertrag und Abdeckung jedes Sozialraums je Buchungsjahr.",
    )
