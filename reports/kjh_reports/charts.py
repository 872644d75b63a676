"""The charts of the report pages (plotly), German throughout.

Every function takes figures that are already protected (kjh_reports.schutz):
a suppressed count arrives as None and is left out. Every trace carries
`meta.einheit` (anzahl, eur, quote, prozent, einwohner, markierung) so that the
suppression test knows which numbers are counts. Pages embed the figures with
`einbetten`; plotly.js itself is loaded once per page from assets/.

Suppressed counts are never drawn as a (smaller) bar: in a stack whose total
is published, the suppressed parts are one hatched segment "geschützt" (the
total minus the open parts, which a reader of the table can work out anyway);
where the total is suppressed too, the category has no bar at all and a grey
band says "nicht gezeigt".

Every label that comes from an export (social spaces, providers, help types)
goes through `_t`: plotly renders a subset of HTML in names, categories and
hover texts (`<a href>` would become a live link), so `<`, `>` and `&` are
written as entities, which plotly shows as the characters.
"""
import html

import pandas as pd
import plotly.graph_objects as go
from kjh.format import NBSP

SCHRIFT = '"Segoe UI", "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif'
BLAU, GRAU, ROT, GELB, GRUEN = "#1d4e89", "#8a94a3", "#c62828", "#e0a100", "#2e7d32"
FARBE_SETTING = {"ambulant": "#4c9be8", "teilstationaer": "#f2b134", "stationaer": "#1d4e89"}
SETTING_LABEL = {"ambulant": "ambulant", "teilstationaer": "teilstationär", "stationaer": "stationär"}
FARBE_AMPEL = {"gruen": GRUEN, "gelb": GELB, "rot": ROT}
# one colour per help type on every page (by § order), the combined rare types in grey
_PALETTE = ["#1d4e89", "#4c9be8", "#7fb8e6", "#2a9d8f", "#8ab17d", "#e9c46a", "#f4a261", "#e76f51", "#9c6ade",
            "#c77dba", "#6c757d", "#b5838d", "#264653"]
_SOZIALRAUM_PALETTE = ["#1d4e89", "#e76f51", "#2a9d8f", "#e9c46a", "#9c6ade", "#4c9be8", "#8ab17d", "#f4a261",
                       "#b5838d", "#264653", "#c77dba", "#6c757d"]

