"""Plausibility checks of the kind the state statistics office runs before it
accepts a delivery (SGB VIII statistics), on the dbt layers.

Some of these faults are stopped earlier (ingestion quarantines `ende < beginn`
and an ended help without beendigungsgrund). They are checked here again on
what the statistics are actually built from (defence in depth: a later load
path, a changed macro or a hand-edited table must not reach the statutory
export unnoticed).

Severity: ERROR for the items the Landesamt rejects a record for (`statistik`
= HART); WARN for what is unusual but possible (`statistik` = WEICH: a planned
end, overlapping helps, a long counselling) and for the year-over-year jumps
and cost outliers. For the statutory delivery a failing row is a finding of
its record (kjh.statistik.befunde): a hard one keeps that record out of the
draft and blocks the release of its reporting year, a soft one waits on the
clerk's work list for a confirmation. Helps of earlier years block nothing.

Only helps of the newest hilfen export (int_hilfen_episoden.im_aktuellen_export)
are checked: dropped helps are not reported any more.
"""
from kjh import dbt_sql
from kjh.contract import load_contract
from kjh.quality.finanzkontrollen import FAELLIG_BIS_SQL, ZAHLUNGSZIEL_TAGE
from kjh.quality.rules import ERROR, HART, WARN, WEICH
from kjh.quality.sql_pruefungen import SqlPruefung

# --- documented thresholds -----------------------------------------------------

# § 41 SGB VIII (Hilfe für junge Volljährige): only for people of age at beginn (dbt var, one place).
VOLLJAEHRIG_AB = dbt_sql.variable("volljaehrig_ab")
# Erziehungsberatung (§ 28) running longer than this many years is implausible
# (counselling, not a long-term help): most likely a missing end.
EB_MAX_JAHRE = 10
# The types some checks treat apart, by their flags in codelisten.yml:
# § 19 (Gemeinsame Wohnform für Mütter/Väter und Kinder) can start during
# pregnancy; any other help (e.g. Vollzeitpflege § 33) begun before birth is a
# wrong birth date or beginn. Counselling (§ 28); Inobhutnahme (§ 42).
VOR_GEBURT_ERLAUBT = load_contract().hilfearten_mit("vor_geburt")
BERATUNG = load_contract().hilfearten_mit("beratung")
INOBHUTNAHME = load_contract().hilfeart_mit("inobhutnahme")


def _in(codes) -> str:
    return "(" + ", ".join(f"'{c}'" for c in codes) + ")"
# Overlap of two helps of one person and type: the periods share at least one
# day beyond a handover (ende of one = beginn of the other is allowed).

# Year-over-year jumps (WARN), per social space and year, complete years only
# (the year of the cut-off counts when the cut-off is 31.12.):
VORJAHR_SCHWELLE = 0.25            # change of more than ±25 % against the previous year
VORJAHR_MIN_FAELLE = 20            # ... only when the previous year had at least 20 cases
VORJAHR_MIN_NETTO_EUR = 50_000     # ... or at least 50 000 € net expenditure (absolute value)

# Cost per case-month outliers (WARN): expenditure of a help (its 'leistung'
# bookings, refunds included; not income such as parents' contributions or
# another office's reimbursement, which can bring a help's net cost near zero)
# spread over the service period (int_zahlungen_periodengerecht) per month of
# the help, divided by the case-months of that month (int_hilfen_monate).
# Only months whose invoices are due (finanzkontrollen.ZAHLUNGSZIEL_TAGE): the
# latest month would otherwise hold only the side costs paid in advance. Compared
# with the median of its hilfeart and setting over all help-months: § 35a, § 41
# and § 27 Abs. 2 are paid as ambulant therapy (a few hundred euros a month) or
# as a place in a home (several thousand), so one median per hilfeart would
# flag every home place of them. The median, not P1/P99:
# an office has few helps of some types, and percentiles of a small sample are
# its extremes, so a single outlier would set its own bound.
KOSTEN_FAKTOR = 10                 # outside [Median / 10, Median × 10] of its hilfeart and setting
KOSTEN_MIN_BEOBACHTUNGEN = 5       # only hilfeart × setting with at least 5 help-months with costs
KOSTEN_MIN_FALLMONATE = 0.5        # only months the help ran at least half of (part months distort)

