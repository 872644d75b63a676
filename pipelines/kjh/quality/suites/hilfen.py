"""raw.hilfen: the current state (stand_bis is null), one frame row per help.

The frame holds no pseudonym and no birth data: the age at the start of the
help (computed at ingestion) is all the age checks need.
"""
from datetime import datetime

from kjh.quality.rules import ERROR, SOZIALRAUM, WARN, Abfrage, Bedingung, Pruefung, Suite
from kjh.quality.suites import common as c

ART = "hilfen"
EINHEIT = "Hilfen"
IDS = ("hilfe_id", "datei", "zeile")

# SGB VIII came into force on 3.10.1990 (new Länder; 1.1.1991 in the old):
# no help under it can have begun earlier.
SGB8_IN_KRAFT = datetime(1990, 10, 3)
# § 41: help for young adults until 21, continued at most until 27.
HOECHSTES_ALTER_BEI_BEGINN = 26
# § 41 Abs. 1: a help for a young adult is granted before the 21st birthday;
# after that only as continuation.
REGULAERES_HOECHSTALTER_BEGINN = 20

# contract v2: the optional Merkmal columns of the state statistics, checked like the others
V2_SPALTEN = ", ".join(f"h.{col.name}" for col in c.kind("hilfen").columns
                       if col.optional_column and col.name != "ort_der_durchfuehrung")

AKTUELL_SQL = f"""
    with {c.ZUORDNUNG_CTE}
    select h.hilfe_id, h.geschlecht, h.auslaendische_herkunft, h.deutsch_in_familie, h.wohnort_ags, h.hilfeart,
           h.ort_der_durchfuehrung, h.beginn, h.ende, h.beendigungsgrund, h.traeger_id, h.hauptgrund,
           h.alter_bei_beginn, {V2_SPALTEN}, h.stand_ab as exportdatum, l.datei, h.zeile,
           (select any_value(z.sozialraum) from zuordnung z
             where {c.zuordnung_gilt_am("z", "h.wohnort_ags", "coalesce(h.ende, h.stand_ab)")}) as {SOZIALRAUM}
    from raw.hilfen h
    left join audit.lieferungen l on l.lieferung_id = h.lieferung_id
    where h.stand_bis is null
    order by h.hilfe_id, h.zeile"""


