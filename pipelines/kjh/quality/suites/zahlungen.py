"""raw.zahlungen: every booking ever delivered (append-only, no history).

Why pre-aggregated in SQL: the warehouse will hold 10 M bookings. Reading them
into pandas (about 1 GB) and running a dozen GX expectations over them takes
minutes; GX's SQL path does not work on DuckDB (stack notes). So DuckDB groups
the bookings by exactly the values a check looks at, in one set-based pass per
frame, and GX validates the groups: every distinct (kostenart, produktkonto,
traeger_id), every distinct amount per kostenart, every distinct booking date
per delivery, every distinct service period, every help booked on. A group
fails exactly when its bookings fail, and `_anzahl` (bookings in the group)
turns failing groups back into failing bookings. These frames stay small
(tens of thousands of rows for 10 M bookings). Uniqueness is the one aggregate:
bookings against distinct buchung_id in one row.

Referential checks (hilfe_id known in hilfen) join in SQL: the set of known
helps is too large for a GX value_set; GX checks the joined column.
"""
from datetime import datetime

from kjh.contract import load_contract
from kjh.quality.rules import ERROR, FEHLERHAFT, SOZIALRAUM, WARN, Abfrage, Bedingung, Pruefung, Suite
from kjh.quality.suites import common as c

ART = "zahlungen"
EINHEIT = "Buchungen"
IDS = ("buchung_id", "datei", "zeile")

# Plausible amounts per kostenart in EUR (sign rule: income bookings carry a
# positive betrag, a negative one is a refund; see dbt macro netto_eur).
#   hart:    beyond this no booking of a youth office can go; a shifted decimal
#            comma or a merged field. ERROR: one such booking moves a social
#            space's net expenditure by more than its budget.
#   ueblich: usual range of a booking tied to one help (a month of the most
#            expensive residential care, a year's reimbursement between offices).
#            WARN: rare but real (back payments, settlements). Bookings without a
#            help (fallunspezifisch: instalments to a Sozialraumträger) have no
#            usual size and are only held to the hard bounds.
BETRAGSGRENZEN = {
    "leistung": {"hart": (-500_000, 5_000_000), "ueblich": (-20_000, 50_000)},
    "erstattung": {"hart": (-500_000, 2_000_000), "ueblich": (-50_000, 150_000)},
    "kostenbeitrag": {"hart": (-50_000, 50_000), "ueblich": (-2_500, 2_500)},
}
# Amounts are in EUR: a booking before the euro (1.1.1999) has a wrong date.
EURO_SEIT = datetime(1999, 1, 1)
# A payment for more than a year of service at once is unusual (back payment?).
ZEITRAUM_MAX_TAGE = 366
# Collapse of bookings: the newest complete month against the 12 before it.
EINBRUCH_SCHWELLE = c.EINBRUCH_SCHWELLE


def _gruppiert(spalten: str, where: str = "true", extra: str = "") -> str:
    """Bookings grouped by `spalten` with their count and one example booking (the smallest id)."""
    return f"""
        with g as (
            select {spalten}, count(*) as _anzahl, min(buchung_id) as buchung_id,
                   arg_min(lieferung_id, buchung_id) as _lieferung, arg_min(zeile, buchung_id) as zeile {extra}
            from raw.zahlungen
            where {where}
            group by all
        )
        select g.* exclude (_lieferung), l.datei
        from g left join audit.lieferungen l on l.lieferung_id = g._lieferung
        order by all"""


MERKMALE_SQL = _gruppiert("kostenart, produktkonto, traeger_id, jugendamt")  # jugendamt: contract v2
BETRAEGE_SQL = _gruppiert("kostenart, hilfe_id is not null as fallbezogen, betrag")
BUCHUNGSDATEN_SQL = _gruppiert("buchungsdatum, stand as exportdatum")
ZEITRAEUME_SQL = _gruppiert(
    "zeitraum_von, zeitraum_bis, datediff('day', zeitraum_von, zeitraum_bis) + 1 as zeitraum_tage")

HILFEN_SQL = f"""
    with {c.ZUORDNUNG_CTE}, {c.HILFE_LETZTE_VERSION_CTE},
    letzter_export as (
        select coalesce(max(exportdatum), date '0001-01-01') as datum
        from audit.lieferungen where art = 'hilfen' and status = 'angenommen'
    ),
    g as (
        select z.hilfe_id, z.buchungsdatum > (select datum from letzter_export) as nach_letztem_hilfen_export,
               count(*) as _anzahl, min(z.buchung_id) as buchung_id,
               arg_min(z.lieferung_id, z.buchung_id) as _lieferung, arg_min(z.zeile, z.buchung_id) as zeile
        from raw.zahlungen z
        where z.hilfe_id is not null
        group by all
    )
    select g.hilfe_id, g.nach_letztem_hilfen_export, h.erstmals_geliefert as hilfe_geliefert_seit,
           g._anzahl, g.buchung_id, l.datei, g.zeile,
           (select any_value(zu.sozialraum) from zuordnung zu
             where {c.zuordnung_gilt_am("zu", "h.wohnort_ags", "h.stichtag")}) as {SOZIALRAUM}
    from g
    left join hilfe_letzte h on h.hilfe_id = g.hilfe_id
    left join audit.lieferungen l on l.lieferung_id = g._lieferung
    order by g.hilfe_id, g.nach_letztem_hilfen_export"""