HILFEN = "intermediate/int_hilfen_episoden"
FALLZAHLEN = "marts/fallzahlen_jahr"
AUSGABEN = "marts/ausgaben_jahr"
KOSTEN = "marts/kosten_je_fall"

_AKTUELL = "select * from intermediate.int_hilfen_episoden where im_aktuellen_export"
_GEPRUEFT_HILFEN = "select count(*) from intermediate.int_hilfen_episoden where im_aktuellen_export"
_KORREKTUR = "Bitte im Fachverfahren korrigieren; die Korrektur kommt mit dem nächsten Export."


def _hilfen_pruefung(name, beschreibung, bedingung, fehlertext, spalten="hilfe_id, hilfeart, beginn, ende", *,
                     klasse=HART, feld=None, hinweis=""):
    """A check of single helps; `feld` names the value concerned for the work list (an age is never shown:
    it comes from the birth date, so only the field is named)."""
    return SqlPruefung(
        name=name, schweregrad=ERROR if klasse == HART else WARN, asset=HILFEN, einheit="Hilfen",
        beschreibung=beschreibung, fehler_sql=f"select {spalten} from ({_AKTUELL}) as h where {bedingung}",
        geprueft_sql=_GEPRUEFT_HILFEN, fehlertext=fehlertext, statistik=klasse, statistik_feld=feld,
        statistik_hinweis=hinweis,
    )


# Social-space-years a year-over-year comparison cannot judge: the year a municipality moved to
# another social space (raw.sozialraeume: a newer file maps it elsewhere) and the year after,
# for both social spaces (cases and costs move with the municipality; not a fault).
_ZUORDNUNG_GEAENDERT = """
    select alt.sozialraum, year(neu.stand_ab) as jahr from raw.sozialraeume as neu
        inner join raw.sozialraeume as alt on alt.ags = neu.ags and alt.stand_bis = neu.stand_ab
        where alt.sozialraum <> neu.sozialraum
    union select neu.sozialraum, year(neu.stand_ab) from raw.sozialraeume as neu
        inner join raw.sozialraeume as alt on alt.ags = neu.ags and alt.stand_bis = neu.stand_ab
        where alt.sozialraum <> neu.sozialraum
    union select alt.sozialraum, year(neu.stand_ab) + 1 from raw.sozialraeume as neu
        inner join raw.sozialraeume as alt on alt.ags = neu.ags and alt.stand_bis = neu.stand_ab
        where alt.sozialraum <> neu.sozialraum
    union select neu.sozialraum, year(neu.stand_ab) + 1 from raw.sozialraeume as neu
        inner join raw.sozialraeume as alt on alt.ags = neu.ags and alt.stand_bis = neu.stand_ab
        where alt.sozialraum <> neu.sozialraum
"""


