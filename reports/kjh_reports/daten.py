"""Reading the warehouse for the reports: the marts (schema `marts`), the cut-off
(`intermediate.int_berichtsstand`) and the audit tables, each with one query
into a small DataFrame. One short read-only connection; nothing reads raw
tables, so the time does not grow with the number of helps.
"""
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kjh.warehouse.connection import lesend

MARTS = (
    "fallzahlen_jahr", "fallzahlen_monat", "ausgaben_jahr", "ausgaben_monat", "kosten_je_fall", "eckwerte_jahr",
    "budget_auslastung", "traeger_kennzahlen", "budget_verbleib_jahr", "prognose_backtest", "prognose_genauigkeit",
    "vorjahresvergleich",
)

KREIS = "Kreis gesamt"
OHNE_SOZIALRAUM = "ohne Sozialraum"
NICHT_ZUGEORDNET = "nicht zugeordnet"
PSEUDO_SOZIALRAEUME = (OHNE_SOZIALRAUM, NICHT_ZUGEORDNET)
OHNE_TRAEGER = "ohne Träger (direkt gezahlt)"

# Providers per social space (Haushaltsjahr x social space x provider; an empty
# traeger_id = bookings without a provider): the mart traeger_sozialraum_jahr.
_TRAEGER_SOZIALRAUM_SQL = """
select jahr, sozialraum, traeger_id, netto_eur::double as netto_eur, hilfen
from marts.traeger_sozialraum_jahr
"""


@dataclass
class Berichtsdaten:
    """Everything the pages and the workbook show, read once."""

    berichtsstand: dt.date          # Stand of the data (latest export date)
    stand_buchungen: dt.date        # date of the latest booking (budget_auslastung.stand)
    erstes_jahr: int
    letztes_jahr: int
    berichtsjahr: int               # the year the pages focus on
    marts: dict[str, pd.DataFrame]
    hilfearten: pd.DataFrame        # hilfeart, paragraph, bezeichnung, setting
    regionen: dict[str, str]        # social space -> region
    traeger_sozialraum: pd.DataFrame
    lieferungen: pd.DataFrame
    quarantaene_gruende: pd.DataFrame
    pruefergebnisse: pd.DataFrame | None  # None: audit.pruefergebnisse does not exist (yet)
    extras: dict = field(default_factory=dict)
    teilplaene: dict = field(default_factory=dict)  # Teilplan -> name (code list `teilplan`)

    def __getitem__(self, mart: str) -> pd.DataFrame:
        return self.marts[mart]

    @property
    def jahre(self) -> list[int]:
        return list(range(self.erstes_jahr, self.letztes_jahr + 1))

    @property
    def jahr_abgeschlossen(self) -> bool:
        """False when the report year runs only to the cut-off."""
        return self.berichtsjahr < self.letztes_jahr or (self.berichtsstand.month, self.berichtsstand.day) == (12, 31)

    @property
    def stichtag(self) -> dt.date:
        """The reference date of the report year's 'running on 31.12.' figures."""
        return dt.date(self.berichtsjahr, 12, 31) if self.jahr_abgeschlossen else self.berichtsstand

    @property
    def sozialraeume(self) -> list[str]:
        """Real social spaces with cases, sorted; pseudo ones only if they have cases."""
        f = self["fallzahlen_jahr"]
        namen = sorted(set(f["sozialraum"].dropna()) - {KREIS})
        return [s for s in namen if s not in PSEUDO_SOZIALRAEUME] + [s for s in namen if s in PSEUDO_SOZIALRAEUME]

    def hilfeart_label(self, code: str) -> str:
        row = self.hilfearten.loc[self.hilfearten["hilfeart"] == code]
        if row.empty:
            return str(code)
        r = row.iloc[0]
        return f"{r['paragraph']} {r['bezeichnung']}"

    def teilplan_label(self, teilplan) -> str:
        """'3634 Stationäre Hilfen', or the number alone when the code list does not name it."""
        name = self.teilplaene.get(str(teilplan))
        return f"{teilplan} {name}" if name else str(teilplan)

    def hilfeart_kurz(self, code: str) -> str:
        row = self.hilfearten.loc[self.hilfearten["hilfeart"] == code]
        return str(code) if row.empty else str(row.iloc[0]["paragraph"])


