"""One page per social space: months, money against the cap, cost per case-month, providers, year over year.

Laid out by the template sozialraum.html; the functions here compute what it shows."""
import datetime as dt

import pandas as pd

from kjh.format import datum, eur, mio_eur, prozent, prozent_vz, vorzeichen, zahl
from kjh.geheimhaltung.regel import GESPERRT, MINDESTFALLZAHL, MINDESTNENNER_FAELLE, OFFEN, abhaengig, einzelzahl
from kjh.geheimhaltung.sammeln import sammeln
from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_NICHT_SICHER, anzeige, quote_anzeige
from kjh_reports import budget as bu
from kjh_reports import charts
from kjh_reports import html as h
from kjh_reports.daten import KREIS, OHNE_TRAEGER
from kjh_reports.pages import Kontext, Seite, sozialraum_datei
from kjh_reports.schutz import ALLE, UEBRIGE

KENNZAHLEN = (  # vorjahresvergleich.kennzahl -> label, kind
    ("laufend_31_12", "laufende Hilfen am 31.12. (Stichtag)", "anzahl"),
    ("begonnen", "begonnene Hilfen", "anzahl"),
    ("beendet", "beendete Hilfen", "anzahl"),
    ("hilfen_summe", "Hilfen im Jahr (laufend + beendet)", "anzahl"),
    ("davon_41", "davon junge Volljährige (§ 41)", "anzahl"),
    ("eckwert", "Eckwert (je 1.000 unter 21)", "eckwert"),
    ("fallmonate", "Fallmonate", "fallmonate"),
    ("ausgaben_eur", "Ausgaben", "eur"),
    ("einnahmen_eur", "Einnahmen (Kostenbeiträge, Erstattungen)", "eur"),
    ("netto_eur", "Netto-Ausgaben", "eur"),
    ("eur_je_fallmonat", "Netto je Fallmonat", "je_fallmonat"),
)
_WUERFEL = {"hilfen_summe": "hilfen"}


def seiten(k: Kontext) -> list[Seite]:
    return [seite(k, s) for s in k.daten.sozialraeume]


