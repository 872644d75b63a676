"""Finance controls a controller would otherwise do by hand in Excel: all WARN
(listed in their own section "finanz." of the quality page, block nothing).

They run on intermediate.int_zahlungen (one row per booking with its help's
type, setting, beginn/ende and social space). Provider agreements are read from
every version of raw.traeger: a booking is inside an agreement when any
delivered version of the provider covers its service period, so an agreement
replaced later does not make old bookings suspicious.
Only expenditure bookings (kostenart 'leistung') are checked: refunds and
contributions follow their own periods.
"""
from kjh.quality.rules import WARN
from kjh.quality.sql_pruefungen import SqlPruefung

def _eur(betrag: float) -> str:
    return f"{betrag:.2f} €".replace(".", ",")


# --- documented thresholds -----------------------------------------------------

# A service period may end up to 31 days after the end of its help: the last
# month is often booked in full, and notice periods of providers run on.
KULANZ_TAGE_NACH_HILFEENDE = 31
# Rate × days: an amount may differ by at most 1 € or 1 % of rate × days,
# whichever is larger (rounding of the provider's invoice, cent rounding).
TAGESSATZ_TOLERANZ_EUR = 1.00
TAGESSATZ_TOLERANZ_ANTEIL = 0.01
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

# Bookings of a help with a provider rate: summed per help, provider, service
# period and account (a correction of the same period counts with its booking),
# with the rate of the provider version whose agreement covers the period's
# first day (the newest delivered version of it).
# The rate is paid on one account (Sachkonto); side costs of the same period
# (pocket money, clothing, insurance, a one-off allowance) go to others, and
# the chart of accounts is the office's own. So the rate's account is the
# account whose sum comes nearest to rate × days: a wrong invoice still stands
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
        group by hilfe_id, traeger_id, zeitraum_von, zeitraum_bis, produktkonto
    ),
    mit_satz as (
        select je_konto.*, t.entgelt_tagessatz,
               t.entgelt_tagessatz * (datediff('day', je_konto.zeitraum_von, je_konto.zeitraum_bis) + 1) as soll
        from je_konto
        inner join raw.traeger as t
            on t.traeger_id = je_konto.traeger_id
            and je_konto.zeitraum_von between t.gueltig_ab and coalesce(t.gueltig_bis, {_OFFEN})
        where t.entgelt_tagessatz is not null
        qualify row_number() over (
            partition by je_konto.hilfe_id, je_konto.traeger_id, je_konto.zeitraum_von, je_konto.zeitraum_bis,
                je_konto.produktkonto
            order by t.stand_ab desc) = 1
    )
    select * exclude (produktkonto) from mit_satz
    qualify row_number() over (
        partition by hilfe_id, traeger_id, zeitraum_von, zeitraum_bis
        order by abs(betrag - soll), produktkonto) = 1
