"""The Merkmale of contract v2 for the demo's helps: reasons 2 and 3, life situation at the start, who
suggested the help, court decisions, what followed, § 8a, § 42 details, school, and the youth office.

Drawn with their own random stream (seeded from the helps themselves), after every other value of a
help is fixed: the v1 columns, the bookings and so the marts stay exactly what they were. Shares are
rough national ones (HzE-Monitor, Destatis tables of the HZE and VSM surveys); a v2 value is now and
then left empty, as case systems leave optional fields empty.
"""
from dataclasses import dataclass
from math import ceil

import numpy as np

from kjh_demo import contract
from kjh_demo.dates import age_at

LEER = 0.04  # share of optional values a case worker leaves empty
HELPS_PER_OFFICE = 30_000  # at Land scale the helps are split into offices of about this many helps
KREISE_SH = ("60", "01", "02", "03", "04", "51", "53", "54", "55", "56", "57", "58", "59", "61", "62")

AUFENTHALT_VOR = {"eltern": 0.80, "verwandte": 0.04, "nicht_verwandte_familie": 0.01, "eigene_wohnung": 0.02,
                  "pflegefamilie": 0.04, "heim": 0.05, "psychiatrie": 0.01, "andere_einrichtung": 0.01,
                  "sonstiger_ort": 0.01, "ohne_festen_aufenthalt": 0.005, "unbekannt": 0.005}
AUFENTHALT_NACH = {"eltern": 0.58, "verwandte": 0.04, "nicht_verwandte_familie": 0.02, "eigene_wohnung": 0.12,
                   "pflegefamilie": 0.06, "heim": 0.11, "psychiatrie": 0.01, "andere_einrichtung": 0.02,
                   "sonstiger_ort": 0.01, "ohne_festen_aufenthalt": 0.01, "unbekannt": 0.02}
SITUATION = {"eltern_zusammen": 0.35, "alleinerziehend": 0.42, "elternteil_mit_partner": 0.18,
             "eltern_verstorben": 0.01, "unbekannt": 0.04}
TRANSFER = {"j": 0.55, "n": 0.38, "u": 0.07}
ANREGUNG = {"junger_mensch": 0.08, "eltern": 0.40, "schule_kita": 0.12, "soziale_dienste": 0.25,
            "gericht_polizei": 0.06, "arzt_klinik": 0.05, "ehemalige_bekannte": 0.01, "sonstige": 0.03}
NACHFOLGEND = {"andere_stelle": 0.08, "beratung_16": 0.05, "hze": 0.20, "eingliederungshilfe_35a": 0.02,
               "keine": 0.65}
SCHULE = {"schule": 0.75, "ausbildung": 0.10, "schule_und_ausbildung": 0.02, "weder_noch": 0.10, "unbekannt": 0.03}
ANLASS_42 = {"ueberforderung_eltern": 0.28, "vernachlaessigung": 0.10, "koerperliche_misshandlung": 0.09,
             "psychische_misshandlung": 0.05, "sexuelle_gewalt": 0.02, "beziehungsprobleme": 0.12,
             "integrationsprobleme_einrichtung": 0.05, "delinquenz": 0.03, "sucht": 0.03,
             "schule_ausbildung": 0.02, "wohnungsprobleme": 0.02, "unbegleitete_einreise": 0.12, "sonstige": 0.07}
HINWEIS_42 = {"junger_mensch": 0.18, "eltern": 0.12, "verwandte_nachbarn": 0.07, "soziale_dienste": 0.22,
              "einrichtung_jugendhilfe": 0.08, "schule_kita": 0.09, "polizei": 0.17, "arzt_klinik": 0.04,
              "anonym": 0.02, "sonstige": 0.01}
UNTERBRINGUNG_42 = {"einrichtung": 0.70, "bereitschaftspflege": 0.22, "betreute_wohnform": 0.05, "sonstige": 0.03}
STATIONAER = ("33", "34")


@dataclass
class Merkmale:
    """Per help: a code (or "" for empty) of each v2 column, and the office's Kennnummer."""
    spalten: dict[str, np.ndarray]  # contract column -> object array of codes ("" = empty)
    beendigung: np.ndarray          # index into contract.codes("beendigungsgrund"), refined
    amt: np.ndarray                 # index into kennnummern
    kennnummern: list[str]


def _draw(rng, n: int, table: dict[str, float], liste: str) -> np.ndarray:
    contract.require_codes(liste, table)
    codes = np.array(list(table), dtype=object)
    p = np.array(list(table.values()), float)
    return codes[rng.choice(len(codes), size=n, p=p / p.sum())]


def _jn(rng, p_ja: np.ndarray) -> np.ndarray:
    return np.where(rng.random(len(p_ja)) < p_ja, "j", "n").astype(object)


def kennnummern(scale: float) -> list[str]:
    """The youth offices of the demo: one county office (Kreis Segeberg, 01060000); at Land scale the
    helps are shared among the offices of the Land's counties (each below the 5-digit running number)."""
    n = min(len(KREISE_SH), max(1, ceil(scale * 6000 / HELPS_PER_OFFICE)))
    return [f"010{k}000" for k in KREISE_SH[:n]]