def seite(k: Kontext, sr: str) -> Seite:
    d, g, jahr = k.daten, k.g, k.jahr
    n = 0
    region = d.regionen.get(sr, "")

    # ---- tiles
    budget = d["budget_auslastung"]
    b = budget[(budget["haushaltsjahr"] == jahr) & (budget["sozialraum"] == sr)]
    deckel = b["budget_eur"].sum() if b["budget_eur"].notna().any() else None
    prog = b["prognose_jahresende_eur"].sum() if not b.empty else None
    netto_bis = b["netto_bis_stand_eur"].sum() if not b.empty else None
    entscheidend = bu.schlimmste(b)  # the Teilplan whose light is the social space's (AMPEL_REGEL)
    schlimmste = entscheidend["ampel"] if entscheidend is not None else None
    ew, ew_kreis = g.eckwert(jahr, sr), g.eckwert(jahr, KREIS)
    kacheln = h.kacheln(
        h.kachel(f"laufend am {datum(d.stichtag)}", anzeige(*g.jahr(jahr, "laufend_31_12", sr), zahl), "Hilfen",
                 anzahl=True),
        h.kachel(f"Hilfen {k.jahr_label()}", anzeige(*g.jahr(jahr, "hilfen", sr), zahl),
                 "laufend + im Jahr beendet", anzahl=True),
        h.kachel("Eckwert", quote_anzeige(ew, lambda v: zahl(v, 1)),
                 f"je 1.000 unter 21 · Kreis {quote_anzeige(ew_kreis, lambda v: zahl(v, 1))}"),
        h.kachel(f"Netto bis {datum(d.stand_buchungen)}", eur(netto_bis, 0) if netto_bis is not None else ".",
                 f"Budget {eur(deckel, 0)}" if deckel else "ohne Budget"),
        h.kachel("Prognose Jahresende", eur(prog, 0) if prog is not None else ".",
                 (f"{prozent(prog / deckel * 100)} des Budgets (alle Teilpläne)" if deckel and prog is not None
                  else ""), klasse="prognose"),
        h.kachel("Ampel", bu.AMPEL_LABEL.get(schlimmste, "–"),
                 (f"schlechtester Teilplan: {d.teilplan_label(entscheidend['teilplan'])}, "
                  f"{prozent(entscheidend['prognose_auslastung_pct'])}" if entscheidend is not None else "ohne Budget"),
                 klasse=f"ampel-kachel {schlimmste or ''}".strip()),
    )
    hinweis = (f"Sozialraum {sr}, Region {region}. Berichtsjahr {k.jahr_label()}; "
               f"Zuordnung der Hilfen nach ihrem Wohnort am jeweiligen Stichtag." if region else "")

    # ---- months: running by help type
    m = d["fallzahlen_monat"]
    monate = sorted(pd.to_datetime(m["monat"]).unique())
    x = [pd.Timestamp(t).strftime("%Y-%m-%d") for t in monate]
    codes = [c for c in d.hilfearten["hilfeart"] if c in set(m["hilfeart"])]
    farben = charts.farbe_hilfeart(codes)
    zeigen = [c for c in codes if c not in g.seltene]
    reihen, geschuetzt = [], [False] * len(monate)
    for c in zeigen + ([UEBRIGE] if g.seltene else []):
        werte = []
        for i, t in enumerate(monate):
            w, st = g.monat(t, "laufend_monatsende", sr, c)
            werte.append(None if st in GESPERRT else w)
            geschuetzt[i] |= st in GESPERRT
        if any(v is None or v for v in werte):
            name = d.hilfeart_label(c) if c != UEBRIGE else f"übrige ({', '.join(d.hilfeart_kurz(s) for s in g.seltene)})"
            reihen.append((name, werte, farben.get(c, charts.GRAU)))
    gesamt = []
    for t in monate:
        w, st = g.monat(t, "laufend_monatsende", sr, ALLE)
        gesamt.append(None if st in GESPERRT else w)
    fig = charts.monate_gestapelt(x, reihen, gesamt)
    n += 1
    notiz = ("Hilfen, die am letzten Tag des Monats liefen (im laufenden Monat: am Stichtag), gestapelt nach "
             "Hilfeart; die Linie ist die Summe.")
    if g.seltene:
        notiz += (f" Seltene Hilfearten ({', '.join(d.hilfeart_kurz(s) for s in g.seltene)}) sind zu „übrige“ "
                  f"zusammengefasst, damit kleine Zahlen nicht erkennbar werden.")
    if any(geschuetzt):
        notiz += (" In Monaten mit geschützten Hilfearten (<3 oder gesperrt) stehen diese zusammen im schraffierten "
                  "Teil (Summe minus die gezeigten Hilfearten); ist auch die Summe geschützt, fehlt der Monat "
                  "(grau hinterlegt).")
    laufend = h.abbildung(charts.einbetten(fig, "sr-laufend"), "Laufende Hilfen am Monatsende", notiz)

    # ---- begun / ended
    beg, end, schutz = [], [], []
    for t in monate:
        wb, sb = g.monat(t, "begonnen", sr, ALLE)
        we, se = g.monat(t, "beendet", sr, ALLE)
        beg.append(None if sb in GESPERRT else wb)
        end.append(None if se in GESPERRT else we)
        schutz.append(sb in GESPERRT or se in GESPERRT)
    fig = charts.begonnen_beendet(x, beg, end, schutz)
    n += 1
    notiz = "Hilfen, die im Monat begonnen bzw. beendet wurden (Beginn- bzw. Endedatum im Monat), alle Hilfearten."
    if any(schutz):
        notiz += (" Grau hinterlegt: Monate mit geschütztem Wert (kleine Zahlen unter 3 und Werte, aus denen "
                  "sich über die Jahressumme eine kleine Zahl errechnen ließe); der Wert fehlt, er ist nicht null.")
    zugang = h.abbildung(charts.einbetten(fig, "sr-beginn-ende"), "Begonnene und beendete Hilfen je Monat", notiz)

    # ---- money against the cap, cost per case-month, providers, year over year
    budget_teil, c = _budget(k, sr, b, deckel)
    n += c
    kosten, c = _kosten(k, sr, codes, farben)
    n += c
    traeger, c = _traeger(k, sr)
    n += c
    inhalt = h.seite("sozialraum.html", kacheln=kacheln, hinweis=hinweis, laufend=laufend, zugang=zugang, jahr=jahr,
                     jahr_label=k.jahr_label(), budget=budget_teil, ampel_regel=bu.AMPEL_REGEL, kosten=kosten,
                     traeger=traeger, vorjahr=_vorjahr(k, sr))
    return Seite(sozialraum_datei(sr), f"Sozialraum {sr}", inhalt, n, sr)


