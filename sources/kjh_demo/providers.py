"""Providers (Träger) with their agreements, and which provider delivers which help.

A fixed core of named providers is always present (the office's own
counselling service, one Sozialraumträger per social space, names that need
CSV quoting or Windows-1252 bytes); generated ones fill up to ~40 × scale.
Between the two `traeger` exports a few agreements get a higher daily rate
and new providers appear.
"""
from dataclasses import dataclass
from datetime import date

import numpy as np

from kjh_demo import csv_writer
from kjh_demo.county import County
from kjh_demo.dates import day

KINDS = ("beratung", "ambulant", "tagesgruppe", "heim", "pflege")
# Daily rates (§ 78b) in EUR: only day-care groups and residential homes have one.
RATE_EUR = {"tagesgruppe": (90, 140), "heim": (150, 260)}
PROVIDERS_PER_SCALE = 40
# Sitz outside the county (kreisfreie Städte around it).
OUTSIDE = {"Hamburg": "02000000", "Neumünster": "01004000", "Kiel": "01002000", "Lübeck": "01003000"}

# name, traegerart, verband, sitz (municipality name or OUTSIDE key), kind, daily rate EUR.
# A social space's Sozialraumträger is marked by naming its social space in `sozialraumtraeger`.
_CORE = [
    dict(name="Kreis Segeberg – Beratungsstelle für Eltern, Kinder und Jugendliche", art="oeffentlich",
         verband="", sitz="Bad Segeberg, Stadt", kind="beratung"),
    dict(name="Diakonisches Werk – Erziehungs- und Familienberatung Kaltenkirchen", art="frei_gemeinnuetzig",
         verband="Diakonie", sitz="Kaltenkirchen, Stadt", kind="beratung"),
    dict(name="Caritas-Beratungszentrum Henstedt-Ulzburg", art="frei_gemeinnuetzig", verband="Caritas",
         sitz="Henstedt-Ulzburg", kind="beratung"),
    dict(name="Sozialraumteam Bad Segeberg (Diakonie)", art="frei_gemeinnuetzig", verband="Diakonie",
         sitz="Bad Segeberg, Stadt", kind="ambulant", sozialraumtraeger="Bad Segeberg"),
    dict(name="Sozialraumteam Wahlstedt (AWO)", art="frei_gemeinnuetzig", verband="AWO",
         sitz="Wahlstedt, Stadt", kind="ambulant", sozialraumtraeger="Wahlstedt"),
    dict(name="Sozialraumteam Bad Bramstedt (Paritätischer)", art="frei_gemeinnuetzig", verband="Paritätischer",
         sitz="Bad Bramstedt, Stadt", kind="ambulant", sozialraumtraeger="Bad Bramstedt"),
    dict(name="Sozialraumteam Bornhöved (DRK)", art="frei_gemeinnuetzig", verband="DRK",
         sitz="Bornhöved", kind="ambulant", sozialraumtraeger="Bornhöved"),
    dict(name="Sozialraumteam Kaltenkirchen (Caritas)", art="frei_gemeinnuetzig", verband="Caritas",
         sitz="Kaltenkirchen, Stadt", kind="ambulant", sozialraumtraeger="Kaltenkirchen"),
    dict(name="Sozialraumteam Henstedt-Ulzburg (Diakonie)", art="frei_gemeinnuetzig", verband="Diakonie",
         sitz="Henstedt-Ulzburg", kind="ambulant", sozialraumtraeger="Henstedt-Ulzburg"),
    dict(name="AWO Ambulante Hilfen Segeberg gGmbH", art="frei_gemeinnuetzig", verband="AWO",
         sitz="Bad Segeberg, Stadt", kind="ambulant"),
    dict(name='Jugendhilfe "Lichtblick" gGmbH', art="frei_gemeinnuetzig", verband="",
         sitz="Trappenkamp", kind="ambulant"),
    dict(name="Kinderhaus Sonnenhof; Wohngruppen und Verselbständigung e.V.", art="frei_gemeinnuetzig",
         verband="Paritätischer", sitz="Bornhöved", kind="heim", rate=196.40),
    dict(name="DRK-Kinderschutzhaus Bad Bramstedt – Inobhutnahme", art="frei_gemeinnuetzig", verband="DRK",
         sitz="Bad Bramstedt, Stadt", kind="heim", rate=238.15),
    dict(name="Tagesgruppe Regenbogen – Familienzentrum Kaltenkirchen", art="frei_gemeinnuetzig",
         verband="Diakonie", sitz="Kaltenkirchen, Stadt", kind="tagesgruppe", rate=118.60),
    dict(name='Heilpädagogische Tagesgruppe "Lütt Hus"', art="frei_gemeinnuetzig", verband="AWO",
         sitz="Henstedt-Ulzburg", kind="tagesgruppe", rate=104.25),
    dict(name="Jugendwohnen Nord GmbH", art="privat_gewerblich", verband="", sitz="Neumünster",
         kind="heim", rate=209.80),
    dict(name="Kinder- und Jugendhof Elbmarsch GmbH", art="privat_gewerblich", verband="", sitz="Hamburg",
         kind="heim", rate=247.35),
    dict(name="Pflegekinderdienst Familiennetz Segeberg e.V.", art="frei_gemeinnuetzig", verband="Paritätischer",
         sitz="Bad Segeberg, Stadt", kind="pflege"),
    dict(name="Heilpädagogisches Kinderheim an der Trave gGmbH", art="frei_gemeinnuetzig", verband="Diakonie",
         sitz="Bad Segeberg, Stadt", kind="heim", rate=224.90),
    # Its agreement ended early in the demo period: helps it delivered must lie inside it.
    dict(name="Wohngruppe Kükels GmbH", art="privat_gewerblich", verband="", sitz="Kükels", kind="heim",
         rate=183.50, closes=True),
]