def draw(hilfeart: np.ndarray, beginn: np.ndarray, birth: np.ndarray, beendigung: np.ndarray,
         hauptgrund: np.ndarray, setting_stationaer: np.ndarray, municipality: np.ndarray, scale: float) -> Merkmale:
    n = len(hilfeart)
    rng = np.random.default_rng([n, int(beginn.sum() % 2**32), 11])
    codes = contract.codes("hilfeart")
    art = np.array(codes, dtype=object)[hilfeart]
    is42 = art == contract.hilfeart_mit("inobhutnahme")
    hze = np.isin(art, contract.hilfearten_mit_statistik_code())  # § 19 and § 42 are no HZE records
    statio = np.isin(art, STATIONAER) | setting_stationaer
    alter = age_at(birth, beginn)
    s: dict[str, np.ndarray] = {}

    # Reasons 2 and 3: distinct from the main reason and from each other; never `sonstig`.
    gruende = [g for g in contract.codes("hauptgrund") if g != "sonstig"]
    g2 = np.full(n, "", dtype=object)
    g3 = np.full(n, "", dtype=object)
    haupt = np.array(contract.codes("hauptgrund"), dtype=object)[hauptgrund]
    has2 = hze & (rng.random(n) < 0.6)
    has3 = has2 & (rng.random(n) < 0.45)
    order = rng.random((n, len(gruende))).argsort(axis=1)
    pick = np.array(gruende, dtype=object)[order]
    for i in np.flatnonzero(has2):
        rest = [g for g in pick[i] if g != haupt[i]]
        g2[i] = rest[0]
        if has3[i]:
            g3[i] = rest[1]
    s["grund_2"], s["grund_3"] = g2, g3

    s["aufenthalt_vor_hilfe"] = np.where(hze | is42, _draw(rng, n, AUFENTHALT_VOR, "aufenthalt"), "")
    s["situation_herkunftsfamilie"] = np.where(hze, _draw(rng, n, SITUATION, "situation_herkunftsfamilie"), "")
    s["transferleistungen"] = np.where(hze, _draw(rng, n, TRANSFER, "jnu"), "")
    s["anregende_institution"] = np.where(hze, _draw(rng, n, ANREGUNG, "anregende_institution"), "")
    s["sorgerechtsentzug_1666"] = np.where(hze, _jn(rng, np.where(statio, 0.10, 0.01)), "")
    s["geschlossene_unterbringung_1631b"] = np.where(hze, _jn(rng, np.where(art == "34", 0.01, 0.0)), "")
    s["uebernahme_anderes_jugendamt"] = np.where(hze, _jn(rng, np.full(n, 0.03)), "")
    s["gefaehrdungseinschaetzung_8a"] = np.where(hze | is42, _jn(rng, np.where(statio | is42, 0.35, 0.15)), "")
    s["im_anschluss_an_42"] = np.where(hze, _jn(rng, np.where(statio, 0.10, 0.02)), "")
    s["schulbesuch_ausbildung"] = np.where(hze & statio, _draw(rng, n, SCHULE, "schulbesuch_ausbildung"), "")

    # What followed: only an ended help shows it (hilfen_columns writes it with the end).
    beend = contract.codes("beendigungsgrund")
    nach = _draw(rng, n, AUFENTHALT_NACH, "aufenthalt")
    folge = _draw(rng, n, NACHFOLGEND, "nachfolgende_hilfe")
    folge = np.where(beendigung == beend.index("zustaendigkeitswechsel"), "gleicher_ort_zustaendigkeitswechsel", folge)
    s["anschliessender_aufenthalt"] = np.where(hze, nach, "")
    s["nachfolgende_hilfe"] = np.where(hze, folge, "")

    # Breaking off deviating from the plan: a minor ends it in about 4 of 10 cases; a few foster
    # placements of young children end in adoption.
    beendigung = beendigung.copy()
    minor = (beendigung == beend.index("abbruch_adressat")) & (alter < contract.volljaehrig_ab()) & (rng.random(n) < 0.4)
    beendigung[minor] = beend.index("abbruch_minderjaehriger")
    adopt = (beendigung == beend.index("planmaessig")) & (art == "33") & (alter < 6) & (rng.random(n) < 0.05)
    beendigung[adopt] = beend.index("adoption")

    s["anlass_42"] = np.where(is42, _draw(rng, n, ANLASS_42, "anlass_42"), "")
    s["hinweisgeber_42"] = np.where(is42, _draw(rng, n, HINWEIS_42, "hinweisgeber_42"), "")
    s["unterbringungsform_42"] = np.where(is42, _draw(rng, n, UNTERBRINGUNG_42, "unterbringungsform_42"), "")

    # Optional fields are sometimes left empty (never the reasons: those are part of the case file).
    for name, values in s.items():
        if name not in ("grund_2", "grund_3"):
            values[rng.random(n) < LEER] = ""

    # The office: at scale 1 one county office; at Land scale the municipalities shared among the offices.
    kenn = kennnummern(scale)
    amt = municipality % len(kenn)
    return Merkmale(spalten={k: v.astype(object) for k, v in s.items()}, beendigung=beendigung, amt=amt,
                    kennnummern=kenn)