def _budget(k: Kontext, sr: str, b: pd.DataFrame, deckel) -> tuple[dict, int]:
    """The chart of the year's money against the cap and the table per Teilplan (None without budget rows)."""
    d, jahr = k.daten, k.jahr
    am = d["ausgaben_monat"].copy()
    am["monat"] = pd.to_datetime(am["monat"])
    am = am[am["sozialraum"] == sr]
    dieses = am[am["monat"].dt.year == jahr].groupby("monat")["netto_eur"].sum()
    vor = am[am["monat"].dt.year == jahr - 1].groupby("monat")["netto_eur"].sum()
    alle_monate = [dt.date(jahr, i, 1) for i in range(1, 13)]
    x = [t.isoformat() for t in alle_monate]
    netto = [float(dieses.get(pd.Timestamp(t), 0.0)) if pd.Timestamp(t) in dieses.index else None for t in alle_monate]
    letzter = max((i for i, v in enumerate(netto) if v is not None), default=-1)
    kum, s = [], 0.0
    for v in netto[:letzter + 1]:
        s += v or 0.0
        kum.append(round(s, 2))
    vorjahr = None
    if not vor.empty:
        vk = vor.reindex([pd.Timestamp(jahr - 1, i, 1) for i in range(1, 13)], fill_value=0.0).cumsum()
        vorjahr = (f"kumuliert {jahr - 1}", [round(float(v), 2) for v in vk.to_numpy()])
    prognose, band_text = None, ""
    prog_rows = b[b["prognose_basis"] == "prognose"]
    if not prog_rows.empty and letzter >= 0 and letzter < 11:
        wert = float(prog_rows["prognose_jahresende_eur"].sum())
        prognose = {"von_monat": x[letzter], "von_wert": kum[-1], "jahresende": x[-1], "wert": wert,
                    "text": f"Prognose {mio_eur(wert, 2)}"}
        if prog_rows["prognose_oben_eur"].notna().all():
            lo, hi = float(prog_rows["prognose_unten_eur"].sum()), float(prog_rows["prognose_oben_eur"].sum())
            prognose["band"] = (lo, hi)
            prognose["band_name"] = f"Spanne {mio_eur(lo, 2)} – {mio_eur(hi, 2)}"
            band_text = (f" Das Band ist die Spanne der Prognose: je Teilplan die mittleren {bu.SPANNE_PCT} % der "
                         f"Abweichungen, mit denen das Jahresende früherer Jahre neben der Prognose vom selben Monat "
                         f"lag (bei weniger als {bu.SPANNE_MIN_JAHRE} eigenen Jahren die desselben Teilplans in "
                         f"allen Sozialräumen), hier über die Teilpläne "
                         f"addiert. Erreicht die Spanne eines Teilplans sein Budget, ist seine Ampel mindestens gelb.")
    fig = charts.budget_verlauf(x, netto, kum, deckel, prognose, vorjahr)
    notiz = (f"Netto-Ausgaben (Auszahlungen abzüglich Kostenbeiträge und Erstattungen) je Buchungsmonat {jahr} und "
             f"aufsummiert seit Januar, gegen das Budget (Summe der Teilplan-Budgets des Sozialraums, rote Linie). "
             f"Gepunktet: derselbe Verlauf im Vorjahr.")
    if prognose:
        notiz += (" Die gestrichelte Linie führt zur Prognose des Jahresendes aus den laufenden Hilfen und dem "
                  "Verlauf der Vorjahre." + band_text)
    grafik = h.abbildung(charts.einbetten(fig, "sr-budget"), f"Netto-Ausgaben {jahr} gegen das Budget", notiz)
    kopf = ["Teilplan", "Budget", f"Ist bis {datum(d.stand_buchungen)}", "Prognose Jahresende",
            f"Spanne ({bu.SPANNE_PCT} %)", "Auslastung", "Ampel", "Restmittel"]
    zeilen = []
    for r in b.sort_values("teilplan").itertuples(index=False):
        spanne = "." if r.prognose_oben_eur != r.prognose_oben_eur or r.prognose_oben_eur is None else \
            f"{eur(r.prognose_unten_eur, 0)} – {eur(r.prognose_oben_eur, 0)}"
        zeilen.append([h.Zelle(d.teilplan_label(r.teilplan)), h.betrag(eur(r.budget_eur)),
                       h.betrag(eur(r.netto_bis_stand_eur)), h.betrag(eur(r.prognose_jahresende_eur)),
                       h.betrag(spanne), h.betrag(prozent(r.prognose_auslastung_pct)),
                       h.ampel(r.ampel), h.betrag(eur(r.restmittel_eur), extra="negativ" if (r.restmittel_eur or 0) < 0 else "")])
    tab = h.tabelle(kopf, zeilen, beschriftung=f"Budgetauslastung {jahr} je Teilplan") if zeilen else None
    return {"abbildung": grafik, "tabelle": tab}, 1