"""

PRUEFUNGEN: tuple[SqlPruefung, ...] = (
    SqlPruefung(
        name="finanz.leistung_nach_hilfeende", schweregrad=WARN, asset=ZAHLUNGEN, einheit="Leistungsbuchungen",
        beschreibung=f"Der Leistungszeitraum einer Buchung endet höchstens {KULANZ_TAGE_NACH_HILFEENDE} Tage "
                     "nach dem Ende ihrer Hilfe.",
        fehler_sql=f"""
            select buchung_id, hilfe_id, zeitraum_von, zeitraum_bis, hilfe_ende, betrag,
                   sozialraum as _sozialraum
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
        einheit="Leistungsbuchungen",
        beschreibung="Der Leistungszeitraum einer Buchung an einen Träger liegt innerhalb der Gültigkeit "
                     "(gueltig_ab bis gueltig_bis) einer seiner Vereinbarungen.",
        fehler_sql=f"""
            select z.buchung_id, z.hilfe_id, z.traeger_id, z.zeitraum_von, z.zeitraum_bis, z.betrag,
                   z.sozialraum as _sozialraum
            from ({_LEISTUNGEN}) as z
            where z.traeger_id in (select traeger_id from raw.traeger)
                and not exists (
                    select 1 from raw.traeger as t
                    where t.traeger_id = z.traeger_id
                        and z.zeitraum_von >= t.gueltig_ab
                        and z.zeitraum_bis <= coalesce(t.gueltig_bis, {_OFFEN})
                )
        """,
        geprueft_sql=f"select count(*) from ({_LEISTUNGEN}) where traeger_id is not null",
        fehlertext="{n} von {geprueft} Leistungsbuchungen an Träger liegen (ganz oder teilweise) außerhalb "
                   "der Gültigkeit der Vereinbarung mit dem Träger. Vereinbarung prüfen (verlängert? dann "
                   "Trägerdaten aktualisieren) oder Zahlung klären. Beispiele: {beispiele}",
    ),
    SqlPruefung(
        name="finanz.tagessatz_abweichung", schweregrad=WARN, asset=ZAHLUNGEN, einheit="Leistungszeiträume",
        beschreibung="Bei stationären Hilfen mit vereinbartem Tagessatz weicht der gebuchte "
                     "Betrag je Leistungszeitraum (Summe der Buchungen auf dem Entgelt-Konto, d. h. dem Konto, dessen "
                     "Summe Tagessatz × Tage am nächsten kommt; Nebenkosten auf anderen Konten zählen nicht; "
                     f"nur Zeiträume, deren Rechnung fällig ist: Ende {ZAHLUNGSZIEL_TAGE} Tage vor der letzten "
                     "Buchung) um höchstens "
                     f"{_eur(TAGESSATZ_TOLERANZ_EUR)} bzw. {TAGESSATZ_TOLERANZ_ANTEIL:.0%} (das Größere) von "
                     "Tagessatz × Tage ab.",
        fehler_sql=f"""
            select buchung_id, hilfe_id, traeger_id, zeitraum_von, zeitraum_bis, buchungen,
                   betrag, entgelt_tagessatz, soll as tagessatz_mal_tage, sozialraum as _sozialraum
            from _kjh_tagessatz_perioden
            where abs(betrag - soll) > greatest({TAGESSATZ_TOLERANZ_EUR}, {TAGESSATZ_TOLERANZ_ANTEIL} * abs(soll))
        """,
        basis=(("_kjh_tagessatz_perioden", _TAGESSATZ_PERIODEN),),
        geprueft_sql="select count(*) from _kjh_tagessatz_perioden",
        fehlertext="{n} von {geprueft} Leistungszeiträumen mit vereinbartem Tagessatz weichen um mehr als "
                   f"{_eur(TAGESSATZ_TOLERANZ_EUR)} bzw. {TAGESSATZ_TOLERANZ_ANTEIL:.0%} von Tagessatz × Tage "
                   "ab. Rechnung des Trägers gegen die Vereinbarung prüfen (buchung_id = erste Buchung des "
                   "Zeitraums). Beispiele: {beispiele}",
    ),
    SqlPruefung(
        name="finanz.doppelbuchung", schweregrad=WARN, asset=ZAHLUNGEN, einheit="Leistungsbuchungen",
        beschreibung="Derselbe Betrag wird für dieselbe Hilfe und denselben Leistungszeitraum nicht zweimal "
                     "unter verschiedenen Buchungsnummern gebucht (eine Stornobuchung mit dem negativen Betrag "
                     "hebt eine davon auf).",
        fehler_sql=f"""
            with gruppen as (
                select hilfe_id, zeitraum_von, zeitraum_bis, abs(betrag) as betrag_abs
                from ({_LEISTUNGEN}) as z
                where hilfe_id is not null and betrag <> 0
                group by hilfe_id, zeitraum_von, zeitraum_bis, abs(betrag)
                having count_if(betrag > 0) - count_if(betrag < 0) >= 2
            )
            select z.buchung_id, z.hilfe_id, z.zeitraum_von, z.zeitraum_bis, z.betrag,
                   z.sozialraum as _sozialraum
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