CONFIG = {
    "displaylogo": False,
    "locale": "de",
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

HOVER_ANZAHL = "%{y:,.0f}"
HOVER_EUR = "%{y:,.2f}" + NBSP + "€"


def _t(text) -> str:
    """A label from the data as plotly text: no tag can come alive (plotly decodes &lt; &gt; &amp;)."""
    return html.escape("" if text is None else str(text), quote=False)


def _ts(texte) -> list:
    return [_t(x) for x in texte]


GESCHUETZT = "geschützt"
"""meta.einheit of the hatched segment: the suppressed parts of a stack together (total minus open parts)."""
NICHT_GEZEIGT_TEXT = "Wert geschützt – nicht gezeigt"


def stapel_schuetzen(teile: list[list], gesamt: list) -> tuple[list[list], list, list[bool]]:
    """Parts of a stack with None for a suppressed part -> (parts, hatched remainder, category not shown).

    Where a part is suppressed and the total is open, the remainder (total minus the open parts) is drawn as
    one hatched segment, so the stack still reaches the total; where the total is suppressed as well, the
    whole category is left out (no part drawn)."""
    n = len(gesamt)
    teile = [list(t) for t in teile]
    rest, verborgen = [None] * n, [False] * n
    for i in range(n):
        if not any(t[i] is None for t in teile):
            continue
        if gesamt[i] is None:
            verborgen[i] = True
            for t in teile:
                t[i] = None
        else:
            rest[i] = gesamt[i] - sum(t[i] or 0 for t in teile)
    return teile, rest, verborgen


def _rest_balken(fig: go.Figure, x: list, rest: list, horizontal: bool = False) -> None:
    if not any(r for r in rest):
        return
    fig.add_bar(x=x, y=rest, name="geschützte Teile zusammen", marker_color="#ffffff",
                marker={"pattern": {"shape": "/", "fgcolor": GRAU, "size": 6, "solidity": 0.35},
                        "line": {"color": GRAU, "width": 0.5}},
                meta={"einheit": GESCHUETZT},
                hovertemplate="geschützte Teile zusammen (Summe minus gezeigte Teile): %{y:,.0f}<extra></extra>")


def _nicht_gezeigt(fig: go.Figure, x: list, verborgen: list, datum: bool = False) -> None:
    """A grey band over every category whose value is not shown (instead of a mark that reads as zero)."""
    if not any(verborgen):
        return
    for i, (xi, v) in enumerate(zip(x, verborgen)):
        if not v:
            continue
        if datum:
            t = pd.Timestamp(xi)
            x0, x1 = (t - pd.Timedelta(days=14)).isoformat(), (t + pd.Timedelta(days=14)).isoformat()
        else:
            x0, x1 = i - 0.45, i + 0.45
        fig.add_vrect(x0=x0, x1=x1, fillcolor=GRAU, opacity=0.18, line_width=0, layer="below")
    fig.add_scatter(x=[x[0]], y=[None], mode="markers", name=NICHT_GEZEIGT_TEXT,
                    marker={"symbol": "square", "size": 12, "color": GRAU, "opacity": 0.35},
                    meta={"einheit": "markierung"}, hoverinfo="skip")


def farbe_hilfeart(codes: list[str]) -> dict[str, str]:
    return {c: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(codes)}


def farbe_sozialraum(namen: list[str]) -> dict[str, str]:
    return {n: _SOZIALRAUM_PALETTE[i % len(_SOZIALRAUM_PALETTE)] for i, n in enumerate(namen)}


def _layout(fig: go.Figure, hoehe: int = 380, y_titel: str = "", x_titel: str = "", legende: bool = True,
            **extra) -> go.Figure:
    xaxis = {"title": {"text": x_titel}, **extra.pop("xaxis", {})}
    yaxis = {"title": {"text": y_titel}, "separatethousands": True, "rangemode": "tozero", **extra.pop("yaxis", {})}
    fig.update_layout(
        template="plotly_white",
        height=hoehe,
        font={"family": SCHRIFT, "size": 13, "color": "#1f2933"},
        separators=",.",
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "title": {"text": ""}},
        showlegend=legende,
        hoverlabel={"font": {"family": SCHRIFT}},
        yaxis=yaxis,
        xaxis=xaxis,
        **extra,
    )
    return fig


def einbetten(fig: go.Figure, div_id: str) -> str:
    """The figure as a <div> plus a script calling Plotly.newPlot; plotly.js is included by the page."""
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=CONFIG)


def _werte(v) -> list:
    return [None if x is None or x != x else x for x in v]


# ---------------------------------------------------------------- Kreis
def setting_balken(sozialraeume: list[str], je_setting: dict[str, list], laufend: list, gesamt: list) -> go.Figure:
    """Helps in the year per social space, stacked by setting; running on the reference date as a marker.

    gesamt: the helps of each social space (None when suppressed): suppressed settings are drawn together as
    the hatched remainder, never as a missing part of a smaller stack."""
    fig = go.Figure()
    x = _ts(sozialraeume)
    teile, rest, verborgen = stapel_schuetzen([_werte(w) for w in je_setting.values()], _werte(gesamt))
    for setting, werte in zip(je_setting, teile):
        fig.add_bar(x=x, y=werte, name=SETTING_LABEL[setting], marker_color=FARBE_SETTING[setting],
                    meta={"einheit": "anzahl"}, hovertemplate=f"{SETTING_LABEL[setting]}: {HOVER_ANZAHL}<extra></extra>")
    _rest_balken(fig, x, rest)
    _nicht_gezeigt(fig, x, verborgen)
    fig.add_scatter(x=x, y=_werte(laufend), name="davon am Stichtag laufend", mode="markers",
                    marker={"symbol": "line-ew", "size": 60, "color": "#111", "line": {"width": 3, "color": "#111"}},
                    meta={"einheit": "anzahl"}, hovertemplate=f"laufend am Stichtag: {HOVER_ANZAHL}<extra></extra>")
    return _layout(fig, 400, "Hilfen", barmode="stack", hovermode="x unified")