def _kosten(k: Kontext, sr: str, codes: list[str], farben: dict) -> tuple[dict, int]:
    d, g = k.daten, k.g
    kf = d["kosten_je_fall"]
    kf = kf[kf["sozialraum"] == sr]
    jahre = d.jahre
    codes = g.hilfearten_jahr([c for c in d.hilfearten["hilfeart"] if c in set(kf["hilfeart"])])
    kopf = ["Hilfeart", *[k.jahr_kurz(j) for j in jahre]]
    zeilen, quoten = [], {}
    for c in codes:
        row = [h.Zelle(_label(d, g, c))]
        for j in jahre:
            r = kf[(kf["hilfeart"].isin(g.seltene_jahr if c == UEBRIGE else [c])) & (kf["jahr"] == j)]
            fm = r["fallmonate"].sum()
            wert = (r["netto_periodengerecht_eur"].sum() / fm if fm and r["netto_periodengerecht_eur"].notna().any()
                    else None) if c == UEBRIGE else (r["eur_je_fallmonat"].iloc[0] if not r.empty else None)
            q = g.je_fallmonat(wert, j, sr, c)
            quoten[(c, j)] = q
            row.append(h.quote(q, lambda v: eur(v, 0)))
        zeilen.append(row)
    fuss = [h.Zelle("alle Hilfearten")]
    for j in jahre:
        r = kf[kf["jahr"] == j]
        fm = r["fallmonate"].sum()
        wert = r["netto_periodengerecht_eur"].sum() / fm if fm else None
        fuss.append(h.quote(g.je_fallmonat(wert, j, sr, ALLE), lambda v: eur(v, 0)))
    tab = h.tabelle(kopf, zeilen, fuss=[fuss], beschriftung="Netto je Fallmonat (periodengerecht)")
    vergleich = [j for j in (k.jahr - 1, k.jahr) if j in jahre]
    reihen = [(k.jahr_label(j), [quoten[(c, j)].fuer_chart for c in codes], col)
              for j, col in zip(vergleich, ("#9dbfe3", charts.BLAU))]
    mit_wert = [i for i, c in enumerate(codes) if any(r[1][i] is not None for r in reihen)]
    reihen = [(n_, [w[i] for i in mit_wert], col) for n_, w, col in reihen]
    kategorien = [_label(d, g, codes[i]) for i in mit_wert]
    fig = charts.gruppierte_balken(kategorien, reihen, "quote", "Euro je Fallmonat", "%{x:,.0f} €",
                                   hoehe=max(280, 60 + 42 * len(kategorien)))
    notiz = ("Netto-Ausgaben der Hilfen, periodengerecht auf die Leistungsmonate verteilt, geteilt durch die "
             "Fallmonate (Tage mit laufender Hilfe ÷ Tage des Monats). Buchungen ohne Hilfe zählen nicht. ")
    notiz += "„.“: keine Buchungen zu dieser Hilfeart (z. B. Beratung durch eigene Dienste). "
    notiz += (f"Gezeigt erst ab {MINDESTNENNER_FAELLE} Hilfen im Jahr; Hilfearten mit weniger fehlen („/“)."
              if not k.intern else "Werte mit weniger als "
              f"{MINDESTNENNER_FAELLE} Hilfen stehen in der Tabelle in Klammern (eingeschränkte Aussagekraft).")
    return {"abbildung": h.abbildung(charts.einbetten(fig, "sr-kosten"), "Netto je Fallmonat nach Hilfeart", notiz),
            "tabelle": tab}, 1


