"""The exact reader: which small counts can a reader work out from everything published?

The bounds audit of kjh.geheimhaltung.sperrung propagates intervals line by line; a reader
who tries whole combinations of integers (three '<3' adding up to 5 with a
'<3' + '<3' = 'x' elsewhere) can see more. This reader solves that integer
problem exactly: for every small count behind a symbol it asks an integer
program (scipy's HiGHS) whether any other value fits every published figure
and every line. Lines are split into independent groups of locked cells first,
so each program stays small.

What the reader knows: every open figure, every line (parts and total) that
adds up in the data, '<3' = 1 or 2, 'x' at least 3 where the cell is, at least
1 where a small count is shown as 'x' (more than the symbols say).
"""
from collections import defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from kjh.geheimhaltung.regel import GESPERRT, MINDESTFALLZAHL, PRIMAER, ist_klein

OBEN = 1e7


def aufgedeckt(werte: dict, status: dict, linien: list) -> list:
    """Small counts (true value 1..G-1, status PRIMAER or SEKUNDAER) that only their true value fits.

    werte: cell -> true value; status: cell -> PRIMAER/SEKUNDAER (missing: open); linien: objects with
    .teile and .summe (sperrung._Linie)."""
    g = MINDESTFALLZAHL
    gesperrt = [k for k in status if status[k] in GESPERRT]
    if not gesperrt:
        return []
    # lines that add up in the data and hold a locked cell; group the locked cells they connect
    eltern = {k: k for k in gesperrt}

    def wurzel(k):
        while eltern[k] != k:
            eltern[k] = eltern[eltern[k]]
            k = eltern[k]
        return k

    nutzbar = []
    for li in linien:
        if li.summe is None:
            continue
        eintraege = (*li.teile, li.summe)
        zu = [e for e in eintraege if e in eltern]
        if not zu or abs(sum(werte[t] for t in li.teile) - werte[li.summe]) > 1e-6:
            continue
        nutzbar.append(li)
        for e in zu[1:]:
            eltern[wurzel(e)] = wurzel(zu[0])
    gruppen = defaultdict(list)
    for k in gesperrt:
        gruppen[wurzel(k)].append(k)
    linien_der_gruppe = defaultdict(list)
    for li in nutzbar:
        e = next(e for e in (*li.teile, li.summe) if e in eltern)
        linien_der_gruppe[wurzel(e)].append(li)

    out = []
    for w, zellen in gruppen.items():
        kleine = [k for k in zellen if ist_klein(werte[k])]
        if not kleine:
            continue
        index = {k: i for i, k in enumerate(zellen)}
        ls = linien_der_gruppe[w]
        a = lil_matrix((max(len(ls), 1), len(zellen)))
        rechts = np.zeros(max(len(ls), 1))
        for i, li in enumerate(ls):
            for e, c in [*((t, 1.0) for t in li.teile), (li.summe, -1.0)]:
                if e in index:
                    a[i, index[e]] += c
                else:
                    rechts[i] -= c * werte[e]
        unten = np.array([1.0 if status[k] == PRIMAER or werte[k] < g else float(g) for k in zellen])
        oben = np.array([g - 1.0 if status[k] == PRIMAER else OBEN for k in zellen])
        gleich = LinearConstraint(a.tocsr(), rechts, rechts)

        def moeglich(i, lo_i, hi_i) -> bool:
            lo, hi = unten.copy(), oben.copy()
            lo[i], hi[i] = max(lo[i], lo_i), min(hi[i], hi_i)
            if lo[i] > hi[i]:
                return False
            r = milp(np.zeros(len(zellen)), constraints=[gleich], integrality=np.ones(len(zellen)),
                     bounds=Bounds(lo, hi), options={"time_limit": 10})
            return r.status != 2  # 2: infeasible; a time-out counts as possible (never claims a disclosure)

        for k in kleine:
            i, v = index[k], werte[k]
            if not moeglich(i, 0, v - 1) and not moeglich(i, v + 1, OBEN):
                out.append(k)
    return sorted(out, key=str)
