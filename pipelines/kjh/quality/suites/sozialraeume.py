"""raw.sozialraeume: the current mapping municipality -> social space -> region."""
from kjh.quality.rules import SOZIALRAUM, WARN, Pruefung, Suite
from kjh.quality.suites import common as c

ART = "sozialraeume"
EINHEIT = "Gemeinden"
IDS = ("ags", "datei", "zeile")

AKTUELL_SQL = f"""
    select a.ags, a.gemeinde, a.sozialraum, a.region,
           count(distinct a.region) over (partition by a.sozialraum) as regionen_je_sozialraum,
           a.stand_ab as exportdatum, l.datei, a.zeile, a.sozialraum as {SOZIALRAUM}
    from raw.sozialraeume a
    left join audit.lieferungen l on l.lieferung_id = a.lieferung_id
    where a.stand_bis is null
    order by a.ags, a.zeile"""


def suite() -> Suite:
    t = c.AKTUELL
    # The contract's unique key (ERROR): a municipality in two social spaces would be counted twice.
    # WARN: a social space split over two regions makes the regional sums
    # ambiguous; regions are no statutory figure.
    eigene = [Pruefung(
        name="sozialraeume.eine_region_je_sozialraum", schweregrad=WARN, teil=t,
        erwartung="ExpectColumnValuesToBeBetween",
        argumente={"column": "regionen_je_sozialraum", "min_value": 1, "max_value": 1},
        beschreibung="Jeder Sozialraum gehört zu genau einer Region.",
        fehlertext=("{n} Gemeinden liegen in einem Sozialraum, der mehreren Regionen zugeordnet ist (z. B. "
                    "{beispiele}). In der Sozialraum-Datei jedem Sozialraum eine Region geben."),
        beispiel_spalten=IDS + ("sozialraum", "region"),
    )]
    return c.bestand_suite(
        ART, EINHEIT, IDS, aktuell_sql=AKTUELL_SQL, einheit_aktuell="Gemeinden (aktueller Stand)", eigene=eigene,
        beschreibung="Zuordnung Gemeinde → Sozialraum → Region im aktuellen Stand.",
    )