def _label(d, g, code: str) -> str:
    if code == UEBRIGE:
        return f"übrige ({', '.join(d.hilfeart_kurz(s) for s in g.seltene_jahr)})"
    return d.hilfeart_label(code)


def _traeger(k: Kontext, sr: str) -> tuple[dict | None, int]:
    """The providers' shares: chart and table; None when the year has no booking with a provider."""
    d = k.daten
    t = d.traeger_sozialraum
    t = t[(t["sozialraum"] == sr) & (t["jahr"] == k.jahr)].copy()
    if t.empty:
        return None, 0
    namen = d["traeger_kennzahlen"].sort_values("jahr").drop_duplicates("traeger_id", keep="last") \
        .set_index("traeger_id")
    t["name"] = [namen["name"].get(i, i) if isinstance(i, str) else OHNE_TRAEGER for i in t["traeger_id"]]
    t["art"] = [namen["traegerart_bezeichnung"].get(i, "") if isinstance(i, str) else "" for i in t["traeger_id"]]
    liste, n_gesammelt = sammeln(t[["name", "art", "hilfen", "netto_eur"]], "hilfen", ["netto_eur"], "name",
                                    "weitere Träger mit je wenigen Hilfen", intern=k.intern)
    gesamt = float(t["netto_eur"].sum())
    liste["anteil"] = liste["netto_eur"] / gesamt * 100 if gesamt else None
    gesammelt = liste["name"].astype(str).str.startswith("weitere Träger")
    liste = pd.concat([liste[~gesammelt].sort_values("netto_eur", ascending=False), liste[gesammelt]])
    zeilen = []
    for r in liste.itertuples(index=False):
        st = einzelzahl(r.hilfen, k.intern)
        zeilen.append([h.Zelle(r.name), h.text(r.art if isinstance(r.art, str) else ""), h.anzahl(r.hilfen, st),
                       h.betrag(eur(r.netto_eur), abhaengig(st)), h.betrag(prozent(r.anteil), abhaengig(st))])
    tab = h.tabelle(["Träger", "Art", "Hilfen", "Netto", "Anteil"], zeilen, kopf_zahl_ab=2,
                    fuss=[[h.Zelle("alle Träger"), h.text(""), h.text(""), h.betrag(eur(gesamt)), h.betrag("100,0 %")]],
                    beschriftung=f"Netto-Ausgaben {k.jahr_label()} je Träger")
    sichtbar = [(r.name, r.anteil) for r in liste.itertuples(index=False)
                if einzelzahl(r.hilfen, k.intern) == OFFEN]
    sichtbar = sichtbar[:14] + [s for s in sichtbar[14:] if s[0].startswith("weitere Träger")]
    fig = charts.balken([s[0] for s in sichtbar], [round(float(s[1]), 1) for s in sichtbar], "prozent",
                        "Anteil an den Netto-Ausgaben in %", "%{y}: %{x:,.1f} %", horizontal=True,
                        hoehe=max(260, 70 + 30 * len(sichtbar)),
                        texte=[prozent(s[1]) for s in sichtbar])
    notiz = (f"Anteil jedes Trägers an den Netto-Ausgaben {k.jahr_label()} der Hilfen in diesem Sozialraum "
             f"(Buchungen nach Haushaltsjahr). „{OHNE_TRAEGER}“: Zahlungen ohne Träger, etwa Pflegegeld an "
             f"Pflegeeltern. Hilfen = Hilfen mit einer Buchung beim Träger im Jahr.")
    if n_gesammelt:
        notiz += (f" {n_gesammelt} Träger mit je weniger als {MINDESTFALLZAHL} Hilfen sind zu einer Zeile "
                  f"zusammengefasst, damit keine einzelne Hilfe erkennbar wird.")
    if len(liste) > 15:
        notiz += " Das Diagramm zeigt die 14 größten; die Tabelle alle."
    return {"abbildung": h.abbildung(charts.einbetten(fig, "sr-traeger"), "Anteile der Träger", notiz),
            "tabelle": tab}, 1