def trend(jahre: list, reihen: dict[str, list], einheit: str, y_titel: str, farben: dict[str, str],
          hover: str, hervorheben: str | None = None, x_titel: str = "") -> go.Figure:
    fig = go.Figure()
    for name, werte in reihen.items():
        breit = 4 if name == hervorheben else 2.2
        fig.add_scatter(x=[str(j) for j in jahre], y=_werte(werte), name=_t(name), mode="lines+markers",
                        line={"color": farben.get(name, GRAU), "width": breit,
                              "dash": "dot" if name == hervorheben else "solid"},
                        meta={"einheit": einheit}, hovertemplate=f"{_t(name)}: {hover}<extra></extra>")
    return _layout(fig, 380, y_titel, x_titel=x_titel, hovermode="x unified")


def funnel(punkte: list[dict], p0: float, grenzen: dict, y_titel: str) -> go.Figure:
    """Eckwert against residents with Spiegelhalter control limits (see kjh_reports.funnel)."""
    fig = go.Figure()
    n = grenzen["n"]
    for (name, z), stil in zip(grenzen["linien"].items(), ("dash", "dot")):
        lo, hi = grenzen["linien"][name]
        fig.add_scatter(x=n, y=hi, mode="lines", line={"color": GRAU, "dash": stil, "width": 1.5}, name=name,
                        legendgroup=name, meta={"einheit": "quote"}, hoverinfo="skip")
        fig.add_scatter(x=n, y=lo, mode="lines", line={"color": GRAU, "dash": stil, "width": 1.5}, name=name,
                        legendgroup=name, showlegend=False, meta={"einheit": "quote"}, hoverinfo="skip")
    fig.add_scatter(x=[n[0], n[-1]], y=[p0, p0], mode="lines", line={"color": BLAU, "width": 1.5},
                    name="Kreis gesamt", meta={"einheit": "quote"}, hoverinfo="skip")
    sichtbar = [p for p in punkte if p["eckwert"] is not None]
    farben = [ROT if p["auffaellig"] else BLAU for p in sichtbar]
    fig.add_scatter(
        x=[p["einwohner"] for p in sichtbar], y=[p["eckwert"] for p in sichtbar],
        mode="markers+text", text=[_t(p["name"]) for p in sichtbar], textposition="top center",
        marker={"size": 12, "color": farben, "line": {"width": 1, "color": "#fff"}},
        name="Sozialraum", meta={"einheit": "quote"},
        hovertemplate="%{text}<br>Eckwert %{y:,.1f} je 1.000<br>%{x:,.0f} Einwohner unter 21<extra></extra>")
    return _layout(fig, 440, y_titel, x_titel="Einwohner unter 21 Jahren", hovermode="closest",
                   xaxis={"title": {"text": "Einwohner unter 21 Jahren"}, "tickformat": ",.0f"})


