"""The small-cell rule (kjh.geheimhaltung) applied to the case counts of the marts.

All counts the reports publish about helps, with every relation a reader
could subtract along, go into ONE problem, solved once per run; every page,
chart and sheet then looks up the same status, so no two outputs can
contradict each other:

  year cube   ("J", jahr, kennzahl, sozialraum, hilfeart)   from fallzahlen_jahr
  month cube  ("M", monat, kennzahl, sozialraum, hilfeart)  from fallzahlen_monat

with ALLE as the help-type margin and 'Kreis gesamt' as the social-space
margin of ALLE (the county is published for all help types together only;
a county figure per help type would be one more margin to protect). Lines: help types add up to ALLE, social spaces add up to the county,
running + ended = helps in the year = ambulant + teilstationär + stationär,
the months of a year add up to the year (begun, ended), and the running count
of a year's last month is the year's running count.

External output publishes months more coarsely than the marts: the rare help
types (most of whose monthly counts are 1 or 2) only as one group UEBRIGE, and
helps begun and ended per month only for all help types together (see
NUR_SUMME_MONAT). Per year every help type is published.
"""
from dataclasses import dataclass, field

import pandas as pd

from kjh.geheimhaltung.quoten import Quote, quote
from kjh.geheimhaltung.regel import GESPERRT, MINDESTFALLZAHL, OFFEN, PRIMAER, abhaengig
from kjh.geheimhaltung.sperrung import Sperrproblem, Sperrung
from kjh_reports.daten import KREIS, Berichtsdaten

ALLE = "alle Hilfearten"
UEBRIGE = "übrige Hilfearten"

KENNZAHLEN_JAHR = ("laufend_31_12", "begonnen", "beendet", "davon_41", "davon_ambulant", "davon_teilstationaer",
                   "davon_stationaer", "hilfen")
KENNZAHLEN_MONAT = ("laufend_monatsende", "begonnen", "beendet")

NUR_SUMME_MONAT = ("begonnen", "beendet")
"""External output publishes helps begun and ended per month only for all help types together: per help type
they are nearly all 1 or 2, and publishing them would force the monthly totals of a social space to be
suppressed as well (the totals are what a reader needs; per help type and year they are in fallzahlen_jahr)."""
NICHT_GEZEIGT = "nicht_gezeigt"

ANTEIL_KLEIN_FUER_SAMMELN = 0.1
"""External monthly charts: a help type whose monthly running counts in a social space are 1 or 2 in more than
this share of months is shown inside UEBRIGE (a reading aid; the protection itself does not depend on it)."""


@dataclass
class Geschuetzt:
    """The solved problem and lookups for the pages and the workbook."""

    daten: Berichtsdaten
    intern: bool
    sperrung: Sperrung
    seltene: tuple[str, ...]                 # help types combined in UEBRIGE per month (empty when internal)
    seltene_jahr: tuple[str, ...] = ()       # help types combined in UEBRIGE per year (empty when internal)
    traeger_status: dict = field(default_factory=dict)  # (jahr, traeger_id) -> status
    problem: Sperrproblem | None = None    # the cells and lines (for audits: tests/test_reports_offenlegung.py)

    # ---- counts
    def jahr(self, jahr: int, kennzahl: str, sozialraum: str = KREIS, hilfeart: str = ALLE) -> tuple[float, str]:
        key = ("J", int(jahr), kennzahl, sozialraum, hilfeart)
        if key not in self.sperrung.werte and not self.intern and hilfeart in self.seltene_jahr:
            return None, NICHT_GEZEIGT
        return self.sperrung.werte.get(key, 0), self.sperrung[key]

    def hilfearten_jahr(self, codes: list[str]) -> list[str]:
        """The help types published per year: the rare ones as one group at the end."""
        return [c for c in codes if c not in self.seltene_jahr] + ([UEBRIGE] if self.seltene_jahr else [])

    def monat(self, monat, kennzahl: str, sozialraum: str = KREIS, hilfeart: str = ALLE) -> tuple[float, str]:
        key = ("M", pd.Timestamp(monat), kennzahl, sozialraum, hilfeart)
        if key not in self.sperrung.werte and not self.intern and hilfeart != ALLE and \
                (kennzahl in NUR_SUMME_MONAT or hilfeart in self.seltene):
            return None, NICHT_GEZEIGT
        return self.sperrung.werte.get(key, 0), self.sperrung[key]

    # ---- rates and dependent figures
    def eckwert(self, jahr: int, sozialraum: str) -> Quote:
        e = self.daten["eckwerte_jahr"]
        row = e[(e["jahr"] == jahr) & (e["sozialraum"] == sozialraum)]
        if row.empty:
            return Quote(None, "fehlt")
        r = row.iloc[0]
        _, st = self.jahr(jahr, "hilfen", sozialraum)
        return quote(r["eckwert"], einwohner=r["einwohner_0_20"], zaehler_status=st, intern=self.intern)

    def je_fallmonat(self, wert, jahr: int, sozialraum: str, hilfeart: str = ALLE) -> Quote:
        """€ per case-month: shown from MINDESTNENNER_FAELLE helps on. A count locked only as a complement
        ('x', at least 3 helps) does not hide it: the rate neither contains the count nor lets a reader
        compute it (case-months and amounts of a locked count stay locked), so '/' means what it says."""
        faelle, st = self.jahr(jahr, "hilfen", sozialraum, hilfeart)
        if faelle is None and st == NICHT_GEZEIGT:
            return Quote(None, "gesperrt")
        return quote(wert, faelle=faelle, zaehler_status=st if st == PRIMAER else OFFEN,
                        intern=self.intern)

    def zu_fallzahl(self, jahr: int, sozialraum: str, hilfeart: str = ALLE) -> str:
        """Status of an amount or case-months belonging to the helps of a cell (rule 3)."""
        return abhaengig(self.jahr(jahr, "hilfen", sozialraum, hilfeart)[1])

    @property
    def gesperrte_zellen(self) -> int:
        return self.sperrung.primaer + self.sperrung.sekundaer + \
            sum(s in GESPERRT for s in self.traeger_status.values())