EINDEUTIG_SQL = f"""
    with je_id as (select buchung_id, count(*) as n from raw.zahlungen group by buchung_id)
    select coalesce(sum(n), 0) as buchungen, count(*) as verschiedene_buchung_ids,
           coalesce(sum(n), 0) as _anzahl, coalesce(sum(n), 0) - count(*) as {FEHLERHAFT},
           (select string_agg(buchung_id, ', ' order by buchung_id)
              from (select buchung_id from je_id where n > 1 order by buchung_id limit 5)) as doppelte_buchung_ids
    from je_id"""

# Deltas come at different rhythms (a year-end extract, then monthly ones), so
# the size of one delivery says little. A truncated delta shows as a month
# with far fewer bookings: the newest month the newest delivery fully covers
# against the average of the 12 months before (at least 3 to compare with).
MONATE_SQL = f"""
    with stand as (select max(stand) as s from raw.zahlungen),
    monat as (
        select cast(case when s = last_day(s) then date_trunc('month', s)
                         else date_trunc('month', s) - interval 1 month end as date) as monat
        from stand where s is not null
    ),
    je_monat as (select cast(date_trunc('month', buchungsdatum) as date) as monat, count(*) as n
                 from raw.zahlungen group by 1),
    vergleich as (
        select m.monat, avg(v.n) as durchschnitt, count(*) as vergleichsmonate
        from monat m join je_monat v on v.monat >= m.monat - interval 12 month and v.monat < m.monat
        group by m.monat
    )
    select m.monat, coalesce(j.n, 0) as buchungen, round(v.durchschnitt) as durchschnitt_12_monate,
           v.vergleichsmonate, coalesce(j.n, 0) / v.durchschnitt as verhaeltnis,
           coalesce(j.n, 0) as _anzahl, greatest(cast(round(v.durchschnitt) as bigint) - coalesce(j.n, 0), 0) as {FEHLERHAFT}
    from monat m join vergleich v using (monat) left join je_monat j using (monat)
    where v.vergleichsmonate >= 3"""


def _eur(x: int) -> str:
    return f"{x:,} €".replace(",", ".")


def _betragspruefungen() -> list[Pruefung]:
    out = []
    for kostenart in load_contract().codes("kostenart"):
        grenzen = BETRAGSGRENZEN.get(kostenart)
        if grenzen is None:
            continue
        lo, hi = grenzen["hart"]
        out.append(Pruefung(
            name=f"zahlungen.betrag_{kostenart}_in_grenzen", schweregrad=ERROR, teil="betraege",
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "betrag", "min_value": lo, "max_value": hi},
            bedingungen=(Bedingung("kostenart", "==", kostenart),),
            beschreibung=f"Buchungen der Kostenart „{kostenart}“ liegen zwischen {_eur(lo)} und {_eur(hi)}.",
            fehlertext=(f"{{n}} Buchungen der Kostenart „{kostenart}“ liegen außerhalb von {_eur(lo)} bis {_eur(hi)} "
                        "(z. B. {beispiele}): fast sicher ein verrutschtes Komma oder ein Exportfehler. Buchung im "
                        "Finanzverfahren prüfen und den Export korrigiert neu liefern."),
            beispiel_spalten=IDS + ("betrag",),
        ))
        lo, hi = grenzen["ueblich"]
        out.append(Pruefung(
            name=f"zahlungen.betrag_{kostenart}_ueblich", schweregrad=WARN, teil="betraege",
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "betrag", "min_value": lo, "max_value": hi},
            bedingungen=(Bedingung("kostenart", "==", kostenart), Bedingung("fallbezogen", "==", True)),
            beschreibung=(f"Fallbezogene Buchungen der Kostenart „{kostenart}“ liegen üblicherweise zwischen "
                          f"{_eur(lo)} und {_eur(hi)}."),
            fehlertext=(f"{{n}} fallbezogene Buchungen der Kostenart „{kostenart}“ liegen außerhalb des Üblichen "
                        f"({_eur(lo)} bis {_eur(hi)}; z. B. {{beispiele}}). Im Finanzverfahren prüfen, ob der Betrag "
                        "stimmt (Nachzahlung, Sammelbuchung?)."),
            beispiel_spalten=IDS + ("betrag",),
        ))
    return out


