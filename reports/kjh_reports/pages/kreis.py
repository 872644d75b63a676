"""Kreisübersicht: the social spaces side by side (template kreis.html)."""
import pandas as pd

from kjh.format import eur, zahl
from kjh.geheimhaltung.quoten import Quote, quote
from kjh.geheimhaltung.regel import GESPERRT
from kjh.geheimhaltung.zeichen import anzeige, quote_anzeige
from kjh_reports import charts, funnel
from kjh_reports import html as h
from kjh_reports.daten import KREIS
from kjh_reports.pages import Kontext, Seite, sozialraum_datei
from kjh_reports.schutz import ALLE

SETTINGS = ("ambulant", "teilstationaer", "stationaer")


def netto_je_einwohner(k: Kontext) -> pd.DataFrame:
    """Net expenditure (cash) per resident under 21, per year and social space, and for the county.

    The county figure includes bookings without a social space; a social space's only its own bookings.
    """
    a = k.daten["ausgaben_jahr"].groupby(["haushaltsjahr", "sozialraum"], as_index=False)["netto_eur"].sum()
    kreis = a.groupby("haushaltsjahr", as_index=False)["netto_eur"].sum().assign(sozialraum=KREIS)
    a = pd.concat([a, kreis]).rename(columns={"haushaltsjahr": "jahr"})
    e = k.daten["eckwerte_jahr"][["jahr", "sozialraum", "einwohner_0_20"]]
    m = a.merge(e, on=["jahr", "sozialraum"], how="inner")
    m["je_einwohner"] = m["netto_eur"] / m["einwohner_0_20"]
    m["quote"] = [quote(v, einwohner=n, intern=k.intern) for v, n in zip(m["je_einwohner"], m["einwohner_0_20"])]
    return m


