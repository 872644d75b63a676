"""Finance controls a controller would otherwise do by hand in Excel: WARN
(listed in their own section "finanz." of the quality page, block nothing) and
one INFO statistic.

They run on intermediate.int_zahlungen (one row per booking with its help's
type, setting, beginn/ende and social space). Only expenditure bookings
(kostenart 'leistung') are checked: refunds and contributions follow their own
periods.

Judge only what the exports can show. Provider agreements are read from every
delivered version of raw.traeger, but a provider export usually carries only the
current agreement: the one of last year is in no export. So a booking is
- inside an agreement when delivered versions cover its service period;
- outside (a finding) only when an export showed the provider's agreement as
  ended before the period and still showed no newer one on a date in or after
  the period (the register vouched for "no agreement then");
- otherwise not checkable: counted apart, never flagged.
The rate check compares a period only with the rate of a delivered version whose
validity covers the whole period; other periods are not checkable.
"""
from kjh.quality.rules import INFO, WARN
from kjh.quality.sql_pruefungen import SqlPruefung


def _eur(betrag: float) -> str:
    return f"{betrag:.2f} €".replace(".", ",")


# --- documented thresholds -----------------------------------------------------

# A service period may end up to 31 days after the end of its help: the last
# month is often booked in full, and notice periods of providers run on.
KULANZ_TAGE_NACH_HILFEENDE = 31
# Rate × days: an amount may exceed the most the rate allows by at most 1 € or 1 %,
# whichever is larger (rounding of the provider's invoice, cent rounding).
TAGESSATZ_TOLERANZ_EUR = 1.00
TAGESSATZ_TOLERANZ_ANTEIL = 0.01
# Providers bill a whole month either by calendar days (rate × 28…31) or as
# 30.42 days (365 / 12), both usual under § 78b agreements. The most a period may
# cost is the larger of the two; part months are always billed by days.
TAGE_JE_MONAT = 30.42
# Below rate × days is not flagged: absence days (holidays at home, hospital) are
# billed at a reduced rate, and no export carries them. How far below is an INFO
# statistic (finanz.tagessatz_verteilung), not a list of suspects.
# Only stationary helps are paid by calendar day (rate × days of the period):
# ambulant helps are billed by hours, part-stationary ones (Tagesgruppe) by
# attendance days, which no export carries.
TAGESSATZ_SETTINGS = ("stationaer",)
# Rates are invoiced after the month: a period is checked once its invoice is
# due (this many days after its end, counted back from the latest booking).
ZAHLUNGSZIEL_TAGE = 45
# The last day of a service period that is due: every invoice up to it should be booked.
# (Also used by the cost outliers of kjh.quality.plausibilitaet: one rule for "paid by now".)
FAELLIG_BIS_SQL = (f"((select max(buchungsdatum) from intermediate.int_zahlungen)"
                   f" - interval {ZAHLUNGSZIEL_TAGE} day)")

ZAHLUNGEN = "intermediate/int_zahlungen"

_LEISTUNGEN = "select * from intermediate.int_zahlungen where kostenart = 'leistung'"
_GEPRUEFT = "select count(*) from intermediate.int_zahlungen where kostenart = 'leistung'"
_OFFEN = "date '9999-12-31'"

# Every delivered version of a provider with the last export date that still showed it
# (until then the register vouched for it; without a delivery record: its own export date).
_VERSIONEN = f"""
    select t.traeger_id, t.gueltig_ab, coalesce(t.gueltig_bis, {_OFFEN}) as gueltig_bis, t.entgelt_tagessatz,
           t.stand_ab,
           coalesce((select max(l.exportdatum) from audit.lieferungen as l
                     where l.art = 'traeger' and l.status = 'angenommen' and l.exportdatum >= t.stand_ab
                         and (t.stand_bis is null or l.exportdatum < t.stand_bis)), t.stand_ab) as zuletzt_geliefert
    from raw.traeger as t
"""