def _vorjahr(k: Kontext, sr: str) -> dict:
    """The social space's figures per year and the change of the last closed year, with a note."""
    d = k.daten
    v = d["vorjahresvergleich"]
    v = v[v["sozialraum"] == sr]
    jahre = d.jahre
    geschlossen = [j for j in jahre if j < d.letztes_jahr or (d.berichtsstand.month, d.berichtsstand.day) == (12, 31)]
    vgl = geschlossen[-1] if len(geschlossen) >= 2 else None
    kopf = ["Kennzahl", *[k.jahr_kurz(j) for j in jahre]]
    if vgl:
        kopf += [f"Veränderung {vgl} zu {vgl - 1}", "in %"]
    zeilen = []
    for kz, label, art in KENNZAHLEN:
        zellen, status = [h.Zelle(label)], {}
        for j in jahre:
            r = v[(v["jahr"] == j) & (v["kennzahl"] == kz)]
            wert = r["wert"].iloc[0] if not r.empty else None
            zelle, st = _kennzahl_zelle(k, art, kz, wert, j, sr)
            status[j] = (wert, st)
            zellen.append(zelle)
        if vgl:
            (w1, s1), (w0, s0) = status.get(vgl, (None, "fehlt")), status.get(vgl - 1, (None, "fehlt"))
            ok = s1 == s0 == OFFEN and w1 is not None and w0 is not None and w1 == w1 and w0 == w0
            stellen = 2 if art in ("eur", "je_fallmonat") else (1 if art in ("eckwert", "fallmonate") else 0)
            if ok:
                diff = w1 - w0
                zellen.append(h.betrag(vorzeichen(diff, stellen) + ("\u00a0€" if art in ("eur", "je_fallmonat") else "")))
                zellen.append(h.betrag(prozent_vz(diff / abs(w0) * 100) if w0 else "."))
            else:
                zellen += [h.betrag(ZEICHEN_GESPERRT if art == "anzahl" else ZEICHEN_NICHT_SICHER),
                           h.betrag(ZEICHEN_GESPERRT if art == "anzahl" else ZEICHEN_NICHT_SICHER)]
        zeilen.append(zellen)
    notiz = ("Kennzahlen des Sozialraums je Jahr. Fallzahlen am 31.12. bzw. im Jahr; Geld nach Buchungsdatum "
             "(Haushaltsjahr); Fallmonate und Netto je Fallmonat periodengerecht.")
    if jahre and jahre[-1] == d.letztes_jahr and (d.berichtsstand.month, d.berichtsstand.day) != (12, 31):
        notiz += f" * {d.letztes_jahr}: nur bis zum Stichtag {datum(d.berichtsstand)}, mit Vorjahren nicht vergleichbar."
    return {"tabelle": h.tabelle(kopf, zeilen, beschriftung="Kennzahlen je Jahr"), "notiz": notiz}


def _kennzahl_zelle(k: Kontext, art: str, kz: str, wert, jahr: int, sr: str):
    g = k.g
    if art == "anzahl":
        w, st = g.jahr(jahr, _WUERFEL.get(kz, kz), sr, ALLE)
        return h.anzahl(w, st), st
    if art == "eckwert":
        q = g.eckwert(jahr, sr)
        return h.quote(q, lambda v: zahl(v, 1)), (OFFEN if q.zeigen in ("offen", "eingeschraenkt") else "gesperrt")
    if art == "fallmonate":
        st = g.zu_fallzahl(jahr, sr)
        return h.betrag(zahl(wert, 1), st), st
    if art == "je_fallmonat":
        q = g.je_fallmonat(wert, jahr, sr)
        return h.quote(q, lambda v: eur(v)), (OFFEN if q.zeigen in ("offen", "eingeschraenkt") else "gesperrt")
    return h.betrag(eur(wert)), OFFEN