def _vorjahr_paare(jahre_sql: str, wert: str, erstes_jahr_sql: str) -> str:
    """Rows (jahr, sozialraum, wert) -> every pair of a complete year with its previous year:
    (jahr, sozialraum, vorjahr, wert, pruefbar). Not checkable (pruefbar false): a previous year
    before the source's first complete year (`erstes_jahr_sql`, one value), or a social space
    whose municipalities changed in the year or the year before."""
    return f"""
        with werte as ({jahre_sql}),
        stand as (select letztes_jahr, berichtsstand from intermediate.int_berichtsstand),
        vollstaendig as (
            -- complete years: before the cut-off year, or the cut-off year when the cut-off is 31.12.
            select distinct werte.jahr from werte cross join stand
            where werte.jahr < stand.letztes_jahr
                or (werte.jahr = stand.letztes_jahr and month(stand.berichtsstand) = 12
                    and day(stand.berichtsstand) = 31)
        ),
        erstes as ({erstes_jahr_sql}),
        geaendert as ({_ZUORDNUNG_GEAENDERT})
        select
            vorjahr.jahr + 1 as jahr,
            vorjahr.sozialraum,
            vorjahr.{wert} as vorjahr,
            coalesce(aktuell.{wert}, 0) as {wert},
            vorjahr.jahr >= coalesce((select jahr from erstes), vorjahr.jahr)
                and not exists (select 1 from geaendert as g
                                where g.sozialraum = vorjahr.sozialraum and g.jahr = vorjahr.jahr + 1)
                as pruefbar
        from werte as vorjahr
        inner join vollstaendig on vollstaendig.jahr = vorjahr.jahr + 1
        left join werte as aktuell
            on aktuell.jahr = vorjahr.jahr + 1 and aktuell.sozialraum = vorjahr.sozialraum
    """


def _vorjahr_sql(paare: str, wert: str, min_basis: str) -> str:
    """Failing (jahr, sozialraum, vorjahr, wert, veraenderung_prozent) of the checkable pairs."""
    return f"""
        select
            jahr, sozialraum, vorjahr, {wert},
            round(100.0 * ({wert} - vorjahr) / abs(vorjahr), 1) as veraenderung_prozent,
            sozialraum as _sozialraum, jahr as _jahr
        from {paare}
        where pruefbar and abs(vorjahr) >= {min_basis}
            and abs({wert} - vorjahr) > {VORJAHR_SCHWELLE} * abs(vorjahr)
    """


_FAELLE_JE_JAHR = """
    select jahr, sozialraum, sum(laufend_31_12 + beendet) as faelle
    from marts.fallzahlen_jahr group by jahr, sozialraum
"""
_NETTO_JE_JAHR = """
    select haushaltsjahr as jahr, sozialraum, sum(netto_eur) as netto_eur
    from marts.ausgaben_jahr group by haushaltsjahr, sozialraum
"""
# First complete year of each source: cases from the first reporting year on (the marts start
# there); expenditure from the first Haushaltsjahr whose January is booked (a finance history
# that starts in July makes its first year look half as expensive).
_ERSTES_JAHR_FAELLE = "select erstes_jahr as jahr from intermediate.int_berichtsstand"
_ERSTES_JAHR_NETTO = """
    select case when month(min(buchungsdatum)) = 1 then year(min(buchungsdatum))
                else year(min(buchungsdatum)) + 1 end as jahr
    from intermediate.int_zahlungen
"""
_PAARE_FAELLE = ("_kjh_vorjahr_faelle", _vorjahr_paare(_FAELLE_JE_JAHR, "faelle", _ERSTES_JAHR_FAELLE))
_PAARE_NETTO = ("_kjh_vorjahr_netto", _vorjahr_paare(_NETTO_JE_JAHR, "netto_eur", _ERSTES_JAHR_NETTO))

_KOSTEN_MONATE = f"""
    with kosten as (
        select hilfe_id, monat, any_value(hilfeart) as hilfeart, sum(netto_periodengerecht_eur) as ausgaben_eur
        from intermediate.int_zahlungen_periodengerecht
        where hilfe_id is not null and hilfeart is not null and kostenart = 'leistung'
            and last_day(monat) <= {FAELLIG_BIS_SQL}
        group by hilfe_id, monat
    )
    select
        kosten.hilfe_id, kosten.monat, kosten.hilfeart, monate.setting, monate.sozialraum,
        cast(kosten.ausgaben_eur as double) / monate.fallmonate as eur_je_fallmonat
    from kosten
    inner join intermediate.int_hilfen_monate as monate
        on monate.hilfe_id = kosten.hilfe_id and monate.monat = kosten.monat
    where monate.fallmonate >= {KOSTEN_MIN_FALLMONATE} and kosten.ausgaben_eur > 0
"""

