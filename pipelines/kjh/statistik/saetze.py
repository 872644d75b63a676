"""The records of the three surveys, computed from the raw history as of the inputs.

`Datenstand(con, eingaben)` reconstructs raw.hilfen, raw.traeger and
raw.zahlungen as they stood when the delivery was (first) made, as temporary
views on `con`, and points the dbt models' sources at them; the survey SQL
(kjh/statistik/sql/*.sql) runs on top with the dbt macros. Nothing here reads
a mart or a current table of hilfen, traeger or zahlungen.

Reconstruction (schema.sql: the state as of X is
`stand_ab <= X and (stand_bis is null or stand_bis > X)`): the versions the
recorded deliveries brought with `stand_ab <= X`, with a `stand_bis` set by a
LATER delivery taken back to NULL. That is the table as it was at X, also the
versions a help had before (the latest version of a help dropped from the
export stays known for its bookings, as in int_hilfen_episoden). Bookings:
those of the recorded zahlungen deliveries.
"""
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kjh.contract import load_contract
from kjh.dbt_sql import PREFIX, DbtSql
from kjh.statistik.eingaben import Eingaben

SQL_DIR = Path(__file__).with_name("sql")

# by their flags in codelisten.yml: the SPFH (one record per family), the § 42 measures (VSM survey)
SPFH = load_contract().hilfeart_mit("je_familie")
INOBHUTNAHME = load_contract().hilfeart_mit("inobhutnahme")


def _date(d: dt.date) -> str:
    return f"date '{d.isoformat()}'"


def _ids(ids: list[int]) -> str:
    return "(" + ", ".join(str(int(i)) for i in ids) + ")" if ids else "(null)"


@dataclass
class Saetze:
    hze: pd.DataFrame
    vsm: pd.DataFrame
    vsm_laufend: int
    teil4: pd.DataFrame          # per Teilplan × position × § 41
    teil4_hilfen: pd.DataFrame   # helps with a booking per position (reviewer's page)


class Datenstand:
    """The raw history as of the recorded inputs, on one connection (temp views)."""

    def __init__(self, con, eingaben: Eingaben):
        self.con = con
        self.eingaben = eingaben
        sources = {
            ("raw", "hilfen"): self._versionen("hilfen", eingaben.stand_hilfen),
            ("raw", "traeger"): self._versionen("traeger", eingaben.stand_traeger),
            ("raw", "zahlungen"): self._buchungen(),
        }
        codes = PREFIX + "codes"
        rows = sorted(eingaben.hilfeart_statistik_code.items())
        values = ", ".join(f"('{k}', {repr(v) if v is not None else 'null'})" for k, v in rows)
        con.execute(f"create or replace temp table {codes} (hilfeart varchar, statistik_code varchar)")
        if values:
            con.execute(f"insert into {codes} values {values}")
        self.codes = codes
        self.dbt = DbtSql(con, sources)

    def _versionen(self, art: str, stand: dt.date | None) -> str:
        view = f"{PREFIX}src_{art}"
        ids = self.eingaben.ids(art)
        if stand is None or not ids:
            where = "false"
            stand = stand or dt.date(1900, 1, 1)
        else:
            where = f"stand_ab <= {_date(stand)} and lieferung_id in {_ids(ids)}"
        self.con.execute(
            f"""create or replace temp view {view} as
                select * replace (case when stand_bis > {_date(stand)} then null else stand_bis end as stand_bis)
                from raw.{art} where {where}""")
        return view

    def _buchungen(self) -> str:
        view = f"{PREFIX}src_zahlungen"
        self.con.execute(f"""create or replace temp view {view} as
            select * from raw.zahlungen where lieferung_id in {_ids(self.eingaben.ids('zahlungen'))}""")
        return view

    def query(self, name: str, **params) -> pd.DataFrame:
        jahr = self.eingaben.berichtsjahr
        sql = self.dbt.render(
            (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8"),
            berichtsjahr=jahr, stichtag=_date(dt.date(jahr, 12, 31)), jahresbeginn=_date(dt.date(jahr, 1, 1)),
            codes=self.codes, spfh=SPFH, inobhutnahme=INOBHUTNAHME, **params,
        )
        return self.con.execute(sql).df()

    def saetze(self) -> Saetze:
        hze = self.query("hze_saetze").reset_index(drop=True)
        hze.insert(0, "lfd_nr", range(1, len(hze) + 1))
        vsm = self.query("vsm_saetze").reset_index(drop=True)
        vsm.insert(0, "lfd_nr", range(1, len(vsm) + 1))
        laufend = int(self.query("vsm_laufend")["laufend"].iloc[0])
        teil4 = self.query("teil4_positionen")
        teil4_hilfen = self.query("teil4_hilfen")
        return Saetze(hze=hze, vsm=vsm, vsm_laufend=laufend, teil4=teil4, teil4_hilfen=teil4_hilfen)


def teil4_positionen(teil4: pd.DataFrame) -> pd.DataFrame:
    """The Teil IV file's records: the Teilplaene summed per position and § 41 flag, numbered."""
    if teil4.empty:
        cols = ["lfd_nr", "position", "paragraph_41", "ausgaben_cent", "kostenbeitraege_cent", "erstattungen_cent",
                "einnahmen_cent", "buchungen"]
        return pd.DataFrame(columns=cols)
    sums = (teil4.groupby(["position", "paragraph_41"], as_index=False)
            [["ausgaben_cent", "kostenbeitraege_cent", "erstattungen_cent", "einnahmen_cent", "buchungen"]].sum())
    sums["_order"] = sums["position"].map(_position_order)
    sums = sums.sort_values(["_order", "position", "paragraph_41"]).drop(columns="_order").reset_index(drop=True)
    sums.insert(0, "lfd_nr", range(1, len(sums) + 1))
    return sums


def _position_order(p: str) -> tuple:
    if p in ("ohne_hilfe", "nicht_zugeordnet"):
        return (2, p)
    head = "".join(c for c in p if c.isdigit() or c == ".")
    try:
        return (0, float(head), p)
    except ValueError:
        return (1, p)