def suite() -> Suite:
    p = [c.schema_pruefung(ART)]
    p += c.pflichtfelder(ART, "merkmale", EINHEIT, IDS, spalten={"kostenart", "produktkonto"})
    p += c.codelisten(ART, "merkmale", EINHEIT, IDS)
    p += c.formate(ART, "merkmale", EINHEIT, IDS)
    p += [
        # ERROR: the provider's kind splits the expenditure statistics (Teil IV).
        Pruefung(
            name="zahlungen.traeger_bekannt", schweregrad=ERROR, teil="merkmale",
            erwartung="ExpectColumnValuesToBeInSet",
            argumente={"column": "traeger_id", "value_set": Abfrage("select distinct traeger_id from raw.traeger")},
            beschreibung="Jede „traeger_id“ einer Buchung steht im Trägerverzeichnis (raw.traeger, irgendein Stand).",
            fehlertext=("{n} Buchungen nennen einen Träger, den das Trägerverzeichnis nicht kennt (z. B. "
                        "{beispiele}). Träger im Vertragsregister anlegen und neu exportieren, oder die traeger_id "
                        "im Finanzverfahren korrigieren."),
            beispiel_spalten=IDS + ("traeger_id",),
        ),
    ]
    p += c.pflichtfelder(ART, "betraege", EINHEIT, IDS, spalten={"betrag"})
    p += _betragspruefungen()
    p += c.pflichtfelder(ART, "buchungsdaten", EINHEIT, IDS, spalten={"buchungsdatum"})
    p += [
        # ERROR: the booking date decides the Haushaltsjahr; before the euro it is wrong.
        Pruefung(
            name="zahlungen.buchungsdatum_ab_euro", schweregrad=ERROR, teil="buchungsdaten",
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "buchungsdatum", "min_value": EURO_SEIT},
            beschreibung="„buchungsdatum“ liegt nicht vor dem 01.01.1999 (Beträge in Euro).",
            fehlertext=("{n} Buchungen sind vor dem 01.01.1999 datiert, obwohl ihre Beträge in Euro sind (z. B. "
                        "{beispiele}). Buchungsdatum im Finanzverfahren prüfen; es bestimmt das Haushaltsjahr."),
            beispiel_spalten=IDS + ("buchungsdatum",),
        ),
        # ERROR: a booking dated after the export that delivered it cannot be
        # right; it would land in a wrong month or Haushaltsjahr.
        Pruefung(
            name="zahlungen.buchungsdatum_nicht_nach_export", schweregrad=ERROR, teil="buchungsdaten",
            erwartung="ExpectColumnPairValuesAToBeGreaterThanB",
            argumente={"column_A": "exportdatum", "column_B": "buchungsdatum", "or_equal": True,
                       "ignore_row_if": "either_value_is_missing"},
            beschreibung="„buchungsdatum“ liegt nicht nach dem Exportdatum der Lieferung, die die Buchung brachte.",
            fehlertext=("{n} Buchungen sind nach dem Exportdatum ihrer Lieferung datiert (z. B. {beispiele}). "
                        "Datumsformat der Lieferung (Tag/Monat vertauscht?) und Buchungsdatum im Finanzverfahren "
                        "prüfen und korrigiert neu liefern."),
            beispiel_spalten=IDS + ("buchungsdatum", "exportdatum"),
        ),
    ]
    p += c.pflichtfelder(ART, "zeitraeume", EINHEIT, IDS, spalten={"zeitraum_von", "zeitraum_bis"})
    p += c.datumsfolge(ART, "zeitraeume", EINHEIT, IDS)
    p += [
        # WARN: a service period over a year happens (back payments) but
        # spreads a big amount over many months: worth a look.
        Pruefung(
            name="zahlungen.zeitraum_hoechstens_ein_jahr", schweregrad=WARN, teil="zeitraeume",
            erwartung="ExpectColumnValuesToBeBetween",
            argumente={"column": "zeitraum_tage", "max_value": ZEITRAUM_MAX_TAGE},
            beschreibung=f"Der Leistungszeitraum einer Buchung ist höchstens {ZEITRAUM_MAX_TAGE} Tage lang.",
            fehlertext=(f"{{n}} Buchungen bezahlen einen Leistungszeitraum von mehr als {ZEITRAUM_MAX_TAGE} Tagen "
                        "(z. B. {beispiele}). Im Finanzverfahren prüfen, ob Zeitraum von/bis stimmen."),
            beispiel_spalten=IDS + ("zeitraum_von", "zeitraum_bis"),
        ),
        # ERROR: a booking for a help the case system has never delivered
        # (though its export is newer than the booking) has no Hilfeart and
        # no social space: the expenditure per type and per space is wrong.
        Pruefung(
            name="zahlungen.hilfe_bekannt", schweregrad=ERROR, teil="hilfen",
            erwartung="ExpectColumnValuesToNotBeNull", argumente={"column": "hilfe_geliefert_seit"},
            bedingungen=(Bedingung("nach_letztem_hilfen_export", "==", False),),
            beschreibung=("Jede „hilfe_id“ einer Buchung steht in raw.hilfen (irgendein Stand), sofern der neueste "
                          "Hilfen-Export nicht älter als die Buchung ist."),
            fehlertext=("{n} Buchungen gehören zu Hilfen, die kein Hilfen-Export enthält (z. B. {beispiele}). Häufig "
                        "steht die Hilfe in Quarantäne (audit.quarantaene): dort den Grund beheben und den "
                        "Hilfen-Export neu liefern; sonst die hilfe_id im Finanzverfahren korrigieren."),
            beispiel_spalten=IDS + ("hilfe_id",),
        ),
        # WARN: bookings newer than the newest hilfen export may belong to
        # helps begun since; the next hilfen export will bring them.
        Pruefung(
            name="zahlungen.hilfe_noch_nicht_geliefert", schweregrad=WARN, teil="hilfen",
            erwartung="ExpectColumnValuesToNotBeNull", argumente={"column": "hilfe_geliefert_seit"},
            bedingungen=(Bedingung("nach_letztem_hilfen_export", "==", True),),
            beschreibung="Buchungen nach dem neuesten Hilfen-Export gehören zu schon gelieferten Hilfen.",
            fehlertext=("{n} Buchungen nach dem neuesten Hilfen-Export gehören zu Hilfen, die noch kein Export "
                        "enthält (z. B. {beispiele}). Einen aktuellen Hilfen-Export liefern."),
            beispiel_spalten=IDS + ("hilfe_id",),
        ),
        # ERROR: a booking delivered twice is counted twice in every sum.
        Pruefung(
            name="zahlungen.buchung_id_eindeutig", schweregrad=ERROR, teil="eindeutig",
            erwartung="ExpectColumnPairValuesToBeEqual",
            argumente={"column_A": "buchungen", "column_B": "verschiedene_buchung_ids"},
            beschreibung="Jede „buchung_id“ kommt in raw.zahlungen genau einmal vor.",
            fehlertext=("{n} Buchungen tragen eine buchung_id, die schon eine andere Buchung hat ({beispiele}): "
                        "sie zählen doppelt. Dem IT-Betrieb melden: die Ingestion verhindert das sonst."),
            beispiel_spalten=("doppelte_buchung_ids",),
        ),
        # WARN, as for the full exports: a real drop is possible.
        Pruefung(
            name="zahlungen.buchungen_nicht_eingebrochen", schweregrad=WARN, teil="monate",
            erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "verhaeltnis", "min_value": EINBRUCH_SCHWELLE},
            beschreibung=(f"Der neueste vollständig gelieferte Monat hat mindestens {EINBRUCH_SCHWELLE:.0%} der "
                          "Buchungen, die die 12 Monate davor im Schnitt hatten."),
            fehlertext=(f"Im neuesten vollständig gelieferten Monat fehlen gegenüber dem Schnitt der 12 Monate davor "
                        f"{{n}} Buchungen, mehr als {1 - EINBRUCH_SCHWELLE:.0%} ({{beispiele}}). Prüfen, ob der "
                        "Export der Zahlungen vollständig ist; fehlende Buchungen nachliefern."),
            beispiel_spalten=("monat", "buchungen", "durchschnitt_12_monate"),
        ),
    ]
    return Suite(
        art=ART,
        teile={"schema": c.schema_sql(ART), "merkmale": MERKMALE_SQL, "betraege": BETRAEGE_SQL,
               "buchungsdaten": BUCHUNGSDATEN_SQL, "zeitraeume": ZEITRAEUME_SQL, "hilfen": HILFEN_SQL,
               "eindeutig": EINDEUTIG_SQL, "monate": MONATE_SQL},
        einheiten={"schema": "Spalten", "merkmale": EINHEIT, "betraege": EINHEIT, "buchungsdaten": EINHEIT,
                   "zeitraeume": EINHEIT, "hilfen": "fallbezogene Buchungen", "eindeutig": EINHEIT,
                   "monate": "Buchungen im neuesten Monat"},
        pruefungen=tuple(p),
        abhaengig_von=("hilfen", "traeger", "sozialraeume"),
        beschreibung="Alle Buchungen (in DuckDB vorverdichtet): Vertrag, Beträge, Daten, Hilfen und Träger.",
    )