PRUEFUNGEN: tuple[SqlPruefung, ...] = (
    _hilfen_pruefung(
        "plausi.p41_nur_volljaehrige",
        f"§ 41 (Hilfe für junge Volljährige) nur bei einem Alter von mindestens {VOLLJAEHRIG_AB} Jahren "
        "bei Beginn.",
        f"ist_paragraph_41 and alter_bei_beginn < {VOLLJAEHRIG_AB}",
        "{n} von {geprueft} Hilfen sind als § 41 (junge Volljährige) gekennzeichnet, obwohl die Person bei "
        f"Beginn jünger als {VOLLJAEHRIG_AB} war. Das Statistische Landesamt weist diese Sätze zurück. "
        "Geburtsdatum und Beginn der Hilfe im Fachverfahren prüfen. Beispiele: {beispiele}",
        feld="alter_bei_beginn", hinweis=f"§ 41 erst ab {VOLLJAEHRIG_AB}: Geburtsdatum und Beginn im Fachverfahren prüfen.",
    ),
    _hilfen_pruefung(
        "plausi.p42_nur_minderjaehrige",
        f"Inobhutnahme (§ 42) nur für Minderjährige (Alter bei Beginn unter {VOLLJAEHRIG_AB}).",
        f"hilfeart = '{INOBHUTNAHME}' and alter_bei_beginn >= {VOLLJAEHRIG_AB}",
        "{n} von {geprueft} Hilfen sind Inobhutnahmen (§ 42) von Personen, die bei Beginn "
        f"{VOLLJAEHRIG_AB} oder älter waren. Inobhutnahmen gibt es nur für Minderjährige: Hilfeart oder "
        "Geburtsdatum falsch erfasst. " + _KORREKTUR + " Beispiele: {beispiele}",
        feld="alter_bei_beginn", hinweis="Inobhutnahme nur für Minderjährige: Hilfeart oder Geburtsdatum korrigieren.",
    ),
    _hilfen_pruefung(
        "plausi.ende_vor_beginn",
        "Das Ende einer Hilfe liegt nicht vor ihrem Beginn.",
        "ende < beginn",
        "{n} von {geprueft} Hilfen enden vor ihrem Beginn. Beginn und Ende vertauscht oder falsch erfasst. "
        + _KORREKTUR + " Beispiele: {beispiele}",
        feld="ende", hinweis="Ende vor Beginn: Beginn und Ende im Fachverfahren korrigieren.",
    ),
    _hilfen_pruefung(
        "plausi.ende_nach_exportdatum",
        "Ein Ende nach dem Exportdatum (Stand) des neuesten Exports, der die Hilfe trägt, ist ein geplantes Ende: "
        "die Hilfe zählt als laufend (Makro is_planned_end), bis ein späterer Export das Ende noch trägt.",
        "geplantes_ende is not null",
        "{n} von {geprueft} Hilfen tragen ein geplantes Ende nach dem Exportdatum. Sie zählen überall als laufend; "
        "das Ende zählt, sobald ein Export mit späterem Stand es noch trägt. Nichts zu korrigieren, wenn das Ende "
        "nur geplant ist. Beispiele: {beispiele}",
        spalten="hilfe_id, hilfeart, geplantes_ende, stand_ab as exportdatum",
        klasse=WEICH, feld="geplantes_ende",
        hinweis="Geplantes Ende: die Hilfe wird als andauernd gemeldet. Bestätigen, wenn das Ende nur geplant ist.",
    ),
    _hilfen_pruefung(
        "plausi.gruende_verschieden",
        "Höchstens drei Gründe der Hilfegewährung, alle verschieden; ein dritter Grund nur mit einem zweiten.",
        "(grund_2 = hauptgrund) or (grund_3 = hauptgrund) or (grund_3 = grund_2) "
        "or (grund_3 is not null and grund_2 is null)",
        "{n} von {geprueft} Hilfen nennen einen Grund der Hilfegewährung zweimal oder einen dritten Grund ohne "
        "zweiten. Das Statistische Landesamt weist diese Sätze zurück. Die Gründe im Fachverfahren korrigieren. "
        "Beispiele: {beispiele}",
        spalten="hilfe_id, hilfeart, hauptgrund, grund_2, grund_3",
        feld="grund_2", hinweis="Gründe müssen verschieden sein, ein dritter nur mit einem zweiten: im Fachverfahren "
                                "korrigieren.",
    ),
    SqlPruefung(
        name="plausi.beendigungsgrund_fehlt", schweregrad=ERROR, asset=HILFEN, einheit="Hilfen",
        liest=("intermediate.int_berichtsstand",),
        beschreibung="Eine in einem Berichtsjahr beendete Hilfe hat einen Beendigungsgrund.",
        fehler_sql=f"""
            select h.hilfe_id, h.hilfeart, h.ende
            from ({_AKTUELL}) as h
            cross join intermediate.int_berichtsstand as b
            where h.ende is not null and h.beendigungsgrund is null
                and year(h.ende) between b.erstes_jahr and b.letztes_jahr
        """,
        geprueft_sql=f"""
            select count(*) from ({_AKTUELL}) as h cross join intermediate.int_berichtsstand as b
            where h.ende is not null and year(h.ende) between b.erstes_jahr and b.letztes_jahr
        """,
        fehlertext="{n} von {geprueft} im Berichtszeitraum beendeten Hilfen haben keinen Beendigungsgrund. "
                   "Die amtliche Statistik verlangt ihn für jede beendete Hilfe. Grund im Fachverfahren "
                   "nachtragen. Beispiele: {beispiele}",
        statistik=HART, statistik_feld="beendigungsgrund",
        statistik_hinweis="Beendigungsgrund im Fachverfahren nachtragen.",
    ),
    SqlPruefung(
        name="plausi.ueberschneidung_gleiche_hilfeart", schweregrad=WARN, asset=HILFEN, einheit="Hilfen",
        beschreibung="Keine Person hat zwei sich zeitlich überschneidende Hilfen derselben Hilfeart "
                     "(Übergabe am selben Tag zählt nicht als Überschneidung).",
        fehler_sql=f"""
            select a.hilfe_id as hilfe_id, b.hilfe_id as zweite_hilfe_id, a.hilfeart,
                   greatest(a.beginn, b.beginn) as ueberschneidung_ab
            from ({_AKTUELL}) as a
            inner join ({_AKTUELL}) as b
                on a.person_pseudonym = b.person_pseudonym
                and a.hilfeart = b.hilfeart
                and a.hilfe_id < b.hilfe_id
                and a.beginn < coalesce(b.ende, date '9999-12-31')
                and b.beginn < coalesce(a.ende, date '9999-12-31')
        """,
        geprueft_sql=_GEPRUEFT_HILFEN,
        fehlertext="{n} Hilfepaar(e) derselben Person und Hilfeart überschneiden sich zeitlich ({geprueft} "
                   "Hilfen geprüft): doppelt erfasst oder die erste Hilfe wurde nicht beendet. Die Hilfen "
                   "im Fachverfahren zusammenführen oder die frühere beenden. Beispiele: {beispiele}",
        # the Landesamt receives no person id and cannot see this: a local finding, not a rejection
        statistik=WEICH, statistik_feld="zweite_hilfe_id",
        statistik_hinweis="Überschneidet sich mit einer Hilfe derselben Art derselben Person: doppelt erfasst? "
                          "Sonst bestätigen (z. B. zwei Maßnahmen nebeneinander).",
    ),
    _hilfen_pruefung(
        "plausi.beginn_vor_geburt",
        "Keine Hilfe beginnt vor der Geburt (z. B. Vollzeitpflege § 33); ausgenommen § 19 "
        "(Mutter/Vater-Kind-Einrichtung, kann in der Schwangerschaft beginnen).",
        f"alter_bei_beginn < 0 and hilfeart not in {_in(VOR_GEBURT_ERLAUBT)}",
        "{n} von {geprueft} Hilfen beginnen vor der Geburt der Person. Geburtsdatum oder Beginn der Hilfe "
        "falsch erfasst. " + _KORREKTUR + " Beispiele: {beispiele}",
        feld="alter_bei_beginn", hinweis="Beginn vor der Geburt: Geburtsdatum oder Beginn korrigieren.",
    ),
    _hilfen_pruefung(
        "plausi.eb_dauer_ueber_10_jahre",
        f"Erziehungsberatung (§ 28) dauert nicht länger als {EB_MAX_JAHRE} Jahre (bis zum Ende oder, bei "
        "laufender Hilfe, bis zum Exportdatum).",
        f"hilfeart in {_in(BERATUNG)} and beginn + interval {EB_MAX_JAHRE} year < coalesce(ende, stand_ab)",
        "{n} von {geprueft} Hilfen sind Erziehungsberatungen (§ 28), die länger als "
        f"{EB_MAX_JAHRE} Jahre laufen. Meist fehlt das Ende: im Fachverfahren die Beratung mit "
        "Beendigungsgrund abschließen. Beispiele: {beispiele}",
        klasse=WEICH, feld="beginn",
        hinweis="Beratung über zehn Jahre: fehlt das Ende? Sonst bestätigen.",
    ),
    SqlPruefung(
        name="plausi.vorjahr_fallzahlen", schweregrad=WARN, asset=FALLZAHLEN, einheit="Sozialraum-Jahre",
        liest=("intermediate.int_berichtsstand", "raw.sozialraeume"),
        beschreibung=f"Fallzahl (laufend am 31.12. + im Jahr beendet) je Sozialraum ändert sich gegenüber dem "
                     f"Vorjahr um höchstens ±{VORJAHR_SCHWELLE:.0%} (nur bei mindestens {VORJAHR_MIN_FAELLE} "
                     "Fällen im Vorjahr, nur vollständige Jahre ab dem ersten Berichtsjahr; nicht prüfbar: Sozialräume "
                     "im Jahr einer geänderten Sozialraum-Zuordnung und im Jahr danach).",
        basis=(_PAARE_FAELLE,),
        fehler_sql=_vorjahr_sql(_PAARE_FAELLE[0], "faelle", str(VORJAHR_MIN_FAELLE)),
        geprueft_sql=f"select count(*) from {_PAARE_FAELLE[0]} where pruefbar and vorjahr >= {VORJAHR_MIN_FAELLE}",
        nicht_pruefbar_sql=f"select count(*) from {_PAARE_FAELLE[0]} where not pruefbar",
        fehlertext="{n} Sozialraum-Jahre mit einem Sprung der Fallzahl um mehr als "
                   f"±{VORJAHR_SCHWELLE:.0%} gegenüber dem Vorjahr. Bitte prüfen, ob Hilfen fehlen, doppelt "
                   "oder dem falschen Wohnort zugeordnet sind, und die Erklärung (z. B. neues Angebot) "
                   "dokumentieren. Beispiele: {beispiele}",
    ),
    SqlPruefung(
        name="plausi.vorjahr_nettoausgaben", schweregrad=WARN, asset=AUSGABEN, einheit="Sozialraum-Jahre",
        liest=("intermediate.int_berichtsstand", "intermediate.int_zahlungen", "raw.sozialraeume"),
        beschreibung=f"Nettoausgaben je Sozialraum und Haushaltsjahr ändern sich gegenüber dem Vorjahr um "
                     f"höchstens ±{VORJAHR_SCHWELLE:.0%} (nur bei mindestens {VORJAHR_MIN_NETTO_EUR} € im "
                     "Vorjahr, nur vollständige Jahre; nicht prüfbar: Jahre vor dem ersten vollständigen Buchungsjahr, "
                     "d. h. dem ersten mit Buchungen im Januar, und Sozialräume im Jahr einer geänderten "
                     "Sozialraum-Zuordnung und im Jahr danach).",
        basis=(_PAARE_NETTO,),
        fehler_sql=_vorjahr_sql(_PAARE_NETTO[0], "netto_eur", str(VORJAHR_MIN_NETTO_EUR)),
        geprueft_sql=f"select count(*) from {_PAARE_NETTO[0]} where pruefbar and abs(vorjahr) >= {VORJAHR_MIN_NETTO_EUR}",
        nicht_pruefbar_sql=f"select count(*) from {_PAARE_NETTO[0]} where not pruefbar",
        fehlertext="{n} Sozialraum-Jahre mit einem Sprung der Nettoausgaben um mehr als "
                   f"±{VORJAHR_SCHWELLE:.0%} gegenüber dem Vorjahr. Bitte auf fehlende, doppelte oder falsch "
                   "kontierte Buchungen prüfen und die Erklärung dokumentieren. Beispiele: {beispiele}",
    ),
    SqlPruefung(
        name="plausi.kosten_je_fallmonat_ausreisser", schweregrad=WARN, asset=KOSTEN, einheit="Hilfe-Monate",
        liest=("intermediate.int_hilfen_monate", "intermediate.int_zahlungen", "intermediate.int_zahlungen_periodengerecht"),
        beschreibung=f"Kosten je Fallmonat einer Hilfe liegen innerhalb [Median / {KOSTEN_FAKTOR}, Median × "
                     f"{KOSTEN_FAKTOR}] ihrer Hilfeart und Betreuungsform (ambulant, teilstationär, stationär; nur "
                     f"Gruppen mit mindestens {KOSTEN_MIN_BEOBACHTUNGEN} "
                     f"Hilfe-Monaten, nur Monate mit mindestens {KOSTEN_MIN_FALLMONATE} Fallmonaten und "
                     "positiven Kosten, deren Rechnungen fällig sind: Monatsende mindestens "
                     f"{ZAHLUNGSZIEL_TAGE} Tage vor der letzten Buchung). Kosten = Ausgaben (Leistungen) ohne "
                     "Einnahmen wie Kostenbeiträge oder Erstattungen.",
        basis=(("_kjh_kosten_monate", _KOSTEN_MONATE),),
        fehler_sql=f"""
            with monate as (select * from _kjh_kosten_monate),
            spanne as (
                select hilfeart, setting, median(eur_je_fallmonat) as median_eur
                from monate group by hilfeart, setting
                having count(*) >= {KOSTEN_MIN_BEOBACHTUNGEN}
            )
            select monate.hilfe_id, monate.monat, monate.hilfeart, monate.setting,
                   round(monate.eur_je_fallmonat, 2) as eur_je_fallmonat,
                   round(spanne.median_eur, 2) as median_gruppe_eur,
                   monate.sozialraum as _sozialraum, year(monate.monat) as _jahr
            from monate
            inner join spanne on spanne.hilfeart = monate.hilfeart and spanne.setting = monate.setting
            where monate.eur_je_fallmonat > spanne.median_eur * {KOSTEN_FAKTOR}
                or monate.eur_je_fallmonat < spanne.median_eur / {KOSTEN_FAKTOR}
        """,
        geprueft_sql="select count(*) from _kjh_kosten_monate",
        fehlertext="{n} von {geprueft} Hilfe-Monaten haben Kosten je Fallmonat weit außerhalb der üblichen "
                   f"Spanne ihrer Hilfeart und Betreuungsform (mehr als das {KOSTEN_FAKTOR}-fache über oder unter "
                   "dem Median). "
                   "Buchungen dieser Hilfen auf Betrag, Leistungszeitraum und Hilfezuordnung prüfen. "
                   "Beispiele: {beispiele}",
    ),
)