def seite(k: Kontext) -> Seite:
    d, g, jahr = k.daten, k.g, k.jahr
    sr = [s for s in d.sozialraeume]
    farben = charts.farbe_sozialraum(sr)
    n_charts = 0

    # ---- tiles
    hilfen, st_h = g.jahr(jahr, "hilfen")
    laufend, st_l = g.jahr(jahr, "laufend_31_12")
    ew = g.eckwert(jahr, KREIS)
    nje = netto_je_einwohner(k)
    nje_kreis = nje[(nje["jahr"] == jahr) & (nje["sozialraum"] == KREIS)]
    kacheln = h.kacheln(
        h.kachel(f"Hilfen {k.jahr_label()}", anzeige(hilfen, st_h, zahl),
                 "am Stichtag laufend + im Jahr beendet", anzahl=True),
        h.kachel(f"laufend am {_stichtag(k)}", anzeige(laufend, st_l, zahl), "Hilfen, Kreis gesamt",
                 anzahl=True),
        h.kachel("Eckwert Kreis", quote_anzeige(ew, lambda v: zahl(v, 1)), "Hilfen je 1.000 unter 21-Jährige"),
        h.kachel("Netto-Ausgaben je Einwohner u21",
                 quote_anzeige(nje_kreis["quote"].iloc[0], lambda v: eur(v, 0)) if not nje_kreis.empty else ".",
                 f"{k.jahr_label()}, alle Buchungen"),
    )
    hinweis = (
        f"Berichtsjahr {k.jahr_label()}. Gezählt werden die Hilfen zur Erziehung, die Eingliederungshilfe nach "
        f"§ 35a, die Hilfen für junge Volljährige (§ 41) und die Inobhutnahmen des Kreises. "
        f"Die Sozialräume werden nach dem Wohnort der Hilfe am Stichtag zugeordnet.")

    # ---- settings per social space
    je_setting = {s: [_w(g, jahr, f"davon_{s}", x) for x in sr] for s in SETTINGS}
    lauf = [_w(g, jahr, "laufend_31_12", x) for x in sr]
    fig = charts.setting_balken(sr, je_setting, lauf, [_w(g, jahr, "hilfen", x) for x in sr])
    n_charts += 1
    grafik = h.abbildung(
        charts.einbetten(fig, "kreis-setting"), f"Hilfen im Jahr {k.jahr_label()} nach Setting",
        "Je Sozialraum die Hilfen des Jahres (am Stichtag laufende und im Jahr beendete Hilfen), gestapelt nach "
        "Setting: ambulant, teilstationär (Tagesgruppe u. a.), stationär (Heim, Pflegefamilie, Inobhutnahme). "
        f"Der Strich zeigt, wie viele davon am Stichtag {_stichtag(k)} noch liefen. Geschützte Settings eines "
        "Sozialraums stehen zusammen im schraffierten Teil (Hilfen im Jahr minus die gezeigten Settings); ist "
        "auch die Summe geschützt, fehlt der Balken (grau hinterlegt).")
    kopf = ["Sozialraum", "Region", "ambulant", "teilstationär", "stationär", "Hilfen im Jahr",
            "laufend am Stichtag", "begonnen", "beendet", "Einwohner unter 21", "Eckwert"]

    def zeile(x, label, region=""):
        e_q = g.eckwert(jahr, x)
        ew_row = d["eckwerte_jahr"][(d["eckwerte_jahr"]["jahr"] == jahr) & (d["eckwerte_jahr"]["sozialraum"] == x)]
        return [h.Zelle(label), h.text(region), *[h.anzahl(*g.jahr(jahr, f"davon_{s}", x)) for s in SETTINGS],
                h.anzahl(*g.jahr(jahr, "hilfen", x)), h.anzahl(*g.jahr(jahr, "laufend_31_12", x)),
                h.anzahl(*g.jahr(jahr, "begonnen", x)), h.anzahl(*g.jahr(jahr, "beendet", x)),
                h.betrag(zahl(ew_row["einwohner_0_20"].iloc[0]) if not ew_row.empty else "."),
                h.quote(e_q, lambda v: zahl(v, 1))]

    zeilen = [zeile(x, x, d.regionen.get(x, "")) for x in sr]
    tab = h.tabelle(kopf, zeilen, fuss=[zeile(KREIS, KREIS)], kopf_zahl_ab=2,
                    beschriftung=f"Fallzahlen {k.jahr_label()} je Sozialraum")
    links = [h.Link(sozialraum_datei(x), x) for x in sr]

    # ---- funnel
    e_df = d["eckwerte_jahr"]
    ej = e_df[(e_df["jahr"] == jahr) & (e_df["sozialraum"].isin(sr))]
    funnel_abb, funnel_text = None, ""
    if not ej.empty and ej["einwohner_0_20"].sum() > 0:
        p0 = funnel.gesamtquote(ej["hilfen_summe"].tolist(), ej["einwohner_0_20"].tolist())
        n_min, n_max = ej["einwohner_0_20"].min(), ej["einwohner_0_20"].max()
        gr = funnel.grenzen(p0, n_min * 0.6, n_max * 1.25)
        punkte = []
        for r in ej.itertuples(index=False):
            q = g.eckwert(jahr, r.sozialraum)
            punkte.append({"name": r.sozialraum, "einwohner": float(r.einwohner_0_20), "eckwert": q.fuer_chart,
                           "auffaellig": funnel.auffaellig(r.hilfen_summe, r.einwohner_0_20, p0)})
        phi = funnel.ueberdispersion(ej["hilfen_summe"].tolist(), ej["einwohner_0_20"].tolist(), p0)
        fig = charts.funnel(punkte, p0 * funnel.JE, gr, "Eckwert (Hilfen je 1.000 unter 21)")
        n_charts += 1
        auff = [p["name"] for p in punkte if p["auffaellig"] and p["eckwert"] is not None]
        notiz = (f"Eckwert {k.jahr_label()} = (am Stichtag laufende + im Jahr beendete Hilfen) je 1.000 Einwohner "
                 f"unter 21 Jahren, aufgetragen gegen die Zahl dieser Einwohner. Die Trichterlinien sind die 95 %- "
                 f"und 99,8 %-Kontrollgrenzen um den Kreiswert ({zahl(p0 * 1000, 1)}) nach Spiegelhalter: Je "
                 f"kleiner ein Sozialraum, desto weiter streut sein Eckwert schon zufällig. Erst ein Punkt "
                 f"außerhalb der 99,8 %-Grenzen (rot) ist auffällig – ein Anlass zur Nachfrage, kein Urteil.")
        if phi == phi and phi > 1.5:
            notiz += (f" Die Sozialräume unterscheiden sich insgesamt stärker, als der Zufall erklärt "
                      f"(Überdispersion φ = {zahl(phi, 1)}): Unterschiede der Sozialstruktur sind wahrscheinlich.")
        funnel_text = (f"Auffällig (außerhalb 99,8 %): {', '.join(auff)}." if auff
                       else "Kein Sozialraum liegt außerhalb der 99,8 %-Grenzen.")
        funnel_abb = h.abbildung(charts.einbetten(fig, "kreis-funnel"), f"Funnel-Plot der Eckwerte {k.jahr_label()}",
                                 notiz)

    # ---- trends
    jahre = d.jahre
    x = [k.jahr_kurz(j) for j in jahre]
    reihen_e = {s: [g.eckwert(j, s).fuer_chart for j in jahre] for s in sr}
    reihen_e[KREIS] = [g.eckwert(j, KREIS).fuer_chart for j in jahre]
    fig_e = charts.trend(x, reihen_e, "quote", "Eckwert je 1.000 u21", {**farben, KREIS: "#111"}, "%{y:,.1f}",
                         hervorheben=KREIS)
    reihen_n = {}
    for s in [*sr, KREIS]:
        werte = []
        for j in jahre:
            row = nje[(nje["jahr"] == j) & (nje["sozialraum"] == s)]
            werte.append(row["quote"].iloc[0].fuer_chart if not row.empty else None)
        reihen_n[s] = werte
    fig_n = charts.trend(x, reihen_n, "eur", "Euro je Einwohner unter 21", {**farben, KREIS: "#111"},
                         "%{y:,.0f} €", hervorheben=KREIS)
    reihen_h = {s: [_w(g, j, "hilfen", s) for j in jahre] for s in sr}
    fig_h = charts.trend(x, reihen_h, "anzahl", "Hilfen im Jahr", farben, charts.HOVER_ANZAHL)
    n_charts += 3
    stern = (f" * {d.letztes_jahr}: bis zum Stichtag {_stichtag(k)}, daher niedriger als ein ganzes Jahr."
             if not k.jahr_label(d.letztes_jahr).isdigit() else "")
    nje_j = nje[(nje["jahr"] == jahr) & nje["sozialraum"].isin(sr)].set_index("sozialraum").reindex(sr)
    fig_b = charts.balken(sr, [q.fuer_chart if isinstance(q, Quote) else None for q in nje_j["quote"]], "eur",
                          "Euro je Einwohner unter 21", "%{x}: %{y:,.0f} €",
                          farben=[farben[s] for s in sr],
                          referenz=("Kreis", nje_kreis["quote"].iloc[0].fuer_chart) if not nje_kreis.empty
                          and nje_kreis["quote"].iloc[0].fuer_chart is not None else None)
    n_charts += 1
    ausgaben = [
        h.abbildung(charts.einbetten(fig_b, "kreis-netto-einwohner"),
                    f"Netto-Ausgaben je Einwohner unter 21, {k.jahr_label()}",
                    "Netto-Ausgaben (Auszahlungen abzüglich Kostenbeiträge und Erstattungen, nach Buchungsdatum) der "
                    "Hilfen des Sozialraums je Einwohner unter 21 Jahren. Die gestrichelte Linie ist der Kreiswert; er "
                    "enthält auch Buchungen ohne Sozialraum (fallunabhängige Leistungen) und liegt deshalb höher."),
        h.abbildung(charts.einbetten(fig_n, "kreis-netto-trend"), "Entwicklung je Einwohner unter 21",
                    "Dieselbe Kennzahl für alle Jahre; die dicke gepunktete Linie ist der Kreis." + stern)]
    entwicklung = [
        h.abbildung(charts.einbetten(fig_h, "kreis-hilfen-trend"), "Hilfen im Jahr je Sozialraum",
                    "Am 31.12. laufende plus im Jahr beendete Hilfen je Sozialraum und Jahr." + stern),
        h.abbildung(charts.einbetten(fig_e, "kreis-eckwert-trend"), "Eckwerte je Sozialraum",
                    "Hilfen je 1.000 Einwohner unter 21 Jahren; die dicke gepunktete Linie ist der Kreis." + stern)]

    inhalt = h.seite("kreis.html", kacheln=kacheln, hinweis=hinweis, setting=grafik, tabelle=tab, links=links,
                     funnel=funnel_abb, funnel_text=funnel_text, ausgaben=ausgaben, entwicklung=entwicklung)
    return Seite("kreis.html", "Kreisübersicht", inhalt, n_charts, "Kreis")


def _w(g, jahr, kennzahl, sozialraum, hilfeart=ALLE):
    """A count for a chart: None when protected."""
    wert, status = g.jahr(jahr, kennzahl, sozialraum, hilfeart)
    return None if status in GESPERRT else wert


def _stichtag(k: Kontext) -> str:
    from kjh.format import datum
    return datum(k.daten.stichtag)
