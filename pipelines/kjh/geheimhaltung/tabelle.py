"""A plain rows x columns table of counts with its margins, protected as one problem."""
from dataclasses import dataclass

import pandas as pd

from kjh.geheimhaltung.regel import GESPERRT, OFFEN
from kjh.geheimhaltung.sperrung import Sperrproblem
from kjh.geheimhaltung.zeichen import anzeige

SUMME = "Summe"


@dataclass
class GeschuetzteTabelle:
    """A table of counts with its margins and the status of every cell."""

    werte: pd.DataFrame   # with a 'Summe' row/column where margins were asked for
    status: pd.DataFrame  # OFFEN / PRIMAER / SEKUNDAER per cell
    intern: bool = False
    nicht_schuetzbar: int = 0  # small counts still inferable (see Sperrung.nicht_schuetzbar)

    def anzeige(self, fmt=None) -> pd.DataFrame:
        fmt = fmt or (lambda v: str(int(v)))
        return pd.DataFrame(
            [[anzeige(self.werte.iat[i, j], self.status.iat[i, j], fmt) for j in range(self.werte.shape[1])]
             for i in range(self.werte.shape[0])],
            index=self.werte.index, columns=self.werte.columns)

    def fuer_chart(self) -> pd.DataFrame:
        """Values with every suppressed cell as None (a chart leaves it out)."""
        return self.werte.astype(object).where(self.status == OFFEN, None)

    @property
    def gesperrt(self) -> int:
        return int(self.status.isin(GESPERRT).to_numpy().sum())


def schuetze_tabelle(tabelle: pd.DataFrame, *, zeilensummen: bool = True, spaltensummen: bool = True,
                     intern: bool = False) -> GeschuetzteTabelle:
    """Protect a rows x columns table of counts; margins are added (column/row 'Summe') and protected too.

    zeilensummen: a total per row is published (column 'Summe'); spaltensummen: a total per column.
    """
    t = tabelle.fillna(0)
    zeilen, spalten = list(t.index), list(t.columns)
    if zeilensummen:
        t = t.assign(**{SUMME: t.sum(axis=1)})
    if spaltensummen:
        t = pd.concat([t, t.sum(axis=0).to_frame(SUMME).T])
    p = Sperrproblem(intern=intern)
    for r in t.index:
        for c in t.columns:
            p.zelle((r, c), t.at[r, c])
    if zeilensummen:
        for r in t.index:
            p.linie([(r, c) for c in spalten], (r, SUMME))
    if spaltensummen:
        for c in t.columns:
            p.linie([(r, c) for r in zeilen], (SUMME, c))
    s = p.loese()
    status = pd.DataFrame([[s[(r, c)] for c in t.columns] for r in t.index], index=t.index, columns=t.columns)
    return GeschuetzteTabelle(t, status, intern=intern, nicht_schuetzbar=s.nicht_schuetzbar)