_NAMES = {
    "beratung": ["Erziehungsberatungsstelle {ort}", "Familienberatung {ort}", "Beratungszentrum für Familien {ort}"],
    "ambulant": ["Ambulante Jugendhilfe {ort}", "Familienhilfe {ort}", "Praxis für Familien- und Jugendhilfe {ort}",
                 "Jugendhilfeverbund {ort}", "Flexible Hilfen {ort}"],
    "tagesgruppe": ["Tagesgruppe {ort}", "Heilpädagogische Tagesgruppe {ort}"],
    "heim": ["Kinder- und Jugendhaus {ort}", "Wohngruppe {ort}", "Jugendhof {ort}", "Kinderdorf {ort}",
             "Jugendwohngemeinschaft {ort}", "Mutter-Kind-Haus {ort}"],
    "pflege": ["Erziehungsstellen und Pflegefamilien {ort}", "Pflegefamiliendienst {ort}"],
}
_KIND_WEIGHTS = {"beratung": 0.08, "ambulant": 0.4, "tagesgruppe": 0.1, "heim": 0.32, "pflege": 0.1}
_VERBAENDE = {"Diakonie": 0.22, "Caritas": 0.12, "AWO": 0.15, "DRK": 0.1, "Paritätischer": 0.18, "": 0.23}
_SUFFIX = {"frei_gemeinnuetzig": [" e.V.", " gGmbH", ""], "privat_gewerblich": [" GmbH", " GmbH & Co. KG", " UG"]}


@dataclass
class Providers:
    ids: list[str]
    names: list[str]
    art: list[str]
    verband: list[str]
    sitz_ags: list[str]
    kind: np.ndarray  # index into KINDS
    seat: np.ndarray  # municipality index of the seat, -1 outside the county
    sozialraum: np.ndarray  # social space of the seat (older mapping), -1 outside the county
    sozialraumtraeger: np.ndarray  # social space it is Sozialraumträger for, else -1
    weight: np.ndarray  # market size
    rate_old: np.ndarray  # cents per day, 0 = no daily rate
    rate_new: np.ndarray  # cents per day from rate_change_day on
    gueltig_ab: np.ndarray  # day of the first agreement: the provider is in the register from then on
    gueltig_ab_new: np.ndarray  # day of the agreement in the newer export
    gueltig_bis: np.ndarray  # day, -1 = open
    rate_change_day: int

    def rate_on(self, provider: np.ndarray, on: np.ndarray) -> np.ndarray:
        return np.where(np.asarray(on) >= self.rate_change_day, self.rate_new[provider], self.rate_old[provider])