# Not here, on purpose (one finding, one check): a help begun before birth, an
# Inobhutnahme of an adult and a planned end are checked on the dbt models by
# kjh.quality.plausibilitaet, where each is a finding of its record for the
# statutory statistics (hard or soft) instead of a block on every delivery.
def suite() -> Suite:
    t = c.AKTUELL
    eigene = [
        # ERROR: a help "begun" before SGB VIII existed is a typo in the date;
        # its duration and the begun/ended counts would be wrong.
        Pruefung(
            name="hilfen.beginn_nicht_vor_sgb8", schweregrad=ERROR, teil=t,
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "beginn", "min_value": SGB8_IN_KRAFT},
            beschreibung="„beginn“ liegt nicht vor dem Inkrafttreten des SGB VIII (03.10.1990).",
            fehlertext=("{n} Hilfen beginnen vor dem 03.10.1990, also vor dem SGB VIII (z. B. {beispiele}): "
                        "vermutlich ein Tippfehler im Jahr. Beginn im Fachverfahren korrigieren und neu exportieren."),
            beispiel_spalten=IDS + ("beginn",),
        ),
        # ERROR: SGB VIII helps end with the 27th birthday; an older young
        # person means the birth date or the type of help is wrong.
        Pruefung(
            name="hilfen.alter_bei_beginn_hoechstens_26", schweregrad=ERROR, teil=t,
            erwartung="ExpectColumnValuesToBeBetween",
            argumente={"column": "alter_bei_beginn", "max_value": HOECHSTES_ALTER_BEI_BEGINN},
            beschreibung="Der junge Mensch ist bei Beginn höchstens 26 Jahre alt (§ 41: Hilfe längstens bis 27).",
            fehlertext=("{n} Hilfen beginnen mit 27 Jahren oder später (z. B. {beispiele}); Hilfen nach dem "
                        "SGB VIII enden spätestens mit 27. Geburtsdatum oder Beginn im Fachverfahren korrigieren."),
            beispiel_spalten=IDS + ("alter_bei_beginn",),
        ),
        # ERROR: the provider's kind (öffentlich/frei, Verband) is a feature of
        # the statutory record; an unknown traeger_id leaves it empty.
        Pruefung(
            name="hilfen.traeger_bekannt", schweregrad=ERROR, teil=t,
            erwartung="ExpectColumnValuesToBeInSet",
            argumente={"column": "traeger_id", "value_set": Abfrage("select distinct traeger_id from raw.traeger")},
            beschreibung="Jede „traeger_id“ steht im Trägerverzeichnis (raw.traeger, irgendein Stand).",
            fehlertext=("{n} Hilfen nennen einen Träger, den das Trägerverzeichnis nicht kennt (z. B. {beispiele}). "
                        "Träger im Vertragsregister anlegen und den Träger-Export neu liefern, oder die traeger_id "
                        "im Fachverfahren korrigieren."),
            beispiel_spalten=IDS + ("traeger_id",),
        ),
        # ERROR: without a social space the help is missing from every
        # figure per social space (counts, Eckwerte, costs).
        Pruefung(
            name="hilfen.wohnort_in_sozialraeumen", schweregrad=ERROR, teil=t,
            erwartung="ExpectColumnValuesToBeInSet",
            argumente={"column": "wohnort_ags", "value_set": Abfrage("select distinct ags from raw.sozialraeume")},
            beschreibung="Jeder „wohnort_ags“ steht in der Zuordnung der Sozialräume (raw.sozialraeume).",
            fehlertext=("{n} Hilfen haben einen Wohnort, der keinem Sozialraum zugeordnet ist (z. B. {beispiele}). "
                        "Gemeinde in der Sozialraum-Datei nachtragen oder den AGS im Fachverfahren korrigieren."),
            beispiel_spalten=IDS + ("wohnort_ags",),
        ),
        # WARN: a start after the export date is a planned help; not wrong in
        # itself, but the export should only hold what has begun.
        Pruefung(
            name="hilfen.beginn_nicht_nach_export", schweregrad=WARN, teil=t,
            erwartung="ExpectColumnPairValuesAToBeGreaterThanB",
            argumente={"column_A": "exportdatum", "column_B": "beginn", "or_equal": True,
                       "ignore_row_if": "either_value_is_missing"},
            beschreibung="„beginn“ liegt nicht nach dem Exportdatum (Stand) der Lieferung.",
            fehlertext=("{n} Hilfen beginnen erst nach dem Exportdatum (z. B. {beispiele}): geplante Hilfen? Sie "
                        "zählen erst ab Beginn; im Fachverfahren prüfen, ob der Beginn stimmt."),
            beispiel_spalten=IDS + ("beginn", "exportdatum"),
        ),
        # WARN: a reason for ending on a running help contradicts itself; the
        # help is still counted as running, so no figure is wrong.
        Pruefung(
            name="hilfen.beendigungsgrund_nur_bei_ende", schweregrad=WARN, teil=t,
            erwartung="ExpectColumnValuesToBeNull", argumente={"column": "beendigungsgrund"},
            bedingungen=(Bedingung("ende", "null"),),
            beschreibung="Eine laufende Hilfe (ohne „ende“) hat keinen Beendigungsgrund.",
            fehlertext=("{n} laufende Hilfen haben einen Beendigungsgrund, aber kein Ende (z. B. {beispiele}). "
                        "Im Fachverfahren Ende nachtragen oder den Beendigungsgrund entfernen."),
            beispiel_spalten=IDS + ("beendigungsgrund",),
        ),
        # WARN: § 41 helps begin before 21; later only as continuation, which
        # the export cannot show. Possible, so worth a look, not a block.
        Pruefung(
            name="hilfen.beginn_vor_21", schweregrad=WARN, teil=t,
            erwartung="ExpectColumnValuesToBeBetween",
            argumente={"column": "alter_bei_beginn", "max_value": REGULAERES_HOECHSTALTER_BEGINN},
            beschreibung="Eine Hilfe beginnt vor dem 21. Geburtstag (§ 41 Abs. 1).",
            fehlertext=("{n} Hilfen beginnen mit 21 Jahren oder später (z. B. {beispiele}); nach § 41 nur als "
                        "Fortsetzung zulässig. Im Fachverfahren prüfen, ob Beginn und Geburtsdatum stimmen."),
            beispiel_spalten=IDS + ("alter_bei_beginn",),
        ),
    ]
    return c.bestand_suite(
        ART, EINHEIT, IDS, aktuell_sql=AKTUELL_SQL, einheit_aktuell="Hilfen (aktueller Stand)", eigene=eigene,
        abhaengig_von=("sozialraeume", "traeger"),
        beschreibung="Hilfen im aktuellen Stand: Vertrag, Codelisten, Plausibilität, Träger und Sozialraum.",
    )
