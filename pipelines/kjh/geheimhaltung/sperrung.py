"""Rule 2, secondary suppression: lines (parts -> total) a reader could subtract along, and the
complements locked so that none of them gives a small count away.

First every line is made safe on its own (`Sperrproblem._zeilenweise`).
Then all lines are audited together: a reader who combines them (an ``x``
bounded by one line narrows a small cell in another) is simulated by
propagating the bounds of every suppressed cell through every line; where a
small count is still pinned down, a further cell on the lines that pinned it
is locked (the cheapest, counting what it entails: totals of a social space
and of the county weigh most), and the audit repeats.

Where no complement is left to lock – a line of small counts alone
(1 + 1 with a total of '<3' reveals 1, 1 and 2), or a cell whose lines are
locked throughout – a '<3' is shown as ``x`` instead (the total of such a
line first): the reader then no longer knows it is 1 or 2. The audit
credits the reader with knowing which ``x`` are small (at least 1) and which
are not (at least 3), more than the symbols say.

Finally an exact reader (kjh.geheimhaltung.leser: an integer program per group of
connected locked cells) looks for small counts that only combinations of
integers give away; each found is freed the same way, and both audits
repeat.

"""
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from math import ceil, floor
from math import inf as INF

from kjh.geheimhaltung.regel import GESPERRT, MINDESTFALLZAHL, OFFEN, PRIMAER, SEKUNDAER, ist_klein, kein_wert

MAX_PRUEFRUNDEN = 200
MAX_HOCHSTUFUNGEN = 30  # rounds of showing small totals of small-only lines as 'x' (each followed by an audit)
MAX_PRUEFUNGEN = 300  # full audits (a local check counts 1/20) per problem: bounds the time on any data
SIMULATION_GRENZE = 25


@dataclass
class Sperrung:
    """The result: the status of every cell and the values behind it."""

    werte: dict
    status: dict
    intern: bool = False
    nicht_schuetzbar: int = 0
    """Small counts still pinned down after every complement: only possible where a line consists of small
    counts alone (1 + 1 = <3 reveals 1, 1, 2). Suppression cannot help there, only combining categories."""

    def __getitem__(self, key) -> str:
        return self.status.get(key, OFFEN)

    def offen(self, key) -> bool:
        return self[key] == OFFEN

    def wert(self, key):
        """The value for a chart: None when suppressed."""
        return self.werte.get(key) if self.offen(key) else None

    @property
    def primaer(self) -> int:
        return sum(s == PRIMAER for s in self.status.values())

    @property
    def sekundaer(self) -> int:
        return sum(s == SEKUNDAER for s in self.status.values())


@dataclass
class _Linie:
    teile: tuple
    summe: Hashable | None  # None: the total is public knowledge (e.g. 100 %)


