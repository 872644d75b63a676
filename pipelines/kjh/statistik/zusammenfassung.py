"""The reviewer's summary of a statutory delivery: published-style tables and the Statistik page.

    statistik_tabellen(con, ...)          -> Zusammenfassung (tables as DataFrames, small cells suppressed)
    render_statistik_page(warehouse, reports_dir, ...) -> Path of <reports>/statistik.html

The tables are computed from the delivery's own records (the raw history as
of its recorded inputs), so a clerk can compare them with last year's
delivery and with the office's later publication:

* HZE: begun, ended, running on 31.12. and helps in the year by Art der Hilfe
  × Geschlecht and Art der Hilfe × Altersgruppe (age at beginn for begun, on
  31.12. for running, in the month of the end for ended; from Geburtsmonat/-jahr),
  with § 41 and last year's delivered count.
* § 42 (VSM): ended measures by Altersgruppe × Geschlecht.
* Teil IV: helps with a booking, expenditure and income by Hilfeart.

Every count goes through kjh_reports.geheimhaltung (the rule for everything
that leaves the office): the HZE counts form ONE problem with every line a
reader could subtract along; amounts follow their count (`abhaengig`).
"""
import html
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from kjh.contract import load_contract
from kjh.statistik import audit
from kjh.statistik.eingaben import Eingaben
from kjh.statistik.layout import LayoutError, layout_for, layout_recorded
from kjh.statistik.lieferung import saetze_der_lieferung
from kjh.statistik.pruefung import QUALITAET_ASSETS
from kjh_reports import format as fmt
from kjh_reports import geheimhaltung as gh

SEITE = "statistik.html"
ALLE = "Summe"
KENNZAHLEN = {"im_jahr": "Hilfen im Jahr (andauernd am 31.12. + beendet)", "laufend": "andauernd am 31.12.",
              "beendet": "beendet im Jahr", "begonnen": "begonnen im Jahr"}
AUFGETEILT = ("laufend", "beendet", "begonnen")  # key figures broken down by Geschlecht and Altersgruppe
ALTERSGRUPPEN = ((0, 3, "unter 3"), (3, 6, "3 bis u. 6"), (6, 9, "6 bis u. 9"), (9, 12, "9 bis u. 12"),
                 (12, 15, "12 bis u. 15"), (15, 18, "15 bis u. 18"), (18, 21, "18 bis u. 21"),
                 (21, 200, "21 und älter"))
VSM_ALTERSGRUPPEN = ((0, 3, "unter 3"), (3, 6, "3 bis u. 6"), (6, 9, "6 bis u. 9"), (9, 12, "9 bis u. 12"),
                     (12, 14, "12 bis u. 14"), (14, 16, "14 bis u. 16"), (16, 18, "16 bis u. 18"))


@dataclass
class Zusammenfassung:
    """The delivery shown and its tables (display text; suppressed cells as symbols)."""
    lieferung: audit.Eintrag | None
    tabellen: dict[str, pd.DataFrame] = field(default_factory=dict)
    titel: dict[str, str] = field(default_factory=dict)
    hinweise: list[str] = field(default_factory=list)
    intern: bool = False


def _geschlechter() -> dict[str, str]:
    """Contract gender -> column: divers and ohne Angabe in one column (as few persons as they are,
    separate columns would only be suppressed and drag whole rows with them)."""
    labels = load_contract().codelisten["geschlecht"]
    return {code: (label if code in ("m", "w") else "divers / ohne Angabe") for code, label in labels.items()}


def _gruppe(alter, gruppen) -> str | None:
    if alter is None or pd.isna(alter):
        return None
    for von, bis, name in gruppen:
        if von <= alter < bis:
            return name
    return None


def _alter_monate(jahr, monat, gj, gm):
    return ((jahr * 12 + monat) - (gj * 12 + gm)) // 12