# Each expenditure booking to a known provider with what the exports say about its period:
# gedeckt (covered by one version, or by two adjacent ones), ausserhalb (an export showed the
# agreement ended before the period and no newer one by a date in or after it), else not checkable.
# A provider no export knows is zahlungen.traeger_bekannt's finding, not this one's.
_VEREINBARUNG = f"""
    with versionen as ({_VERSIONEN}),
    buchungen as (
        select * from ({_LEISTUNGEN}) as z where z.traeger_id in (select traeger_id from raw.traeger)
    ),
    gedeckt as (
        select distinct b.buchung_id
        from buchungen as b
        inner join versionen as v1
            on v1.traeger_id = b.traeger_id and b.zeitraum_von between v1.gueltig_ab and v1.gueltig_bis
        inner join versionen as v2
            on v2.traeger_id = b.traeger_id and b.zeitraum_bis between v2.gueltig_ab and v2.gueltig_bis
            and v2.gueltig_ab <= v1.gueltig_bis + 1
    ),
    ausserhalb as (
        select distinct b.buchung_id
        from buchungen as b
        inner join versionen as v
            on v.traeger_id = b.traeger_id
            and b.zeitraum_bis > v.gueltig_bis
            and b.zeitraum_von >= v.gueltig_ab
            and greatest(b.zeitraum_von, v.gueltig_bis + 1) <= v.zuletzt_geliefert
    )
    select b.*,
           case when b.buchung_id in (select buchung_id from gedeckt) then 'gedeckt'
                when b.buchung_id in (select buchung_id from ausserhalb) then 'ausserhalb'
                else 'nicht_pruefbar' end as vereinbarung
    from buchungen as b
"""

# Periods booked twice (finanz.doppelbuchung's findings): their sum is not compared with the
# rate as well (one finding, reported once).
_DOPPELT = f"""
    select hilfe_id, zeitraum_von, zeitraum_bis, abs(betrag) as betrag_abs
    from ({_LEISTUNGEN}) as z
    where hilfe_id is not null and betrag <> 0
    group by hilfe_id, zeitraum_von, zeitraum_bis, abs(betrag)
    having count_if(betrag > 0) - count_if(betrag < 0) >= 2
"""