def balken(namen: list[str], werte: list, einheit: str, y_titel: str, hover: str, farben=None,
           referenz: tuple[str, float] | None = None, horizontal: bool = False, hoehe: int = 360,
           texte: list[str] | None = None, spanne: tuple[list, list] | None = None) -> go.Figure:
    """Bars; spanne = (lower ends, upper ends) of a range per bar, drawn as an error bar."""
    fig = go.Figure()
    namen = _ts(namen)
    kw = {"x": _werte(werte), "y": namen, "orientation": "h"} if horizontal else {"x": namen, "y": _werte(werte)}
    if spanne:
        v = _werte(werte)
        fehler = {"type": "data", "symmetric": False, "color": "#111", "thickness": 1.5, "width": 4,
                  "array": [(o - w) if o is not None and w is not None else None for o, w in zip(spanne[1], v)],
                  "arrayminus": [(w - u) if u is not None and w is not None else None for u, w in zip(spanne[0], v)]}
        kw["error_x" if horizontal else "error_y"] = fehler
    fig.add_bar(**kw, marker_color=farben or BLAU, meta={"einheit": einheit}, name=y_titel,
                text=texte, textposition="outside" if texte else None, cliponaxis=False,
                hovertemplate=hover.replace("%{y", "%{x") if horizontal else hover)
    if referenz:
        name, wert = referenz
        if horizontal:
            fig.add_vline(x=wert, line={"color": "#111", "dash": "dash", "width": 1.5},
                          annotation_text=_t(name), annotation_position="top")
        else:
            fig.add_hline(y=wert, line={"color": "#111", "dash": "dash", "width": 1.5},
                          annotation_text=_t(name), annotation_position="top left")
    fig = _layout(fig, hoehe, "" if horizontal else y_titel, legende=False)
    if horizontal:
        fig.update_layout(xaxis={"title": {"text": y_titel}, "separatethousands": True},
                          yaxis={"autorange": "reversed", "title": {"text": ""}, "automargin": True},
                          margin={"l": 10, "r": 40, "t": 30, "b": 40})
    return fig


# ---------------------------------------------------------- Sozialraum
def monate_gestapelt(monate: list, reihen: list[tuple[str, list, str]], gesamt: list) -> go.Figure:
    """Running helps at each month end, stacked by help type, with the total as a line.

    A month with a suppressed help type shows it within the hatched remainder; a month whose total is
    suppressed shows no bar (grey band)."""
    fig = go.Figure()
    teile, rest, verborgen = stapel_schuetzen([_werte(w) for _, w, _ in reihen], _werte(gesamt))
    for (name, _, farbe), werte in zip(reihen, teile):
        fig.add_bar(x=monate, y=werte, name=_t(name), marker_color=farbe, meta={"einheit": "anzahl"},
                    hovertemplate=f"{_t(name)}: {HOVER_ANZAHL}<extra></extra>")
    _rest_balken(fig, monate, rest)
    fig.add_scatter(x=monate, y=_werte(gesamt), name="alle Hilfen", mode="lines", line={"color": "#111", "width": 1.5},
                    meta={"einheit": "anzahl"}, hovertemplate=f"alle Hilfen: {HOVER_ANZAHL}<extra></extra>")
    _nicht_gezeigt(fig, monate, verborgen, datum=True)
    return _layout(fig, 430, "laufende Hilfen am Monatsende", barmode="stack", bargap=0.15, hovermode="x unified",
                   xaxis={"tickformat": "%b %Y", "hoverformat": "%B %Y", "dtick": "M6"})


def begonnen_beendet(monate: list, begonnen: list, beendet: list, geschuetzt: list) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=monate, y=_werte(begonnen), name="begonnen", marker_color="#2a9d8f", meta={"einheit": "anzahl"},
                hovertemplate=f"begonnen: {HOVER_ANZAHL}<extra></extra>")
    fig.add_bar(x=monate, y=_werte(beendet), name="beendet", marker_color="#e76f51", meta={"einheit": "anzahl"},
                hovertemplate=f"beendet: {HOVER_ANZAHL}<extra></extra>")
    _nicht_gezeigt(fig, monate, geschuetzt, datum=True)
    return _layout(fig, 360, "Hilfen im Monat", barmode="group", bargap=0.2, hovermode="x unified",
                   xaxis={"tickformat": "%b %Y", "hoverformat": "%B %Y", "dtick": "M6"})