def _hze_lang(hze: pd.DataFrame, jahr: int, geschlechter: dict) -> pd.DataFrame:
    """One row per record and key figure it counts in, with Art der Hilfe, Geschlecht, Altersgruppe."""
    rows = []
    for r in hze.itertuples(index=False):
        g = geschlechter.get(r.geschlecht, r.geschlecht)
        if r.laufend:
            rows.append(("laufend", r.art_der_hilfe, g, _alter_monate(jahr, 12, r.geburtsjahr, r.geburtsmonat)))
        if r.beendet:
            rows.append(("beendet", r.art_der_hilfe, g,
                         _alter_monate(int(r.ende_jahr), int(r.ende_monat), r.geburtsjahr, r.geburtsmonat)))
        if int(r.beginn_jahr) == jahr:
            rows.append(("begonnen", r.art_der_hilfe, g, r.alter_bei_beginn))
    df = pd.DataFrame(rows, columns=["kennzahl", "art", "geschlecht", "alter"])
    df["altersgruppe"] = df["alter"].map(lambda a: _gruppe(a, ALTERSGRUPPEN))
    im_jahr = df[df["kennzahl"].isin(["laufend", "beendet"])].assign(kennzahl="im_jahr")
    return pd.concat([df, im_jahr], ignore_index=True)


def _hze_problem(lang: pd.DataFrame, p41: pd.Series, arten: list[str], geschlechter: list[str],
                 vorjahr: dict[str, int] | None, intern: bool) -> gh.Sperrung:
    p = gh.Sperrproblem(intern=intern)
    gruppen = [g for _, _, g in ALTERSGRUPPEN]
    counts = {}
    for (k, art, g, a), n in lang.groupby(["kennzahl", "art", "geschlecht", "altersgruppe"]).size().items():
        for key in ((k, art, g, ALLE), (k, art, ALLE, a), (k, art, ALLE, ALLE), (k, ALLE, g, ALLE), (k, ALLE, ALLE, a),
                    (k, ALLE, ALLE, ALLE)):
            counts[key] = counts.get(key, 0) + n
    for k in AUFGETEILT:
        for art in arten + [ALLE]:
            for g in geschlechter + [ALLE]:
                p.zelle((k, art, g, ALLE), counts.get((k, art, g, ALLE), 0))
            for a in gruppen:
                p.zelle((k, art, ALLE, a), counts.get((k, art, ALLE, a), 0))
        for art in arten + [ALLE]:
            p.linie([(k, art, g, ALLE) for g in geschlechter], (k, art, ALLE, ALLE))
            p.linie([(k, art, ALLE, a) for a in gruppen], (k, art, ALLE, ALLE))
        for g in geschlechter + [ALLE]:
            p.linie([(k, art, g, ALLE) for art in arten], (k, ALLE, g, ALLE))
        for a in gruppen:
            p.linie([(k, art, ALLE, a) for art in arten], (k, ALLE, ALLE, a))
    # helps in the year (running + ended): per Art der Hilfe and in total
    for art in arten + [ALLE]:
        key = ("im_jahr", art, ALLE, ALLE)
        p.zelle(key, counts.get(key, 0))
        p.linie([("laufend", art, ALLE, ALLE), ("beendet", art, ALLE, ALLE)], key)
    p.linie([("im_jahr", art, ALLE, ALLE) for art in arten], ("im_jahr", ALLE, ALLE, ALLE))
    for art in arten + [ALLE]:
        p.zelle(("p41", art), int(p41.get(art, 0)) if art != ALLE else int(p41.sum()))
    p.linie([("p41", art) for art in arten], ("p41", ALLE))
    if vorjahr is not None:
        for art in arten:
            p.zelle(("vorjahr", art), vorjahr.get(art, 0))
        p.zelle(("vorjahr", ALLE), sum(vorjahr.get(art, 0) for art in arten))
        p.linie([("vorjahr", art) for art in arten], ("vorjahr", ALLE))
    return p.loese()


def _zeige(s: gh.Sperrung, key) -> str:
    return gh.anzeige(s.werte.get(key, 0), s[key], lambda v: fmt.zahl(v))