# Bookings of a stationary help with a provider: summed per help, provider, service period
# and account (a correction of the same period counts with its booking), with the rate of
# the newest delivered version whose agreement covers the whole period (none: not checkable).
# The rate is paid on one account (Sachkonto); side costs of the same period
# (pocket money, clothing, insurance, a one-off allowance) go to others, and
# the chart of accounts is the office's own. So the rate's account is the
# account whose sum comes nearest to what the rate gives: a wrong invoice still stands
# out (side costs are far from a month's rate), an allowance larger than a
# short period's rate is not mistaken for it.
_TAGESSATZ_PERIODEN = f"""
    with je_konto as (
        select hilfe_id, traeger_id, zeitraum_von, zeitraum_bis, produktkonto,
               sum(betrag) as betrag, min(buchung_id) as buchung_id, count(*) as buchungen,
               any_value(sozialraum) as sozialraum
        from ({_LEISTUNGEN}) as z
        where hilfe_id is not null and traeger_id is not null
            and setting in ({", ".join(f"'{s}'" for s in TAGESSATZ_SETTINGS)})
            -- rates are paid in arrears: only periods whose payment is due by the latest booking
            and zeitraum_bis <= {FAELLIG_BIS_SQL}
            and not exists (select 1 from ({_DOPPELT}) as d
                            where d.hilfe_id = z.hilfe_id and d.zeitraum_von = z.zeitraum_von
                                and d.zeitraum_bis = z.zeitraum_bis)
        group by hilfe_id, traeger_id, zeitraum_von, zeitraum_bis, produktkonto
    ),
    mit_satz as (
        select je_konto.*, satz.entgelt_tagessatz,
               datediff('day', je_konto.zeitraum_von, je_konto.zeitraum_bis) + 1 as tage,
               -- whole calendar months: the months a 30.42-day invoice counts
               case when day(je_konto.zeitraum_von) = 1 and je_konto.zeitraum_bis = last_day(je_konto.zeitraum_bis)
                    then datediff('month', je_konto.zeitraum_von, je_konto.zeitraum_bis) + 1 end as monate
        from je_konto
        left join lateral (
            select t.entgelt_tagessatz from raw.traeger as t
            where t.traeger_id = je_konto.traeger_id and t.entgelt_tagessatz is not null
                and je_konto.zeitraum_von >= t.gueltig_ab
                and je_konto.zeitraum_bis <= coalesce(t.gueltig_bis, {_OFFEN})
            order by t.stand_ab desc limit 1
        ) as satz on true
    ),
    soll as (
        select *,
               entgelt_tagessatz * tage as soll_tage,
               entgelt_tagessatz * {TAGE_JE_MONAT} * monate as soll_monate
        from mit_satz
    ),
    rate_konto as (
        select * from soll
        qualify row_number() over (
            partition by hilfe_id, traeger_id, zeitraum_von, zeitraum_bis
            order by least(abs(betrag - soll_tage), coalesce(abs(betrag - soll_monate), abs(betrag - soll_tage))),
                produktkonto) = 1
    )
    select * exclude (produktkonto),
           greatest(soll_tage, coalesce(soll_monate, soll_tage)) as hoechstbetrag,
           case
               when entgelt_tagessatz is null then null
               when betrag > greatest(soll_tage, coalesce(soll_monate, soll_tage))
                   + greatest({TAGESSATZ_TOLERANZ_EUR},
                              {TAGESSATZ_TOLERANZ_ANTEIL} * greatest(soll_tage, coalesce(soll_monate, soll_tage)))
                   then '5 über dem Höchstbetrag'
               when abs(betrag - soll_tage) <= greatest({TAGESSATZ_TOLERANZ_EUR}, {TAGESSATZ_TOLERANZ_ANTEIL} * soll_tage)
                   then '3 Tagessatz × Kalendertage'
               when abs(betrag - soll_monate) <= greatest({TAGESSATZ_TOLERANZ_EUR},
                                                          {TAGESSATZ_TOLERANZ_ANTEIL} * soll_monate)
                   then '4 Tagessatz × {str(TAGE_JE_MONAT).replace(".", ",")} je Monat'
               when betrag >= 0.9 * soll_tage then '2 bis 10 % darunter (z. B. Abwesenheitstage)'
               else '1 mehr als 10 % darunter'
           end as klasse
    from rate_konto
"""

_NICHT_PRUEFBAR_PERIODEN = "select count(*) from _kjh_tagessatz_perioden where entgelt_tagessatz is null"
_GEPRUEFT_PERIODEN = "select count(*) from _kjh_tagessatz_perioden where entgelt_tagessatz is not null"