def budget_verlauf(monate: list, netto: list, kumuliert: list, deckel: float | None, prognose: dict | None,
                   vorjahr: tuple[str, list] | None) -> go.Figure:
    """Net per month (bars), cumulated (line) against the cap, the year-end forecast with its band."""
    fig = go.Figure()
    fig.add_bar(x=monate, y=_werte(netto), name="netto im Monat", marker_color="#9dbfe3", meta={"einheit": "eur"},
                hovertemplate=f"netto im Monat: {HOVER_EUR}<extra></extra>")
    if vorjahr:
        name, werte = vorjahr
        fig.add_scatter(x=monate[:len(werte)], y=_werte(werte), name=_t(name), mode="lines",
                        line={"color": GRAU, "dash": "dot", "width": 1.8}, meta={"einheit": "eur"},
                        hovertemplate=f"{name}: {HOVER_EUR}<extra></extra>")
    fig.add_scatter(x=monate[:len(kumuliert)], y=_werte(kumuliert), name="netto kumuliert", mode="lines+markers",
                    line={"color": BLAU, "width": 3}, meta={"einheit": "eur"},
                    hovertemplate=f"kumuliert: {HOVER_EUR}<extra></extra>")
    if prognose:
        x = [prognose["von_monat"], prognose["jahresende"]]
        if prognose.get("band"):
            lo, hi = prognose["band"]
            fig.add_scatter(x=x + x[::-1], y=[prognose["von_wert"], hi, lo, prognose["von_wert"]],
                            fill="toself", fillcolor="rgba(231,111,81,0.18)", line={"width": 0}, mode="lines",
                            name=_t(prognose["band_name"]), meta={"einheit": "eur"}, hoverinfo="skip")
        fig.add_scatter(x=x, y=[prognose["von_wert"], prognose["wert"]], name="Prognose Jahresende",
                        mode="lines+markers", line={"color": "#e76f51", "width": 2.5, "dash": "dash"},
                        marker={"size": [0, 11], "color": "#e76f51"}, meta={"einheit": "eur"},
                        hovertemplate=f"Prognose: {HOVER_EUR}<extra></extra>")
        fig.add_annotation(x=x[1], y=prognose["wert"], text=_t(prognose.get("text", "")), showarrow=False,
                           xanchor="right", yanchor="middle", xshift=-14, font={"color": "#b4472c"})
    if deckel:
        fig.add_scatter(x=[monate[0], monate[-1]], y=[deckel, deckel], name="Budget (Deckel)", mode="lines",
                        line={"color": ROT, "width": 2}, meta={"einheit": "eur"},
                        hovertemplate=f"Budget: {HOVER_EUR}<extra></extra>")
    return _layout(fig, 420, "Euro", hovermode="x unified",
                   xaxis={"tickformat": "%b", "hoverformat": "%B %Y", "dtick": "M1"},
                   yaxis={"title": {"text": "Euro"}, "tickformat": ",.0f", "ticksuffix": NBSP + "€",
                          "rangemode": "tozero"})


def gruppierte_balken(kategorien: list[str], reihen: list[tuple[str, list, str]], einheit: str, x_titel: str,
                      hover: str, hoehe: int = 420) -> go.Figure:
    """Horizontal grouped bars (e.g. € per case-month by help type, one bar per year)."""
    fig = go.Figure()
    kategorien = _ts(kategorien)
    for name, werte, farbe in reihen:
        fig.add_bar(y=kategorien, x=_werte(werte), name=_t(name), orientation="h", marker_color=farbe,
                    meta={"einheit": einheit}, hovertemplate=f"{_t(name)}: {hover}<extra></extra>")
    fig = _layout(fig, hoehe, "", barmode="group", hovermode="y unified")
    fig.update_layout(xaxis={"title": {"text": x_titel}, "separatethousands": True, "ticksuffix": NBSP + "€"},
                      yaxis={"autorange": "reversed", "automargin": True, "title": {"text": ""}},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
                      margin={"l": 10, "r": 20, "t": 40, "b": 40})
    return fig