def build_providers(county: County, rng: np.random.Generator, scale: float, first_year: int, stand: date) -> Providers:
    window_start = day(date(first_year - 2, 1, 1))
    rate_change_day = day(date(stand.year, 1, 1))
    new_day = day(date(stand.year, 3, 1)) if date(stand.year, 3, 1) < stand else rate_change_day
    ags_of = dict(zip(county.names, county.ags))
    ags_of.update(OUTSIDE)
    town_names = [n.removesuffix(", Stadt") for n in county.names]

    rows = [dict(r, weight=4.0 if "sozialraumtraeger" in r else 2.0) for r in _CORE]
    n_extra = max(0, round(PROVIDERS_PER_SCALE * scale) - len(rows))
    # Local providers sit mostly in the larger places; some come from outside the county.
    seat_p = county.population_2011 / county.population_2011.sum()
    kinds = list(_KIND_WEIGHTS)
    for _ in range(n_extra):
        kind = kinds[rng.choice(len(kinds), p=list(_KIND_WEIGHTS.values()))]
        art = "privat_gewerblich" if rng.random() < 0.15 else "frei_gemeinnuetzig"
        verband = "" if art == "privat_gewerblich" else \
            list(_VERBAENDE)[rng.choice(len(_VERBAENDE), p=list(_VERBAENDE.values()))]
        if kind != "beratung" and rng.random() < 0.22:
            sitz = list(OUTSIDE)[rng.integers(len(OUTSIDE))]
            ort = sitz
        else:
            i = rng.choice(len(county.names), p=seat_p)
            sitz, ort = county.names[i], town_names[i]
        template = _NAMES[kind][rng.integers(len(_NAMES[kind]))]
        suffix = _SUFFIX[art][rng.integers(len(_SUFFIX[art]))]
        name = (f"{verband} " if verband and rng.random() < 0.5 else "") + template.format(ort=ort) + suffix
        rate = round(rng.uniform(*RATE_EUR[kind]), 2) if kind in RATE_EUR else None
        rows.append(dict(name=name, art=art, verband=verband, sitz=sitz, kind=kind, rate=rate,
                         weight=float(rng.lognormal(0, 0.5)), closes=rng.random() < 0.02))
    # Same generated name twice: number them, as a register would to tell them apart.
    seen: dict[str, int] = {}
    for r in rows:
        seen[r["name"]] = seen.get(r["name"], 0) + 1
        if seen[r["name"]] > 1:
            r["name"] = f"{r['name']} ({seen[r['name']]})"

    n = len(rows)
    muni = {name: i for i, name in enumerate(county.names)}
    seat = np.array([muni.get(r["sitz"], -1) for r in rows])
    sozialraum = np.where(seat >= 0, county.sozialraum_before[seat], -1)
    rate_old = np.array([round((r.get("rate") or 0) * 100) for r in rows], dtype="int64")
    # Agreements mostly date from before the demo period, so they cover all its bookings.
    gueltig_ab = np.array([day(date(2008, 1, 1)) + int(rng.integers(0, window_start - day(date(2008, 1, 1))))
                           for _ in rows], dtype="int64")
    gueltig_bis = np.array([day(date(first_year + 1, 6, 30)) if r.get("closes") else -1 for r in rows], dtype="int64")

    # Newer export: a few daily rates rise from 1 January of the stand year ...
    rate_new = rate_old.copy()
    gueltig_ab_new = gueltig_ab.copy()
    with_rate = np.flatnonzero((rate_old > 0) & (gueltig_bis < 0))
    raised = rng.choice(with_rate, size=max(2, round(0.1 * len(with_rate))), replace=False)
    rate_new[raised] = np.round(rate_old[raised] * rng.uniform(1.04, 1.08, len(raised))).astype("int64")
    gueltig_ab_new[raised] = rate_change_day
    # ... and some providers are new (absent from the older export).
    open_ = np.flatnonzero((gueltig_bis < 0) & (sozialraum >= 0)
                           & np.isin([r["kind"] for r in rows], ["heim", "ambulant"])
                           & ~np.isin(np.arange(n), raised)
                           & np.array(["sozialraumtraeger" not in r for r in rows]))
    new = rng.choice(open_, size=max(2, round(0.05 * n)), replace=False)
    gueltig_ab[new] = gueltig_ab_new[new] = new_day

    return Providers(
        ids=[f"T-{i + 1:04d}" for i in range(n)],
        names=[r["name"] for r in rows],
        art=[r["art"] for r in rows],
        verband=[r["verband"] for r in rows],
        sitz_ags=[ags_of[r["sitz"]] for r in rows],
        kind=np.array([KINDS.index(r["kind"]) for r in rows]),
        seat=seat,
        sozialraum=sozialraum,
        sozialraumtraeger=np.array([county.sozialraeume.index(r["sozialraumtraeger"]) if "sozialraumtraeger" in r
                                    else -1 for r in rows]),
        weight=np.array([r["weight"] for r in rows]),
        rate_old=rate_old,
        rate_new=rate_new,
        gueltig_ab=gueltig_ab,
        gueltig_ab_new=gueltig_ab_new,
        gueltig_bis=gueltig_bis,
        rate_change_day=rate_change_day,
    )