def _tabelle_existiert(con, schema: str, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name]).fetchone()[0])


def _df(con, sql: str, params=None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


class KeineDaten(Exception):
    """No helps and bookings loaded yet: int_berichtsstand has no row, every mart is empty."""


def lade(con, jahr: int | None = None) -> Berichtsdaten:
    """Read everything from an open connection (read-only is enough)."""
    staende = _df(con, "select * from intermediate.int_berichtsstand")
    if staende.empty:
        raise KeineDaten("Noch keine Daten: es sind noch keine Hilfen und Buchungen geladen.")
    stand = staende.iloc[0]
    marts = {m: _df(con, f"select * from marts.{m}") for m in MARTS}
    hilfearten = _df(con, "select hilfeart, paragraph, bezeichnung, setting from staging.stg_ref__hilfearten "
                          "order by try_cast(split_part(hilfeart, '.', 1) as integer), hilfeart")
    regionen = dict(_df(con, """
        select sozialraum, arg_max(region, gueltig_ab) as region
        from intermediate.int_sozialraum_zuordnung group by sozialraum""").itertuples(index=False))
    traeger_sr = _df(con, _TRAEGER_SOZIALRAUM_SQL)
    lieferungen = _df(con, """
        select lieferung_id, datei, art, exportdatum, zeilen, geladen, quarantaene, uebersprungen, status,
               grund_code, meldung, geladen_am
        from audit.lieferungen order by geladen_am desc, lieferung_id desc""") \
        if _tabelle_existiert(con, "audit", "lieferungen") else pd.DataFrame()
    gruende = _df(con, """
        select art, grund_code, any_value(grund) as grund, count(*) as zeilen, count(distinct datei) as dateien
        from audit.quarantaene group by art, grund_code order by zeilen desc""") \
        if _tabelle_existiert(con, "audit", "quarantaene") else pd.DataFrame()
    pruef = None
    if _tabelle_existiert(con, "audit", "pruefergebnisse"):
        # the newest run that checked anything; never `beispiele` on external pages (see pages.qualitaet)
        pruef = _df(con, """
            with letzter as (
                select lauf_id from audit.pruefergebnisse
                group by lauf_id order by max(geprueft_am) desc limit 1)
            select p.* from audit.pruefergebnisse p join letzter using (lauf_id)
            order by p.bestanden, case p.schweregrad when 'ERROR' then 0 else 1 end, p.asset, p.pruefung""")
    teilplaene = dict(_df(con, "select code, bezeichnung from staging.stg_ref__codelisten where liste = 'teilplan'"
                              ).itertuples(index=False)) \
        if _tabelle_existiert(con, "staging", "stg_ref__codelisten") else {}
    letztes = int(stand["letztes_jahr"])
    berichtsjahr = min(jahr or letztes, letztes)
    stand_buchungen = marts["budget_auslastung"]["stand"].max()
    return Berichtsdaten(
        berichtsstand=pd.Timestamp(stand["berichtsstand"]).date(),
        stand_buchungen=pd.Timestamp(stand_buchungen).date() if pd.notna(stand_buchungen)
        else pd.Timestamp(stand["berichtsstand"]).date(),
        erstes_jahr=int(stand["erstes_jahr"]),
        letztes_jahr=letztes,
        berichtsjahr=max(berichtsjahr, int(stand["erstes_jahr"])),
        marts=marts,
        hilfearten=hilfearten,
        regionen=regionen,
        traeger_sozialraum=traeger_sr,
        lieferungen=lieferungen,
        quarantaene_gruende=gruende,
        pruefergebnisse=pruef,
        teilplaene=teilplaene,
    )


def lade_datei(warehouse: Path, jahr: int | None = None) -> Berichtsdaten:
    """Open the warehouse file read-only (after the writers are done), read, close."""
    with lesend(warehouse) as con:
        return lade(con, jahr)