PRUEFUNGEN: tuple[SqlPruefung, ...] = (
    SqlPruefung(
        name="finanz.leistung_nach_hilfeende", schweregrad=WARN, asset=ZAHLUNGEN, einheit="Leistungsbuchungen",
        beschreibung=f"Der Leistungszeitraum einer Buchung endet höchstens {KULANZ_TAGE_NACH_HILFEENDE} Tage "
                     "nach dem Ende ihrer Hilfe.",
        fehler_sql=f"""
            select buchung_id, hilfe_id, zeitraum_von, zeitraum_bis, hilfe_ende, betrag,
                   sozialraum as _sozialraum, year(zeitraum_von) as _jahr
            from ({_LEISTUNGEN}) as z
            where hilfe_ende is not null
                and zeitraum_bis > hilfe_ende + interval {KULANZ_TAGE_NACH_HILFEENDE} day
        """,
        geprueft_sql=_GEPRUEFT,
        fehlertext="{n} von {geprueft} Leistungsbuchungen betreffen Zeiträume mehr als "
                   f"{KULANZ_TAGE_NACH_HILFEENDE} Tage nach dem Ende der Hilfe. Überzahlung prüfen und ggf. "
                   "zurückfordern, oder das Hilfeende im Fachverfahren korrigieren. Beispiele: {beispiele}",
    ),
    SqlPruefung(
        name="finanz.traeger_ausserhalb_vereinbarung", schweregrad=WARN, asset=ZAHLUNGEN,
        liest=("raw.traeger",),
        einheit="Leistungsbuchungen",
        beschreibung="Eine Buchung an einen Träger liegt nicht nach dem Ende seiner Vereinbarung, solange ein "
                     "Träger-Export keine neuere zeigte (Zeitraum nach gueltig_bis und nicht nach dem Exportdatum "
                     "eines Exports, der noch diese Vereinbarung zeigte). Nicht prüfbar (gezählt, nicht gemeldet): "
                     "Zeiträume vor der ersten gelieferten Vereinbarung eines Trägers (frühere Vereinbarungen "
                     "enthält kein Export) oder nach dem letzten Träger-Export.",
        basis=(("_kjh_vereinbarung", _VEREINBARUNG),),
        fehler_sql="""
            select buchung_id, hilfe_id, traeger_id, zeitraum_von, zeitraum_bis, betrag,
                   sozialraum as _sozialraum, year(zeitraum_von) as _jahr
            from _kjh_vereinbarung where vereinbarung = 'ausserhalb'
        """,
        geprueft_sql="select count(*) from _kjh_vereinbarung where vereinbarung <> 'nicht_pruefbar'",
        nicht_pruefbar_sql="select count(*) from _kjh_vereinbarung where vereinbarung = 'nicht_pruefbar'",
        fehlertext="{n} von {geprueft} prüfbaren Leistungsbuchungen an Träger betreffen Zeiträume nach dem Ende "
                   "der Vereinbarung, während der Träger-Export noch keine neuere zeigte. Vereinbarung prüfen "
                   "(verlängert? dann Trägerdaten aktualisieren) oder Zahlung klären. Beispiele: {beispiele}",
    ),
    SqlPruefung(
        name="finanz.tagessatz_abweichung", schweregrad=WARN, asset=ZAHLUNGEN, einheit="Leistungszeiträume",
        liest=("raw.traeger",),
        beschreibung="Bei stationären Hilfen mit vereinbartem Tagessatz liegt der gebuchte Betrag je "
                     "Leistungszeitraum (Summe der Buchungen auf dem Entgelt-Konto, d. h. dem Konto, dessen Summe "
                     "dem Tagessatz am nächsten kommt; Nebenkosten auf anderen Konten zählen nicht; nur Zeiträume, "
                     f"deren Rechnung fällig ist: Ende {ZAHLUNGSZIEL_TAGE} Tage vor der letzten Buchung) höchstens "
                     f"{_eur(TAGESSATZ_TOLERANZ_EUR)} bzw. {TAGESSATZ_TOLERANZ_ANTEIL:.0%} (das Größere) über dem "
                     "Höchstbetrag: Tagessatz × Kalendertage oder, bei ganzen Monaten, Tagessatz × "
                     f"{str(TAGE_JE_MONAT).replace('.', ',')} je Monat (das Größere). Verglichen wird nur mit einem "
                     "gelieferten Tagessatz, dessen Vereinbarung den ganzen Zeitraum abdeckt; andere Zeiträume sind "
                     "nicht prüfbar. Doppelt gebuchte Zeiträume meldet finanz.doppelbuchung.",
        fehler_sql="""
            select buchung_id, hilfe_id, traeger_id, zeitraum_von, zeitraum_bis, buchungen,
                   betrag, entgelt_tagessatz, round(hoechstbetrag, 2) as hoechstbetrag,
                   round(betrag - hoechstbetrag, 2) as abweichung,
                   sozialraum as _sozialraum, year(zeitraum_von) as _jahr
            from _kjh_tagessatz_perioden
            where klasse like '5 %'
        """,
        basis=(("_kjh_tagessatz_perioden", _TAGESSATZ_PERIODEN),),
        geprueft_sql=_GEPRUEFT_PERIODEN,
        nicht_pruefbar_sql=_NICHT_PRUEFBAR_PERIODEN,
        fehlertext="{n} von {geprueft} Leistungszeiträumen mit vereinbartem Tagessatz liegen mehr als "
                   f"{_eur(TAGESSATZ_TOLERANZ_EUR)} bzw. {TAGESSATZ_TOLERANZ_ANTEIL:.0%} über Tagessatz × Tage "
                   f"(bzw. × {str(TAGE_JE_MONAT).replace('.', ',')} je Monat). Rechnung des Trägers gegen die "
                   "Vereinbarung prüfen (buchung_id = erste Buchung des Zeitraums). Beispiele: {beispiele}",
    ),
    SqlPruefung(
        name="finanz.tagessatz_verteilung", schweregrad=INFO, asset=ZAHLUNGEN, einheit="Leistungszeiträume",
        liest=("raw.traeger",),
        beschreibung="Statistik, keine Verdachtsliste: wie die prüfbaren Leistungszeiträume mit Tagessatz "
                     "abgerechnet sind (nach Kalendertagen, als 30,42-Tage-Monat, darunter, darüber). Ein Betrag "
                     "unter Tagessatz × Tage ist mit den Exporten nicht zu beurteilen: Abwesenheitstage werden "
                     "gekürzt abgerechnet und stehen in keinem Export.",
        fehler_sql="""
            select substr(klasse, 3) as abrechnung, count(*) as leistungszeitraeume
            from _kjh_tagessatz_perioden where klasse is not null
            group by klasse order by klasse
        """,
        basis=(("_kjh_tagessatz_perioden", _TAGESSATZ_PERIODEN),),
        geprueft_sql=_GEPRUEFT_PERIODEN,
        nicht_pruefbar_sql=_NICHT_PRUEFBAR_PERIODEN,
        fehlertext="Verteilung der {geprueft} prüfbaren Leistungszeiträume mit Tagessatz: {verteilung}.",
    ),
    SqlPruefung(
        name="finanz.doppelbuchung", schweregrad=WARN, asset=ZAHLUNGEN, einheit="Leistungsbuchungen",
        beschreibung="Derselbe Betrag wird für dieselbe Hilfe und denselben Leistungszeitraum nicht zweimal "
                     "unter verschiedenen Buchungsnummern gebucht (eine Stornobuchung mit dem negativen Betrag "
                     "hebt eine davon auf).",
        fehler_sql=f"""
            with gruppen as ({_DOPPELT})
            select z.buchung_id, z.hilfe_id, z.zeitraum_von, z.zeitraum_bis, z.betrag,
                   z.sozialraum as _sozialraum, year(z.zeitraum_von) as _jahr
            from ({_LEISTUNGEN}) as z
            inner join gruppen
                on z.hilfe_id = gruppen.hilfe_id and z.zeitraum_von = gruppen.zeitraum_von
                and z.zeitraum_bis = gruppen.zeitraum_bis and z.betrag = gruppen.betrag_abs
        """,
        geprueft_sql=_GEPRUEFT,
        fehlertext="{n} von {geprueft} Leistungsbuchungen sind mit gleichem Betrag für dieselbe Hilfe und "
                   "denselben Leistungszeitraum mehrfach unter verschiedenen Buchungsnummern gebucht. Mögliche "
                   "Doppelzahlung: mit der Rechnung abgleichen, ggf. stornieren und zurückfordern. "
                   "Beispiele: {beispiele}",
    ),
)
