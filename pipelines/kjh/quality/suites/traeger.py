"""raw.traeger: the current state of the provider register, one frame row per provider."""
from datetime import datetime

from kjh.quality.rules import ERROR, WARN, Pruefung, Suite
from kjh.quality.suites import common as c

ART = "traeger"
EINHEIT = "Träger"
IDS = ("traeger_id", "datei", "zeile")

# A daily rate (§ 78b) above this is rare even for intensive care abroad.
TAGESSATZ_UEBLICH_MAX = 1000
# Agreements older than this are a typo in the year (01.01.0202 passes the date format).
GUELTIG_AB_FRUEHESTENS = datetime(1950, 1, 1)

AKTUELL_SQL = """
    select t.traeger_id, t.name, t.traegerart, t.verband, t.sitz_ags, t.entgelt_tagessatz,
           t.gueltig_ab, t.gueltig_bis, t.stand_ab as exportdatum, l.datei, t.zeile
    from raw.traeger t
    left join audit.lieferungen l on l.lieferung_id = t.lieferung_id
    where t.stand_bis is null
    order by t.traeger_id, t.zeile"""


def suite() -> Suite:
    t = c.AKTUELL
    eigene = [
        # ERROR: a rate of 0 or below is impossible and makes every cost per
        # day and per case of that provider wrong.
        Pruefung(
            name="traeger.tagessatz_positiv", schweregrad=ERROR, teil=t,
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "entgelt_tagessatz", "min_value": 0.01},
            beschreibung="Ein vereinbarter Tagessatz ist größer als 0 € (leer erlaubt).",
            fehlertext=("{n} Träger haben einen Tagessatz von 0 € oder weniger (z. B. {beispiele}). Entgelt im "
                        "Vertragsregister korrigieren (oder leer lassen, wenn keins vereinbart ist) und neu exportieren."),
            beispiel_spalten=IDS + ("entgelt_tagessatz",),
        ),
        # WARN: a very high rate can be real (intensive single care); worth a look.
        Pruefung(
            name="traeger.tagessatz_ueblich", schweregrad=WARN, teil=t,
            erwartung="ExpectColumnValuesToBeBetween",
            argumente={"column": "entgelt_tagessatz", "max_value": TAGESSATZ_UEBLICH_MAX},
            beschreibung=f"Ein vereinbarter Tagessatz liegt nicht über {TAGESSATZ_UEBLICH_MAX} €.",
            fehlertext=(f"{{n}} Träger haben einen Tagessatz über {TAGESSATZ_UEBLICH_MAX} € (z. B. {{beispiele}}). "
                        "Im Vertragsregister prüfen (Komma verrutscht?)."),
            beispiel_spalten=IDS + ("entgelt_tagessatz",),
        ),
        # WARN: the validity of an agreement feeds no official figure.
        Pruefung(
            name="traeger.gueltig_ab_plausibel", schweregrad=WARN, teil=t,
            erwartung="ExpectColumnValuesToBeBetween",
            argumente={"column": "gueltig_ab", "min_value": GUELTIG_AB_FRUEHESTENS},
            beschreibung="„gueltig_ab“ liegt nicht vor 1950 (Tippfehler im Jahr).",
            fehlertext=("{n} Träger haben eine Vereinbarung, die vor 1950 gültig geworden sein soll (z. B. "
                        "{beispiele}): Tippfehler im Jahr? Im Vertragsregister korrigieren."),
            beispiel_spalten=IDS + ("gueltig_ab",),
        ),
    ]
    return c.bestand_suite(
        ART, EINHEIT, IDS, aktuell_sql=AKTUELL_SQL, einheit_aktuell="Träger (aktueller Stand)", eigene=eigene,
        beschreibung="Trägerverzeichnis im aktuellen Stand: Vertrag, Trägerart, Tagessätze.",
    )