def _vorjahr(con, jahr: int, codes: dict[str, str | None]) -> tuple[dict[str, int] | None, str]:
    """Records per Art der Hilfe of the latest delivered delivery of the previous year (from its record)."""
    frueher = [e for e in audit.alle(con, jahr - 1) if e.status == audit.FREIGEGEBEN]
    if not frueher:
        return None, f"Für {jahr - 1} ist keine freigegebene Lieferung verzeichnet."
    e = frueher[-1]
    out: dict[str, int] = {}
    for z in e.pruefung.get("abgleich_fallzahlen", []):
        code = z.get("art_der_hilfe")
        if code and z.get("erhebung") == "HZE":
            out[code] = out.get(code, 0) + int(z["saetze_laufend"]) + int(z["saetze_beendet"])
    return out, f"Vorjahr: Lieferung Nr. {e.statistik_lieferung_id} ({e.berichtsjahr}) vom {e.created_at:%d.%m.%Y}."


def waehle_lieferung(con, berichtsjahr: int | None = None, statistik_lieferung_id: int | None = None):
    if statistik_lieferung_id is not None:
        return audit.lesen(con, statistik_lieferung_id)
    alle = audit.alle(con, berichtsjahr)
    return alle[-1] if alle else None


def statistik_tabellen(con, *, berichtsjahr: int | None = None, statistik_lieferung_id: int | None = None,
                       intern: bool = False) -> Zusammenfassung:
    """The reviewer's tables of a recorded delivery (default: the latest one, of `berichtsjahr` if given)."""
    e = waehle_lieferung(con, berichtsjahr, statistik_lieferung_id)
    z = Zusammenfassung(lieferung=e, intern=intern)
    if e is None:
        z.hinweise.append("Noch keine Statistik-Lieferung verzeichnet (audit.statistik_lieferungen).")
        return z
    eingaben = Eingaben.from_json(e.eingaben)
    jahr = eingaben.berichtsjahr
    try:
        hze_layout = layout_recorded(next(x for x in e.layouts if x["erhebung"] == "HZE"))
    except (LayoutError, StopIteration):
        hze_layout = layout_for("HZE", jahr)
    art_label = {k: f"{k} {v}" for k, v in (next(f for f in hze_layout.felder if f.name == "EF4").codeliste or {}).items()}
    geschlechter = _geschlechter()
    s = saetze_der_lieferung(con, eingaben)  # the office's records when the warehouse holds several

    # ---- HZE
    hze = s.hze
    arten = sorted(hze["art_der_hilfe"].dropna().unique()) if not hze.empty else []
    g_namen = list(dict.fromkeys(geschlechter.values()))
    lang = _hze_lang(hze, jahr, geschlechter) if not hze.empty else pd.DataFrame(
        columns=["kennzahl", "art", "geschlecht", "alter", "altersgruppe"])
    p41 = hze[(hze["paragraph_41"] == "ja")].groupby("art_der_hilfe").size() if not hze.empty else pd.Series(dtype=int)
    vorjahr, vj_text = _vorjahr(con, jahr, eingaben.hilfeart_statistik_code)
    sperr = _hze_problem(lang, p41, arten, g_namen, vorjahr, intern)
    zeilen = arten + [ALLE]
    label = lambda a: "Insgesamt" if a == ALLE else art_label.get(a, a)  # noqa: E731
    uebersicht = pd.DataFrame({
        KENNZAHLEN["im_jahr"]: [_zeige(sperr, ("im_jahr", a, ALLE, ALLE)) for a in zeilen],
        KENNZAHLEN["laufend"]: [_zeige(sperr, ("laufend", a, ALLE, ALLE)) for a in zeilen],
        KENNZAHLEN["beendet"]: [_zeige(sperr, ("beendet", a, ALLE, ALLE)) for a in zeilen],
        KENNZAHLEN["begonnen"]: [_zeige(sperr, ("begonnen", a, ALLE, ALLE)) for a in zeilen],
        "darunter § 41 (im Jahr)": [_zeige(sperr, ("p41", a)) for a in zeilen],
    }, index=[label(a) for a in zeilen])
    if vorjahr is not None:
        uebersicht[f"Vorjahr {jahr - 1}: Hilfen im Jahr (geliefert)"] = [_zeige(sperr, ("vorjahr", a)) for a in zeilen]
    uebersicht.index.name = "Art der Hilfe"
    z.tabellen["hze_uebersicht"] = uebersicht
    z.titel["hze_uebersicht"] = f"HZE {jahr}: Hilfen nach Art der Hilfe"
    z.hinweise.append(vj_text)
    gruppen = [g for _, _, g in ALTERSGRUPPEN]
    for k in AUFGETEILT:
        t = pd.DataFrame({g: [_zeige(sperr, (k, a, g, ALLE)) for a in zeilen] for g in g_namen + [ALLE]},
                         index=[label(a) for a in zeilen])
        t.index.name = "Art der Hilfe"
        z.tabellen[f"hze_{k}_geschlecht"] = t
        z.titel[f"hze_{k}_geschlecht"] = f"HZE {jahr}, {KENNZAHLEN[k]}: nach Geschlecht"
        t = pd.DataFrame({g: [_zeige(sperr, (k, a, ALLE, g)) for a in zeilen] for g in gruppen}
                         | {ALLE: [_zeige(sperr, (k, a, ALLE, ALLE)) for a in zeilen]},
                         index=[label(a) for a in zeilen])
        t.index.name = "Art der Hilfe"
        z.tabellen[f"hze_{k}_alter"] = t
        z.titel[f"hze_{k}_alter"] = f"HZE {jahr}, {KENNZAHLEN[k]}: nach Altersgruppe (Jahre)"

    # ---- § 42
    vsm = s.vsm
    vg = [g for _, _, g in VSM_ALTERSGRUPPEN]
    counts = pd.DataFrame(0, index=vg, columns=g_namen)
    for r in vsm.itertuples(index=False):
        gruppe = _gruppe(r.alter_bei_beginn, VSM_ALTERSGRUPPEN)
        if gruppe is not None:
            counts.loc[gruppe, geschlechter.get(r.geschlecht, r.geschlecht)] += 1
    geschuetzt = gh.schuetze_tabelle(counts, intern=intern)
    t = geschuetzt.anzeige(lambda v: fmt.zahl(v))
    t.index.name = "Altersgruppe bei Beginn"
    z.tabellen["vsm"] = t
    z.titel["vsm"] = f"Vorläufige Schutzmaßnahmen (§ 42) {jahr}: beendete Maßnahmen nach Alter und Geschlecht"

    # ---- Teil IV
    z.tabellen["teil4"] = _teil4_tabelle(s, intern)
    z.titel["teil4"] = f"Teil IV {jahr}: Auszahlungen und Einzahlungen für Einzelhilfen nach Hilfeart"
    return z


