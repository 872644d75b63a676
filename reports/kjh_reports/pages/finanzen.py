"""Finanzen: every social space and Teilplan against its cap, the forecast, the traffic light and the
Segeberg rule (the share of the unspent amount that stays in the region); the worst first.

Laid out by the template finanzen.html."""

from kjh.format import MONATE, datum, eur, mio_eur, prozent
from kjh_reports import budget as bu
from kjh_reports import charts
from kjh_reports import html as h
from kjh_reports.pages import Kontext, Seite, sozialraum_datei


def _spanne(r) -> str:
    """'1,20 – 1,35 Mio. €' (* when taken from all social spaces), '.' without a forecast range."""
    if r.prognose_unten_eur is None or r.prognose_unten_eur != r.prognose_unten_eur:
        return "."
    stern = "*" if r.prognose_spanne_basis != "eigene" else ""
    return f"{mio_eur(r.prognose_unten_eur, 2)} – {mio_eur(r.prognose_oben_eur, 2)}{stern}"


def seite(k: Kontext) -> Seite:
    d, jahr = k.daten, k.jahr
    b = d["budget_auslastung"]
    b = b[b["haushaltsjahr"] == jahr].copy()
    b["region"] = [d.regionen.get(s, "") for s in b["sozialraum"]]
    b["nicht_verbraucht"] = (b["budget_eur"] - b["prognose_jahresende_eur"]).clip(lower=0)
    # the worst first: highest forecast use of the cap; rows without a budget at the end
    b = b.sort_values(["prognose_auslastung_pct", "sozialraum", "teilplan"], ascending=[False, True, True],
                      na_position="last")
    n = 0
    basis = "Prognose" if (b["prognose_basis"] == "prognose").any() else "Ist"
    mit_budget = b[b["budget_eur"].notna()]
    s = bu.summen(b)
    pseudo = ", ".join(s["pseudo"]) or "ohne Sozialraum"
    n_rot, n_gelb = int((b["ampel"] == "rot").sum()), int((b["ampel"] == "gelb").sum())
    kacheln = h.kacheln(
        h.kachel(f"Budgets {jahr}", eur(s["budget"], 0), "Summe aller Sozialraum-Teilpläne"),
        h.kachel(f"Ist bis {datum(d.stand_buchungen)}", eur(s["ist_mit_budget"], 0),
                 f"budgetierte Teilpläne · mit „{pseudo}“: {eur(s['ist_alle'], 0)}"),
        h.kachel(f"{basis} Jahresende", eur(s["prognose_mit_budget"], 0),
                 f"{prozent(s['pct_mit_budget'])} der Budgets (budgetierte Teilpläne)" if s["budget"] else "",
                 klasse="kreis-ohne"),
        h.kachel(f"{basis} Jahresende mit „{pseudo}“", eur(s["prognose_alle"], 0),
                 (f"{prozent(s['pct_alle'])} der Budgets, einschließlich {eur(s['prognose_ohne_budget'], 0)} "
                  f"ohne Sozialraum") if s["budget"] else "",
                 klasse="kreis-mit" + (" rot" if s["pct_alle"] and s["pct_alle"] > bu.AMPEL_ROT_UEBER_PCT else "")),
        h.kachel("Ampeln", f"{n_rot} rot · {n_gelb} gelb", f"von {len(mit_budget)} Teilplänen mit Budget",
                 klasse="rot" if n_rot else ("gelb" if n_gelb else "gruen")),
    )
    hinweis = (
        f"Haushaltsjahr {jahr}, Buchungen bis {datum(d.stand_buchungen)}. Netto = Auszahlungen abzüglich "
        f"Kostenbeiträge und Erstattungen, nach Buchungsdatum. Buchungen ohne Sozialraum („{pseudo}“, etwa "
        f"fallunabhängige Leistungen) haben kein Budget: die Summen stehen ohne und mit ihnen da. "
        + bu.AMPEL_REGEL)

    # ---- chart: use of the cap, with the forecast's range
    mb = mit_budget.sort_values("prognose_auslastung_pct", ascending=False)
    namen = [f"{r.sozialraum} · {d.teilplan_label(r.teilplan)}" for r in mb.itertuples(index=False)]
    spanne = None
    if mb["prognose_oben_eur"].notna().any():
        # a share of the cap only where there is a cap (a budget of 0 € has no percentage)
        spanne = ([float(u / b_ * 100) if u == u and b_ else None for u, b_ in zip(mb["prognose_unten_eur"], mb["budget_eur"])],
                  [float(o / b_ * 100) if o == o and b_ else None for o, b_ in zip(mb["prognose_oben_eur"], mb["budget_eur"])])
    fig = charts.balken(namen, mb["prognose_auslastung_pct"].tolist(), "prozent",
                        f"{basis} Jahresende in % des Budgets", "%{y}: %{x:,.1f} %",
                        farben=[charts.FARBE_AMPEL.get(a, charts.GRAU) for a in mb["ampel"]],
                        referenz=("Budget = 100 %", 100.0), horizontal=True, hoehe=max(320, 80 + 26 * len(namen)),
                        texte=[prozent(v) for v in mb["prognose_auslastung_pct"]], spanne=spanne)
    n += 1
    auslastung = h.abbildung(
        charts.einbetten(fig, "fin-auslastung"), f"{basis} des Jahresendes {jahr} in % des Budgets",
        "Je Sozialraum und Teilplan: erwartete Netto-Ausgaben zum Jahresende geteilt durch das Budget, die "
        "schlechtesten oben; Farbe = Ampel. Die Prognose rechnet die laufenden Hilfen bis Dezember fort und "
        "berücksichtigt, wie sich frühere Jahre nach diesem Monat noch entwickelt haben. Der Strich am Balken ist "
        f"die Spanne: so weit lag das Jahresende in {bu.SPANNE_PCT} % der früheren Jahre neben der Prognose vom "
        "selben Monat, für diesen Sozialraum und Teilplan.")

    # ---- table Teilplan
    kopf = ["Sozialraum", "Teilplan", "Region", "Budget", f"Ist bis {datum(d.stand_buchungen)}",
            f"{basis} Jahresende", f"Spanne ({bu.SPANNE_PCT} %)", "Auslastung", "Ampel", "Restmittel",
            "voraussichtlich nicht verbraucht"]
    zeilen = []
    for r in b.itertuples(index=False):
        zeilen.append([h.Zelle(r.sozialraum), h.text(d.teilplan_label(r.teilplan)), h.text(r.region),
                       h.betrag(eur(r.budget_eur)), h.betrag(eur(r.netto_bis_stand_eur)),
                       h.betrag(eur(r.prognose_jahresende_eur)), h.betrag(_spanne(r)),
                       h.betrag(prozent(r.prognose_auslastung_pct)), h.ampel(r.ampel),
                       h.betrag(eur(r.restmittel_eur), extra="negativ" if (r.restmittel_eur or 0) < 0 else ""),
                       h.betrag(eur(r.nicht_verbraucht))])
    fuss = [[h.Zelle("Summe mit Budget"), h.text(""), h.text(""), h.betrag(eur(s["budget"])),
             h.betrag(eur(s["ist_mit_budget"])), h.betrag(eur(s["prognose_mit_budget"])), h.text(""),
             h.betrag(prozent(s["pct_mit_budget"]) if s["budget"] else "."), h.text(""),
             h.betrag(eur(mit_budget["restmittel_eur"].sum())), h.betrag(eur(mit_budget["nicht_verbraucht"].sum()))],
            [h.Zelle(f"Kreis gesamt mit „{pseudo}“"), h.text(""), h.text(""), h.betrag(eur(s["budget"])),
             h.betrag(eur(s["ist_alle"])), h.betrag(eur(s["prognose_alle"])), h.text(""),
             h.betrag(prozent(s["pct_alle"]) if s["budget"] else "."), h.text(""), h.text(""), h.text("")]]
    notiz = ("Restmittel = Budget − Ist bis zum Stand (was noch ausgegeben werden kann); voraussichtlich nicht "
             "verbraucht = Budget − Prognose, wenn positiv. Spanne: Prognose mal die Abweichungen der früheren "
             f"Jahre (mittlere {bu.SPANNE_PCT} %) dieses Sozialraums und Teilplans; bei weniger als "
             f"{bu.SPANNE_MIN_JAHRE} eigenen Jahren die desselben Teilplans in allen Sozialräumen (mit * markiert).")
    if s["pseudo"]:
        notiz += (f" „{pseudo}“: Buchungen ohne Hilfe (z. B. fallunabhängige Leistungen, Zuschüsse) "
                  f"bzw. ohne bekannten Sozialraum; sie haben kein Budget und stehen am Ende. Die Zeile „Kreis "
                  f"gesamt mit …“ rechnet sie gegen die Summe der Budgets.")
    teilplaene = h.tabelle(kopf, zeilen, fuss=fuss, kopf_zahl_ab=3,
                           beschriftung=f"Budgetauslastung {jahr}, die schlechtesten zuerst")

    # ---- Segeberg rule
    v = d["budget_verbleib_jahr"]
    vj = v[v["haushaltsjahr"] == jahr].copy()
    vj["auslastung"] = vj["netto_jahresende_eur"] / vj["budget_eur"] * 100
    vj = vj.sort_values("auslastung", ascending=False)
    zeilen = []
    for r in vj.itertuples(index=False):
        zeilen.append([h.Zelle(r.sozialraum), h.text(r.region), h.betrag(eur(r.budget_eur)),
                       h.betrag(eur(r.netto_jahresende_eur)), h.betrag(prozent(r.auslastung)),
                       h.betrag(eur(r.unterschreitung_eur)), h.betrag(eur(r.verbleib_region_mindestens_eur))])
    fuss = [[h.Zelle("Summe"), h.text(""), h.betrag(eur(vj["budget_eur"].sum())),
             h.betrag(eur(vj["netto_jahresende_eur"].sum())), h.text(""),
             h.betrag(eur(vj["unterschreitung_eur"].sum())), h.betrag(eur(vj["verbleib_region_mindestens_eur"].sum()))]]
    tab = h.tabelle(["Sozialraum", "Region", "Budget", f"Netto Jahresende ({basis})", "Auslastung",
                     "nicht verbraucht", "bleibt mindestens in der Region"], zeilen, fuss=fuss, kopf_zahl_ab=2,
                    beschriftung=f"Verbleib nicht verbrauchter Mittel {jahr}")
    regionen = vj.groupby("region", as_index=False)[["unterschreitung_eur", "verbleib_region_mindestens_eur"]].sum()
    tab_r = h.tabelle(["Region", "nicht verbraucht", "bleibt mindestens in der Region"],
                      [[h.Zelle(r.region), h.betrag(eur(r.unterschreitung_eur)),
                        h.betrag(eur(r.verbleib_region_mindestens_eur))] for r in regionen.itertuples(index=False)],
                      beschriftung="je Region")
    hist = v.pivot_table(index="sozialraum", columns="haushaltsjahr", values="verbleib_region_mindestens_eur",
                         aggfunc="sum")
    tab_h = h.tabelle(["Sozialraum", *[k.jahr_kurz(int(j)) for j in hist.columns]],
                      [[h.Zelle(s), *[h.betrag(eur(hist.at[s, j])) for j in hist.columns]] for s in hist.index],
                      beschriftung="Mindestens in der Region verbleibend, alle Jahre")
    verbleib = [tab, tab_r, tab_h]

    # ---- how far to trust the forecast
    pg = d["prognose_genauigkeit"].sort_values(["ebene", "prognosemonat"])
    genauigkeit = None
    if not pg.empty:
        zeilen = []
        for mnr in sorted(pg["prognosemonat"].unique()):
            row = [h.Zelle(f"Ende {MONATE[int(mnr) - 1]}")]
            for ebene in ("kreis_teilplan", "sozialraum_teilplan"):
                r = pg[(pg["ebene"] == ebene) & (pg["prognosemonat"] == mnr)]
                row += [h.betrag(prozent(r["wape_pct"].iloc[0]) if not r.empty else "."),
                        h.betrag(prozent(r["wape_linear_pct"].iloc[0]) if not r.empty else ".")]
            zeilen.append(row)
        r0 = pg.iloc[0]
        genauigkeit = h.tabelle(
            ["Prognose vom", "Kreis je Teilplan", "gerade Linie", "Sozialraum × Teilplan", "gerade Linie"],
            zeilen, beschriftung=f"Mittlerer Fehler der Jahresend-Prognose im Rückblick "
                                 f"{int(r0['erstes_jahr'])}–{int(r0['letztes_jahr'])}")
    inhalt = h.seite("finanzen.html", kacheln=kacheln, hinweis=hinweis, auslastung=auslastung, teilplaene=teilplaene,
                     teilplaene_notiz=notiz, verbleib=verbleib, genauigkeit=genauigkeit,
                     links=[h.Link(sozialraum_datei(s), s) for s in d.sozialraeume])
    return Seite("finanzen.html", "Finanzen", inhalt, n, "Finanzen")