@dataclass
class Sperrproblem:
    """Counts and the lines (parts -> total) a reader could subtract along.

    Add every published count with ``zelle`` and every relation with
    ``linie``; ``loese`` applies the rule. Keys are any hashable values.
    """

    intern: bool = False
    werte: dict = field(default_factory=dict)
    linien: list = field(default_factory=list)
    gewicht: dict = field(default_factory=dict)  # optional: what losing a cell costs readers (totals: more)

    def zelle(self, key, wert) -> None:
        self.werte[key] = 0 if wert is None or kein_wert(wert) else wert

    def linie(self, teile: Iterable, summe=None) -> None:
        teile = tuple(t for t in teile if t in self.werte)  # parts not published are no part of the line
        if not teile:
            return
        if summe is not None and summe not in self.werte:
            raise KeyError(f"Summe {summe!r} ist keine Zelle")
        self.linien.append(_Linie(teile, summe))

    def loese(self) -> Sperrung:
        if self.intern:
            return Sperrung(self.werte, {}, intern=True)
        status = {k: PRIMAER for k, v in self.werte.items() if ist_klein(v)}
        self._linien_der_zelle = defaultdict(list)
        for i, linie in enumerate(self.linien):
            for k in _eintraege(linie):
                self._linien_der_zelle[k].append(i)
        self._zeilenweise(status, range(len(self.linien)))
        self._pruefungen = 0  # work budget of the audit (deterministic, bounds the running time)
        exakt_geprueft = False  # the exact reader found nothing on the final status
        for _ in range(MAX_HOCHSTUFUNGEN):
            self._pruefen(status)
            # what complements cannot free: a line of small counts alone (1 + 1 = '<3' reveals 1, 1, 2). Its
            # total is shown as 'x' instead of '<3' (the reader then no longer knows it is 1 or 2), and the
            # audit runs again with it.
            bestimmt = self._bestimmte(status)
            if not bestimmt:  # the bounds audit is satisfied: ask the exact (integer) reader
                bestimmt = self._exakt(status)
                if not bestimmt:
                    exakt_geprueft = True
                    break
                self._befreien(bestimmt, status)
                continue
            hoch = self._hochstufen(bestimmt, status)
            if not hoch:
                break
            for k in hoch:
                status[k] = SEKUNDAER
            self._zeilenweise(status, {j for k in hoch for j in self._linien_der_zelle[k]})
        nicht = set(self._bestimmte(status)) | (set() if exakt_geprueft else set(self._exakt(status)))
        return Sperrung(self.werte, status, nicht_schuetzbar=len(nicht))

    def _exakt(self, status: dict) -> list:
        from kjh.geheimhaltung import leser  # scipy, loaded only when there is something to protect

        return leser.aufgedeckt(self.werte, status, self.linien)

    def _befreien(self, bestimmt: list, status: dict) -> None:
        """What only the exact reader sees: a '<3' becomes 'x'; a small 'x' gets its cheapest open neighbour
        locked as a complement."""
        neu = []
        for p in bestimmt:
            if status.get(p) == PRIMAER:
                status[p] = SEKUNDAER
                neu.append(p)
                continue
            kandidaten = self._nachbarn(p, status)
            if kandidaten:
                k = min(kandidaten, key=lambda k: (self._gewicht(k), self.werte[k], str(k)))
                status[k] = SEKUNDAER
                neu.append(k)
        self._zeilenweise(status, {j for k in neu for j in self._linien_der_zelle[k]})

    def _pruefen(self, status: dict) -> None:
        """The reader combines lines: audit all of them together, lock more until no small count is pinned
        down (except where a line of small counts alone pins it: no complement can help there)."""
        vorher, ohne_fortschritt = None, 0
        for _ in range(MAX_PRUEFRUNDEN):
            if self._pruefungen > MAX_PRUEFUNGEN:
                break
            alle = self._bestimmte(status)
            bestimmt = [k for k in alle if not self._nur_kleine(k, status)]
            if not bestimmt:
                break
            ohne_fortschritt = ohne_fortschritt + 1 if vorher is not None and len(bestimmt) >= vorher else 0
            if ohne_fortschritt >= 3:
                break
            vorher = len(bestimmt)
            neu, neu_set = [], set()
            for p in bestimmt:
                if any(k in neu_set for i in self._linien_der_zelle[p] for k in _eintraege(self.linien[i])):
                    continue  # a complement of this round is already in one of its lines: audit again first
                # the lines the reader used to pin p down, and the open cells in them
                erklaerung = self._erklaerung(p, status)
                kandidaten = {k for i in erklaerung for k in _eintraege(self.linien[i])
                              if k not in status and self.werte[k] > 0} or self._nachbarn(p, status)
                if kandidaten:
                    reihe = sorted(kandidaten, key=lambda k: (self._folgekosten(k, status), self.werte[k], str(k)))
                    nah = list(dict.fromkeys([*self._linien_der_zelle[p], *erklaerung]))
                    if p not in self._bestimmte(status, nah):
                        nah = None  # the explanation alone does not pin p: check against everything
                    # the cheapest complement that frees p (with the complements it entails), else the cheapest
                    k = next((k for k in reihe[:40] if self._pruefungen <= MAX_PRUEFUNGEN
                              and p not in self._bestimmte(self._mit(k, status), nah, merken=False)), reihe[0])
                    status[k] = SEKUNDAER
                    neu.append(k)
                    neu_set.add(k)
            if not neu:
                break
            self._zeilenweise(status, {j for k in neu for j in self._linien_der_zelle[k]})

    def _hochstufen(self, bestimmt: list, status: dict) -> list:
        """For each small count still pinned down: a '<3' to show as 'x' instead. In a line of small counts
        alone its total (if still '<3'), else another '<3' of that line; where no complement was left to
        lock (every cell of its lines is locked already), the count itself."""
        out = []
        for p in bestimmt:
            k = None
            for i in self._linien_der_zelle[p]:
                li = self.linien[i]
                if li.summe is None or not all(self._klein_gesperrt(e, status) for e in _eintraege(li)):
                    continue
                reihe = [li.summe] + [t for t in li.teile if t != p] + [p]
                k = next((e for e in reihe if status.get(e) == PRIMAER and e not in out), None)
                if k is not None:
                    break
            if k is None and status.get(p) == PRIMAER and p not in out:
                k = p
            if k is not None:
                out.append(k)
        return out

    def _klein_gesperrt(self, e, status: dict) -> bool:
        return self.werte[e] == 0 or (status.get(e) in GESPERRT and ist_klein(self.werte[e]))

    def _nur_kleine(self, k, status: dict) -> bool:
        """Is k in a line whose non-zero entries are all small counts (that line alone may pin it)?"""
        return any(all(self._klein_gesperrt(e, status) for e in _eintraege(self.linien[i]))
                   for i in self._linien_der_zelle[k])

    def _zeilenweise(self, status: dict, linien, grenze: int | None = None, einfach: bool = False) -> int:
        """Line by line: lock complements until no line alone reveals a small count.

        Returns the number of cells locked. grenze/einfach: used to simulate the consequences of a
        candidate (stop after `grenze` locks, choose complements without further simulation)."""
        offen = [i for i in linien if any(k in status for k in _eintraege(self.linien[i]))]
        in_arbeit = set(offen)
        gesperrt = 0
        while offen:
            i = offen.pop()
            in_arbeit.discard(i)
            linie = self.linien[i]
            if not self._unsicher(linie, status):
                continue
            k = self._komplement(linie, status, self._linien_der_zelle, simulieren=not einfach)
            if k is None:  # nothing left to lock in this line (all other entries are zero)
                continue
            status[k] = SEKUNDAER
            gesperrt += 1
            if grenze is not None and gesperrt >= grenze:
                break
            for j in self._linien_der_zelle[k] + [i]:
                if j not in in_arbeit:
                    in_arbeit.add(j)
                    offen.append(j)
        return gesperrt

    def _bestimmte(self, status: dict, start: list | None = None, merken: bool = True) -> list:
        self._pruefungen = getattr(self, "_pruefungen", 0) + (1 if start is None else 0.05)
        return self._bestimmte_(status, start, merken)

    def _bestimmte_(self, status: dict, start: list | None, merken: bool) -> list:
        """Small counts a reader can pin down by combining all lines (bounds propagation).

        Every suppressed cell starts with what the symbols say (<3: 1..G-1, x: G or more) and
        every line narrows the bounds of its suppressed entries from the bounds of the others, until
        nothing changes. Lines that do not add up exactly in the data are left out (a reader who
        subtracts along them gets a wrong figure)."""
        g = MINDESTFALLZAHL
        # '<3' is 1 or 2; 'x' is at least 3 where it is (a reader may guess that complements are never
        # small) and at least 1 where a small total was shown as 'x' (see _hochstufen): the reader is
        # credited with more than the symbols say, so what this audit finds safe is safe.
        lo = {k: (1 if s == PRIMAER or self.werte[k] < g else g) for k, s in status.items()}
        hi = {k: (g - 1 if s == PRIMAER else INF) for k, s in status.items()}
        grund = defaultdict(set)  # cell -> lines that narrowed its bounds (to explain a pinned cell)
        if start is None:
            if merken:
                self._grund = grund
            linien = [i for i in {j for k in status for j in self._linien_der_zelle[k]} if self._stimmt(i)]
        else:
            linien = [i for i in start if self._stimmt(i)]
        offen, in_arbeit = list(linien), set(linien)
        schritte = 0
        while offen and schritte < 50 * len(linien) + 1000:
            schritte += 1
            i = offen.pop()
            in_arbeit.discard(i)
            linie = self.linien[i]
            eintraege = [(k, -1 if k == linie.summe else 1) for k in _eintraege(linie)]
            rest = -sum(c * self.werte[k] for k, c in eintraege if k not in status)  # = sum of c*x over locked
            gesperrt = [(k, c) for k, c in eintraege if k in status]
            mins = [(lo[k] if c > 0 else -hi[k]) for k, c in gesperrt]
            maxs = [(hi[k] if c > 0 else -lo[k]) for k, c in gesperrt]
            for j, (k, c) in enumerate(gesperrt):
                andere_min = _summe_ohne(mins, j)
                andere_max = _summe_ohne(maxs, j)
                # c*x = rest - others
                a, b = rest - andere_max, rest - andere_min
                neu_lo, neu_hi = (a, b) if c > 0 else (-b, -a)
                neu_lo = max(lo[k], ceil(neu_lo - 1e-9) if neu_lo != -INF else lo[k])
                neu_hi = min(hi[k], floor(neu_hi + 1e-9) if neu_hi != INF else hi[k])
                if neu_lo > neu_hi:  # inconsistent (rounding in the data): ignore this line
                    continue
                if (neu_lo, neu_hi) != (lo[k], hi[k]):
                    lo[k], hi[k] = neu_lo, neu_hi
                    grund[k].add(i)
                    for jj in self._linien_der_zelle[k]:
                        if jj not in in_arbeit and self._stimmt(jj):
                            in_arbeit.add(jj)
                            offen.append(jj)
        return sorted((k for k in status if ist_klein(self.werte[k]) and lo[k] >= hi[k]), key=str)

    def _stimmt(self, i: int) -> bool:
        linie = self.linien[i]
        if linie.summe is None:
            return False
        return abs(sum(self.werte[k] for k in linie.teile) - self.werte[linie.summe]) < 1e-6

    # -- what a reader can work out from one line
    def _unsicher(self, linie: _Linie, status: dict, extra=None) -> bool:
        gesperrt = [k for k in _eintraege(linie) if k in status or k == extra]
        if not gesperrt:
            return False
        if linie.summe is not None and linie.summe in gesperrt:
            return len(gesperrt) < 2
        teile = [k for k in gesperrt if k in linie.teile]
        prim = [k for k in teile if status.get(k) == PRIMAER]
        sek = len(teile) - len(prim)
        if not prim:
            return sek == 1  # a lone x would be recoverable and then help to recover others
        return not _unbestimmt(len(prim), sek, sum(self.werte[k] for k in teile))

    def _komplement(self, linie: _Linie, status: dict, linien_der_zelle, egal_ob_sicher=False,
                    simulieren: bool = True) -> Hashable | None:
        """The cell to lock next in this line: one that makes the line safe, whose consequences lock the
        least (totals weigh more than inner cells, see `gewicht`), the smallest value."""
        kandidaten = [k for k in _eintraege(linie) if k not in status and self.werte[k] > 0]
        if not kandidaten:
            return None

        def kosten(k):
            macht_sicher = egal_ob_sicher or not self._unsicher(linie, status, extra=k)
            if simulieren and len(kandidaten) > 1:
                folgen = self._folgekosten(k, status)
            else:
                folgen = self._gewicht(k) + sum(
                    1 for j in linien_der_zelle[k] if not any(e in status for e in _eintraege(self.linien[j])))
            return (not macht_sicher, folgen, self.werte[k], str(k))

        return min(kandidaten, key=kosten)

    def _erklaerung(self, p, status: dict, grenze: int = 60) -> list:
        """The lines that pinned p down, nearest first (from the last full audit)."""
        linien, gesehen, schlange = [], {p}, [p]
        while schlange and len(linien) < grenze:
            c = schlange.pop(0)
            for i in sorted(self._grund.get(c, ())):
                if i in linien:
                    continue
                linien.append(i)
                for e in _eintraege(self.linien[i]):
                    if e in status and e not in gesehen:
                        gesehen.add(e)
                        schlange.append(e)
        return linien

    def _nachbarn(self, p, status: dict, gesperrte: bool = False) -> set:
        """Open non-zero cells (or: locked cells) sharing a line with p."""
        return {k for i in self._linien_der_zelle[p] for k in _eintraege(self.linien[i])
                if k != p and ((k in status) if gesperrte else (k not in status and self.werte[k] > 0))}

    def _mit(self, k, status: dict) -> dict:
        """status after locking k and the complements that entails (simulated, bounded)."""
        probe = dict(status)
        probe[k] = SEKUNDAER
        self._zeilenweise(probe, self._linien_der_zelle[k], grenze=SIMULATION_GRENZE, einfach=True)
        return probe

    def _folgekosten(self, k, status: dict) -> float:
        """Weight of everything that locking k would lock in turn."""
        return sum(self._gewicht(x) for x in self._mit(k, status).keys() - status.keys())

    def _gewicht(self, k) -> float:
        """What locking a cell costs the reader: given weights, else 1 + 2 per line the cell is the total of."""
        if k in self.gewicht:
            return self.gewicht[k]
        if not hasattr(self, "_summen_anzahl"):
            self._summen_anzahl = defaultdict(int)
            for li in self.linien:
                if li.summe is not None:
                    self._summen_anzahl[li.summe] += 1
        return 1 + 2 * self._summen_anzahl.get(k, 0)


def _summe_ohne(werte: list, j: int) -> float:
    s = 0.0
    for i, v in enumerate(werte):
        if i != j:
            s += v
            if s in (INF, -INF):
                return s
    return s


def _eintraege(linie: _Linie) -> tuple:
    return linie.teile + ((linie.summe,) if linie.summe is not None else ())


def _unbestimmt(k: int, m: int, d: float) -> bool:
    """Can a reader NOT pin down a small count, knowing the sum d of k small (1..G-1) and m locked (>= G) parts?"""
    g = MINDESTFALLZAHL
    if m == 0:
        lo, hi = max(1, d - (k - 1) * (g - 1)), min(g - 1, d - (k - 1))
    else:
        lo, hi = 1, min(g - 1, d - (k - 1) - g * m)
    return hi - lo >= 1