def _teil4_tabelle(s, intern: bool) -> pd.DataFrame:
    hilfearten = load_contract().codelisten["hilfeart"]
    t = s.teil4
    sums = (t.groupby("position")[["ausgaben_cent", "kostenbeitraege_cent", "erstattungen_cent"]].sum()
            if not t.empty else pd.DataFrame(columns=["ausgaben_cent", "kostenbeitraege_cent", "erstattungen_cent"]))
    anzahl = dict(zip(s.teil4_hilfen["position"], s.teil4_hilfen["hilfen"])) if not s.teil4_hilfen.empty else {}
    mit_hilfe = [p for p in sums.index if p in hilfearten]
    counts = pd.DataFrame({"hilfen": [int(anzahl.get(p, 0)) for p in mit_hilfe]}, index=mit_hilfe)
    geschuetzt = gh.schuetze_tabelle(counts, zeilensummen=False, spaltensummen=True, intern=intern)
    rows = []

    def betraege(r, status):
        vals = [r["ausgaben_cent"], r["kostenbeitraege_cent"], r["erstattungen_cent"],
                r["ausgaben_cent"] - r["kostenbeitraege_cent"] - r["erstattungen_cent"]]
        st = gh.abhaengig(status)
        return [gh.anzeige(v / 100, st, lambda x: fmt.eur(x)) if v != 0 or st != gh.OFFEN else gh.ZEICHEN_NULL
                for v in vals]

    for p in mit_hilfe:
        status = geschuetzt.status.at[p, "hilfen"]
        name = f"§ {hilfearten[p]['paragraph'].removeprefix('§ ')} {hilfearten[p]['bezeichnung']}"
        rows.append([name, gh.anzeige(counts.at[p, "hilfen"], status, lambda v: fmt.zahl(v)),
                     *betraege(sums.loc[p], status)])
    for p in [p for p in sums.index if p not in hilfearten]:
        name = {"ohne_hilfe": "ohne Bezug zu einer Hilfe (fallunspezifisch)",
                "nicht_zugeordnet": "Hilfe unbekannt (nicht zugeordnet)"}.get(p, p)
        rows.append([name, gh.ZEICHEN_FEHLT, *betraege(sums.loc[p], gh.OFFEN)])
    total = sums.sum() if not sums.empty else pd.Series({"ausgaben_cent": 0, "kostenbeitraege_cent": 0,
                                                         "erstattungen_cent": 0})
    summe_status = geschuetzt.status.at[gh.SUMME, "hilfen"] if gh.SUMME in geschuetzt.status.index else gh.OFFEN
    rows.append(["Insgesamt", gh.anzeige(int(counts["hilfen"].sum()), summe_status, lambda v: fmt.zahl(v)),
                 *betraege(total, gh.OFFEN)])
    out = pd.DataFrame(rows, columns=["Hilfeart", "Hilfen mit Buchung", "Auszahlungen", "Kostenbeiträge",
                                      "Erstattungen", "netto"]).set_index("Hilfeart")
    return out