def _seltene_im_jahr(jahr: pd.DataFrame) -> tuple[str, ...]:
    """Help types whose helps in a year (per social space) are 1 or 2 in more than the share: combined per year."""
    j = jahr[jahr["hilfen"] > 0]
    if j.empty:
        return ()
    anteil = j.assign(klein=j["hilfen"].between(1, MINDESTFALLZAHL - 1)).groupby("hilfeart")["klein"].mean()
    return tuple(sorted(anteil[anteil > ANTEIL_KLEIN_FUER_SAMMELN].index))


def _seltene_hilfearten(monat: pd.DataFrame) -> tuple[str, ...]:
    m = monat[(monat[list(KENNZAHLEN_MONAT)] > 0).any(axis=1)]
    if m.empty:
        return ()
    klein = m.assign(klein=m["laufend_monatsende"].between(1, MINDESTFALLZAHL - 1))
    anteil = klein.groupby("hilfeart")["klein"].mean()
    return tuple(sorted(anteil[anteil > ANTEIL_KLEIN_FUER_SAMMELN].index))


def schuetze(daten: Berichtsdaten, intern: bool) -> Geschuetzt:
    jahr_df = daten["fallzahlen_jahr"].copy()
    jahr_df["hilfen"] = jahr_df["laufend_31_12"] + jahr_df["beendet"]
    monat_df = daten["fallzahlen_monat"].copy()
    monat_df["monat"] = pd.to_datetime(monat_df["monat"])
    seltene = () if intern else _seltene_hilfearten(monat_df)
    if len(seltene) < 2:
        seltene = ()  # one help type alone is no group
    seltene_jahr = () if intern else _seltene_im_jahr(jahr_df)
    if len(seltene_jahr) < 2:
        seltene_jahr = ()

    sozialraeume = sorted(set(jahr_df["sozialraum"]) | set(monat_df["sozialraum"]))
    hilfearten = sorted(set(jahr_df["hilfeart"]) | set(monat_df["hilfeart"]))
    p = Sperrproblem(intern=intern)

    def wuerfel(df, ebene, zeit, kennzahlen, gruppen, nur_summe=(), verborgen=()):
        """Cells with margins for one period column and the lines between them.

        gruppen: extra help-type groups {name: members}; nur_summe: figures published only for all help
        types together; verborgen: help types not published one by one (only inside their group)."""
        long = df.melt(id_vars=[zeit, "sozialraum", "hilfeart"], value_vars=list(kennzahlen), var_name="k")
        cube = long.pivot_table(index=[zeit, "k", "sozialraum"], columns="hilfeart", values="value",
                                aggfunc="sum", fill_value=0)
        cube = cube.reindex(columns=hilfearten, fill_value=0)
        for name, glieder in gruppen.items():
            cube[name] = cube[list(glieder)].sum(axis=1)
        cube[ALLE] = cube[hilfearten].sum(axis=1)
        spalten = list(cube.columns)
        perioden = sorted(df[zeit].unique())
        full_index = pd.MultiIndex.from_product([perioden, list(kennzahlen), sozialraeume])
        cube = cube.reindex(full_index, fill_value=0)
        kreis = cube.groupby(level=[0, 1]).sum()
        kreis.index = pd.MultiIndex.from_tuples([(t, k, KREIS) for t, k in kreis.index])
        cube = pd.concat([cube, kreis]).sort_index()

        def sichtbar(k, h, s=None):
            if s == KREIS:  # the county is published for all help types together only
                return h == ALLE
            return h == ALLE if k in nur_summe else h not in verborgen

        for (t, k, s), row in zip(cube.index, cube.to_numpy()):
            t = int(t) if ebene == "J" else pd.Timestamp(t)
            for h, v in zip(spalten, row):
                if sichtbar(k, h, s):
                    p.zelle((ebene, t, k, s, h), float(v))
        in_gruppe = {h for glieder in gruppen.values() for h in glieder}
        for t in perioden:
            t = int(t) if ebene == "J" else pd.Timestamp(t)
            for k in kennzahlen:
                if k in nur_summe:
                    p.linie([(ebene, t, k, s, ALLE) for s in sozialraeume], (ebene, t, k, KREIS, ALLE))
                    continue
                for s in sozialraeume:
                    if not verborgen:
                        p.linie([(ebene, t, k, s, h) for h in hilfearten], (ebene, t, k, s, ALLE))
                    for name, glieder in gruppen.items():
                        if not set(glieder) & set(verborgen):
                            p.linie([(ebene, t, k, s, h) for h in glieder], (ebene, t, k, s, name))
                    if gruppen:
                        rest = [h for h in hilfearten if h not in in_gruppe]
                        p.linie([(ebene, t, k, s, h) for h in [*rest, *gruppen]], (ebene, t, k, s, ALLE))
                p.linie([(ebene, t, k, s, ALLE) for s in sozialraeume], (ebene, t, k, KREIS, ALLE))
        return perioden

    jahre = wuerfel(jahr_df, "J", "jahr", KENNZAHLEN_JAHR, {UEBRIGE: seltene_jahr} if seltene_jahr else {},
                    verborgen=seltene_jahr)
    monate = wuerfel(monat_df, "M", "monat", KENNZAHLEN_MONAT, {UEBRIGE: seltene} if seltene else {},
                     nur_summe=() if intern else NUR_SUMME_MONAT, verborgen=seltene)

    for j in jahre:
        j = int(j)
        monate_j = [pd.Timestamp(m) for m in monate if pd.Timestamp(m).year == j]
        sichtbar_j = [h for h in hilfearten if h not in seltene_jahr] + ([UEBRIGE] if seltene_jahr else [])
        for s in [*sozialraeume, KREIS]:
            for h in ([*sichtbar_j, ALLE] if s != KREIS else [ALLE]):
                p.linie([("J", j, "laufend_31_12", s, h), ("J", j, "beendet", s, h)], ("J", j, "hilfen", s, h))
                p.linie([("J", j, f"davon_{x}", s, h) for x in ("ambulant", "teilstationaer", "stationaer")],
                        ("J", j, "hilfen", s, h))
                if monate_j:
                    for k in ("begonnen", "beendet"):
                        if ("M", monate_j[0], k, s, h) in p.werte and ("J", j, k, s, h) in p.werte:
                            p.linie([("M", m, k, s, h) for m in monate_j], ("J", j, k, s, h))
                    if h != UEBRIGE and ("J", j, "laufend_31_12", s, h) in p.werte:
                        p.linie([("M", monate_j[-1], "laufend_monatsende", s, h)], ("J", j, "laufend_31_12", s, h))
            if monate_j and seltene and s != KREIS and set(seltene_jahr) <= set(seltene):
                # the year's running rare helps = the monthly group's running count of the year's last month
                teile = [("J", j, "laufend_31_12", s, h) for h in seltene if h not in seltene_jahr]
                teile += [("J", j, "laufend_31_12", s, UEBRIGE)] if seltene_jahr else []
                p.linie(teile, ("M", monate_j[-1], "laufend_monatsende", s, UEBRIGE))

    for key in p.werte:  # what a lost cell costs the reader: the totals of a social space and the county most
        p.gewicht[key] = 25.0 if key[3] == KREIS else 12.0 if key[4] == ALLE else 4.0 if key[4] == UEBRIGE else 1.0
    sperrung = p.loese()
    g = Geschuetzt(daten=daten, intern=intern, sperrung=sperrung, seltene=seltene, seltene_jahr=seltene_jahr,
                   problem=p)
    g.traeger_status = _schuetze_traeger(daten, intern)
    return g


def _schuetze_traeger(daten: Berichtsdaten, intern: bool) -> dict:
    """Providers (county): a provider's helps per year; the shares add up to 100 % (a public total)."""
    t = daten["traeger_kennzahlen"]
    p = Sperrproblem(intern=intern)
    for r in t.itertuples(index=False):
        p.zelle((int(r.jahr), r.traeger_id), r.hilfen)
    for j, grp in t.groupby("jahr"):
        p.linie([(int(j), tid) for tid in grp["traeger_id"]], None)
    return p.loese().status