def assign_providers(providers: Providers, kind: np.ndarray, sozialraum: np.ndarray, beginn: np.ndarray,
                     ende: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Provider index per help (kind -1 = none): same kind, local ones preferred, agreement covering the help."""
    out = np.full(len(kind), -1)
    n_sr = int(sozialraum.max()) + 1 if len(sozialraum) else 0
    for k in range(len(KINDS)):
        candidates = np.flatnonzero(providers.kind == k)
        for s in range(n_sr):
            helps = np.flatnonzero((kind == k) & (sozialraum == s))
            if len(helps) == 0:
                continue
            w = providers.weight[candidates] * np.where(providers.sozialraum[candidates] == s, 3.0, 1.0)
            out[helps] = candidates[rng.choice(len(candidates), size=len(helps), p=w / w.sum())]
        # A help outside its provider's agreement goes to one whose agreement is always open.
        chosen = np.flatnonzero((kind == k) & (out >= 0))
        p = out[chosen]
        bad = chosen[(beginn[chosen] < providers.gueltig_ab[p])
                     | ((providers.gueltig_bis[p] >= 0) & (ende[chosen] > providers.gueltig_bis[p]))]
        if len(bad):
            stable = candidates[(providers.gueltig_bis[candidates] < 0)
                                & (providers.gueltig_ab[candidates] <= beginn.min())]
            w = providers.weight[stable]
            out[bad] = stable[rng.choice(len(stable), size=len(bad), p=w / w.sum())]
    return out


def traeger_columns(providers: Providers, stand_day: int) -> dict[str, object]:
    """The `traeger` full export as of a day: the agreement in force then."""
    s = np.flatnonzero(providers.gueltig_ab <= stand_day)
    newer = stand_day >= providers.rate_change_day
    rate = (providers.rate_new if newer else providers.rate_old)[s]
    return {
        "traeger_id": [providers.ids[i] for i in s],
        "name": [providers.names[i] for i in s],
        "traegerart": [providers.art[i] for i in s],
        "verband": [providers.verband[i] for i in s],
        "sitz_ags": [providers.sitz_ags[i] for i in s],
        "entgelt_tagessatz": [a if r else "" for a, r in zip(csv_writer.amounts(rate), rate)],
        "gueltig_ab": csv_writer.dates((providers.gueltig_ab_new if newer else providers.gueltig_ab)[s]),
        "gueltig_bis": csv_writer.dates(providers.gueltig_bis[s], empty=providers.gueltig_bis[s] < 0),
    }