# ------------------------------------------------------------------ page
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;
color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ccc}
h3{font-size:1.05rem;margin-top:1.6rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #d0d0d0;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}td.z{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.summe td,tr.summe th{font-weight:600;background:#fafafa}
.status{padding:.8rem 1rem;border-radius:4px;margin:1rem 0}
.geliefert{background:#e8f5e9;border-left:6px solid #2e7d32}
.zurueckgehalten{background:#fdecea;border-left:6px solid #c62828}
.hinweis{background:#fff8e1;border-left:6px solid #f9a825}
.klein{font-size:.85rem;color:#444}code{font-size:.85rem}
"""


def _e(text) -> str:
    return html.escape(str(text))


def _table_html(df: pd.DataFrame, zahlen: bool = True) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in [df.index.name or ""] + list(df.columns))
    body = []
    for idx, row in df.iterrows():
        cls = ' class="summe"' if str(idx) in ("Insgesamt", ALLE, gh.SUMME) else ""
        cells = "".join(f'<td class="z">{_e(v)}</td>' if zahlen else f"<td>{_e(v)}</td>" for v in row)
        body.append(f"<tr{cls}><th>{_e(idx)}</th>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _blockiert_spaeter(con, e: audit.Eintrag) -> list[tuple]:
    """Failed ERROR quality checks on the inputs in a run after this delivery (that run made no delivery)."""
    try:
        rows = con.execute(
            """select lauf_id, max(geprueft_am) as t, string_agg(distinct pruefung, ', ' order by pruefung)
               from audit.pruefergebnisse
               where list_contains(?, asset) and schweregrad = 'ERROR' and not bestanden and geprueft_am > ?
               group by lauf_id order by t desc limit 1""", [list(QUALITAET_ASSETS), e.created_at]).fetchall()
    except duckdb.CatalogException:
        return []
    return [r for r in rows if r[0] != e.lauf_id]


def _stand_html(con, e: audit.Eintrag) -> list[str]:
    """Where the year stands: the draft's findings (counts only: the work list itself is internal),
    the confirmations, and the released delivery if there is one."""
    from kjh.statistik import bestaetigungen
    from kjh.statistik.befunde import HART, Befund, offen

    alle = [Befund(**b) for b in e.pruefung.get("befunde", [])]
    bestaetigt = bestaetigungen.bestaetigt(con) if alle else set()
    hart = [b for b in alle if b.klasse == HART]
    weich = [b for b in alle if b.klasse != HART]
    weich_offen = [b for b in offen(weich, bestaetigt)]
    freigaben = [x for x in audit.alle(con, e.berichtsjahr) if x.status == audit.FREIGEGEBEN]
    zeilen = [("Sätze mit harten Fehlern (fehlen im Entwurf, blockieren die Freigabe)",
               len({(b.erhebung, b.lfd_nr) for b in hart})),
              ("weiche Befunde offen (bestätigen oder korrigieren)", len(weich_offen)),
              ("weiche Befunde bestätigt", len(weich) - len(weich_offen))]
    out = ["<h2>Stand der Lieferung</h2>", "<table><tbody>"]
    out += [f'<tr><th>{_e(t)}</th><td class="z">{fmt.zahl(n)}</td></tr>' for t, n in zeilen]
    if freigaben:
        f = freigaben[-1]
        out.append(f"<tr><th>freigegeben</th><td>Nr. {f.statistik_lieferung_id} am {fmt.datum_zeit(f.created_at)} "
                   f"(aus Entwurf Nr. {_e(f.pruefung.get('entwurf_id', '–'))})</td></tr>")
    else:
        out.append("<tr><th>freigegeben</th><td>noch nicht</td></tr>")
    out.append("</tbody></table>")
    if alle and e.status == audit.ENTWURF:
        out.append('<p class="klein">Die einzelnen Sätze (hilfe_id, Feld, Wert, was zu tun ist) stehen in der '
                   "Arbeitsliste neben dem Entwurf (<code>ARBEITSLISTE_….csv</code> / <code>.html</code> im Ordner "
                   "<code>entwurf</code>), nur für die Statistikstelle.</p>")
    return out


def seite_html(con, z: Zusammenfassung) -> str:
    e = z.lieferung
    parts = ["<!DOCTYPE html>", '<html lang="de"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>Statistik-Lieferung</title>", f"<style>{_CSS}</style></head><body>"]
    if e is None:
        parts += ["<h1>Amtliche Statistik (§§ 98–103 SGB VIII)</h1>",
                  '<div class="status hinweis">Noch keine Statistik-Lieferung erstellt.</div>', "</body></html>"]
        return "\n".join(parts)
    eingaben = Eingaben.from_json(e.eingaben)
    status_text = {audit.ENTWURF: "Entwurf", audit.FREIGEGEBEN: "freigegeben"}.get(e.status, "zurückgehalten")
    parts.append(f"<h1>Amtliche Statistik {e.berichtsjahr}: {status_text} Nr. {e.statistik_lieferung_id}</h1>")
    parts.append(f'<p class="klein">{_e(eingaben.meldestelle.get("name", ""))}, Kennnummer {_e(eingaben.kennnummer)} · '
                 f"erstellt {fmt.datum_zeit(e.created_at)} · Satzbeschreibungen {_e(e.layout_version)} · "
                 f"Datenstand Hilfen {fmt.datum(eingaben.stand_hilfen)}, Buchungen "
                 f"{fmt.datum(eingaben.stand_zahlungen) if eingaben.stand_zahlungen else '–'}</p>")
    klasse = "geliefert" if e.status == audit.FREIGEGEBEN or not e.zurueckgehalten_wegen else "zurueckgehalten"
    parts.append(f'<div class="status {klasse}"><strong>Status: {status_text}.</strong> {_e(e.meldung)}')
    if e.zurueckgehalten_wegen:
        parts.append("<br>Freigabe wartet auf: " + ", ".join(f"<code>{_e(n)}</code>" for n in e.zurueckgehalten_wegen))
    parts.append("</div>")
    parts += _stand_html(con, e)
    for _lauf_id, t, namen in _blockiert_spaeter(con, e):
        parts.append(f'<div class="status zurueckgehalten"><strong>Achtung:</strong> Im Lauf vom '
                     f"{fmt.datum_zeit(t)} sind blockierende Prüfungen der Eingaben fehlgeschlagen ({_e(namen)}); "
                     "dieser Lauf hat keine neue Lieferung erstellt. Die Angaben unten gehören zur Lieferung "
                     f"Nr. {e.statistik_lieferung_id}.</div>")
    if e.ausgabe_ordner:
        parts.append(f'<p class="klein">Dateien in <code>{_e(e.ausgabe_ordner)}</code>: '
                     + ", ".join(f"<code>{_e(x['datei'])}</code>" for x in e.ausgaben) + "</p>")
    pr = e.pruefung.get("ergebnisse", [])
    if pr:
        parts.append("<h2>Prüfungen vor der Lieferung</h2>")
        df = pd.DataFrame([[p["schweregrad"], "bestanden" if p["bestanden"] else
                            ("nicht bestanden" if p["schweregrad"] == "ERROR" else "Hinweis"), p["meldung"]]
                           for p in pr], index=[p["name"] for p in pr], columns=["Schwere", "Ergebnis", "Meldung"])
        df.index.name = "Prüfung"
        parts.append(_table_html(df, zahlen=False))
        abgleich = e.pruefung.get("abgleich_fallzahlen", [])
        if abgleich:
            ok = all(x["stimmt"] for x in abgleich)
            parts.append(f"<p>Abgleich mit <code>marts.fallzahlen_jahr</code>: {'stimmt' if ok else 'weicht ab'} "
                         "(je Hilfeart; Zahlen im Prüfbericht). Abgleich Teil IV mit <code>marts.ausgaben_jahr</code>: "
                         + ("stimmt auf den Cent." if all(x["stimmt"] for x in e.pruefung.get("abgleich_ausgaben", []))
                            else "weicht ab.") + "</p>")
    if e.status != audit.FREIGEGEBEN:
        parts.append('<div class="status hinweis">Die Tabellen zeigen die Zahlen des Entwurfs '
                     "(vorläufig, noch nicht freigegeben).</div>")
    for key, df in z.tabellen.items():
        level = "h2" if key in ("hze_uebersicht", "vsm", "teil4") else "h3"
        if key == f"hze_{AUFGETEILT[0]}_geschlecht":
            parts.append("<h2>HZE nach Geschlecht und Altersgruppe</h2>")
        parts.append(f"<{level}>{_e(z.titel.get(key, key))}</{level}>")
        parts.append(_table_html(df))
    parts.append("<h2>Zeichenerklärung</h2><ul class=\"klein\">")
    parts += [f"<li><code>{_e(zeichen)}</code> {_e(text)}</li>" for zeichen, text in gh.ZEICHENERKLAERUNG]
    parts.append("</ul>")
    parts += [f'<p class="klein">{_e(h)}</p>' for h in z.hinweise]
    parts.append('<p class="klein">Altersgruppen: begonnen = Alter bei Beginn; andauernd = Alter am 31.12.; beendet = '
                 "Alter im Monat des Endes (aus Geburtsmonat/-jahr). Sozialpädagogische Familienhilfe: ein Satz je "
                 "Familie. Kleine Fallzahlen sind nach der Geheimhaltungsregel aller Berichte gesperrt"
                 + (" (intern: exakte Zahlen)." if z.intern else ".") + "</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_statistik_page(warehouse, reports_dir: Path, *, berichtsjahr: int | None = None,
                          statistik_lieferung_id: int | None = None, intern: bool = False) -> Path:
    """Writes <reports_dir>/statistik.html (self-contained, offline, German) and returns its path.

    warehouse: the DuckDB file (opened read-only) or an open connection to it.
    """
    own = not hasattr(warehouse, "execute")
    con = duckdb.connect(str(warehouse), read_only=True,
                         config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}) \
        if own else warehouse
    try:
        z = statistik_tabellen(con, berichtsjahr=berichtsjahr, statistik_lieferung_id=statistik_lieferung_id,
                               intern=intern)
        text = seite_html(con, z)
    finally:
        if own:
            con.close()
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / SEITE
    tmp = reports_dir / f".{SEITE}.tmp"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


__all__ = ["Zusammenfassung", "render_statistik_page", "statistik_tabellen"]
