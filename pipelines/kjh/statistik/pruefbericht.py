"""The validation report (Prüfbericht) of a delivery, German Markdown.

Rendered only from what is recorded (the delivery row and its inputs), so a
reproduction writes the same bytes. It lists the inputs, every check with its
result, the reconciliation with the marts, the files, and the Merkmale the
contract does not carry (reported as missing, never invented).
"""
import datetime as dt

from kjh.statistik.eingaben import Eingaben
from kjh.statistik.layout import Layout, fehler_text, platzhalter
from kjh.statistik.pruefung import DEFINITION, PRUEFUNGEN, _eur

STATUS_TEXT = {"entwurf": "Entwurf", "freigegeben": "freigegeben", "zurueckgehalten": "zurückgehalten"}
DATEINAME = "PRUEFBERICHT_{kennnummer}_{berichtsjahr}.md"


def _d(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else "–"


def _n(v) -> str:
    return f"{int(v):,}".replace(",", ".")


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(*, lieferung_id: int, created_at: dt.datetime, status: str, meldung: str, eingaben: Eingaben,
           layouts: dict[str, Layout], pruefung: dict, dateien: list[dict]) -> bytes:
    m = eingaben.meldestelle
    jahr = eingaben.berichtsjahr
    out = [
        f"# Prüfbericht Statistik-Lieferung {jahr}",
        "",
        f"{m.get('name', '')}, Kennnummer {eingaben.kennnummer} (Einrichtungs-Nr. {m['einrichtungs_nr']})  ",
        f"Lieferung Nr. {lieferung_id}, erstellt am {created_at:%d.%m.%Y um %H:%M:%S}  ",
        f"Status: **{STATUS_TEXT.get(status, status)}**",
        "",
        meldung,
        "",
        "## Eingaben",
        "",
        f"- Hilfen: Stand {eingaben.stand_hilfen:%d.%m.%Y}",
        f"- Träger: Stand {eingaben.stand_traeger:%d.%m.%Y}" if eingaben.stand_traeger else "- Träger: keine Lieferung",
        f"- Buchungen: alle Lieferungen bis Stand {eingaben.stand_zahlungen:%d.%m.%Y}" if eingaben.stand_zahlungen
        else "- Buchungen: keine Lieferung",
    ]
    if eingaben.qualitaet:
        out.append(f"- Qualitätsprüfungen: Lauf {eingaben.qualitaet['lauf_id']} vom "
                   f"{dt.datetime.fromisoformat(eingaben.qualitaet['geprueft_am']):%d.%m.%Y %H:%M}")
    out += ["", "| Lieferung | Datei | Art | Stand | sha256 |", "|---:|---|---|---|---|"]
    out += [f"| {x['lieferung_id']} | {_cell(x['datei'])} | {x['art']} | {_d(x['exportdatum'])} | `{x['sha256']}` |"
            for x in eingaben.lieferungen]
    out += ["", "Satzbeschreibungen:", ""]
    out += [f"- {lay.erhebung} Version {lay.version}: `sources/statistik/layouts/{lay.datei}`, Satzlänge "
            f"{lay.satzlaenge}, {lay.kodierung}, sha256 `{lay.sha256}`" for lay in layouts.values()]

    freigabe = pruefung.get("freigegeben")
    if freigabe:
        out += ["", f"Freigegeben von {_cell(freigabe['wer'])} am "
                    f"{dt.datetime.fromisoformat(freigabe['am']):%d.%m.%Y um %H:%M:%S} aus Entwurf Nr. "
                    f"{pruefung.get('entwurf_id')}."]
    out += ["", "## Prüfungen", "",
            "Ebene „Lieferung“: ein nicht bestandenes ERROR hält die Freigabe des Jahres auf. Ebene „Satz“: ein "
            "harter Fehler (ERROR) betrifft nur seinen Satz – er fehlt im Entwurf, bis er im Fachverfahren korrigiert "
            "ist, und bis dahin wartet die Freigabe; ein weicher Befund (WARN) ist ein Hinweis zum Bestätigen.", "",
            "| Prüfung | Ebene | Schwere | Ergebnis | Meldung |", "|---|---|---|---|---|"]
    by_name = {p["name"]: p for p in pruefung.get("ergebnisse", [])}
    for d in PRUEFUNGEN:
        p = by_name.get(d.name)
        if p is None:
            continue
        ergebnis = "bestanden" if p["bestanden"] else ("**nicht bestanden**" if d.schweregrad == "ERROR" else "Hinweis")
        ebene = "Satz" if d.ebene == "satz" else "Lieferung"
        out.append(f"| `{d.name}` | {ebene} | {d.schweregrad} | {ergebnis} | {_cell(p['meldung'])} |")
    for p in pruefung.get("ergebnisse", []):
        if p["name"] not in DEFINITION:  # e.g. a check that blocked the whole run
            out.append(f"| `{p['name']}` | Lieferung | {p['schweregrad']} | "
                       f"{'bestanden' if p['bestanden'] else '**nicht bestanden**'} | {_cell(p['meldung'])} |")
    fehler = [(p["name"], f) for p in pruefung.get("ergebnisse", []) if not p["bestanden"]
              for f in p.get("details", []) if isinstance(f, dict) and "feld" in f]
    if fehler:
        out += ["", "Fehler gegen die Satzbeschreibung (Beispiele: laufende Nummern der Sätze):", "",
                "| Prüfung | Feld | Fehler | Sätze | Beispiele |", "|---|---|---|---:|---|"]
        out += [f"| `{name}` | {f['feld']} {_cell(f['bezeichnung'])} | "
                f"{_cell(fehler_text(f['grund'], f.get('werte') or []))} | {_n(f['anzahl'])} | "
                f"{', '.join(map(str, f['beispiele']))} |" for name, f in fehler]

    befunde = pruefung.get("befunde") or []
    if befunde:
        je_regel: dict[tuple, int] = {}
        for b in befunde:
            key = (b["klasse"], b["regel"], b["erhebung"])
            je_regel[key] = je_regel.get(key, 0) + 1
        raus = pruefung.get("ausgeschlossen") or {}
        out += ["", "## Befunde der Sätze", "",
                "Je Regel die Zahl der Befunde; die einzelnen Sätze (hilfe_id, Feld, Wert, was zu tun ist) stehen in "
                "der Arbeitsliste (ARBEITSLISTE_….csv im Ordner entwurf/, nur intern). Sätze mit harten Fehlern "
                "fehlen im Entwurf: " + (", ".join(f"{e} {_n(len(v))}" for e, v in raus.items()) or "keine") + ".", "",
                "| Klasse | Regel | Erhebung | Befunde |", "|---|---|---|---:|"]
        out += [f"| {k} | `{r}` | {e} | {_n(n)} |" for (k, r, e), n in sorted(je_regel.items())]

    fall = pruefung.get("abgleich_fallzahlen") or []
    if fall:
        out += ["", "## Abgleich mit marts.fallzahlen_jahr (Kreis gesamt)", "",
                "Sätze je Hilfeart = laufend am 31.12. + beendet im Jahr. Sozialpädagogische Familienhilfe: ein Satz "
                "je Familie (Hilfen einer Akte mit gleichem Beginn), die übrigen Hilfen der Familie stehen in der "
                "Spalte „zusammengefasst“. § 42: gemeldet werden die beendeten Inobhutnahmen (VSM). § 19 ist nicht "
                "Gegenstand der HZE.", "",
                "| Hilfeart | Art der Hilfe | Erhebung | Marts laufend | Marts beendet | Sätze laufend | "
                "Sätze beendet | zusammengefasst | stimmt | Hinweis |",
                "|---|---|---|---:|---:|---:|---:|---:|---|---|"]
        out += [f"| {z['hilfeart']} | {z['art_der_hilfe'] or '–'} | {z['erhebung']} | {_n(z['marts_laufend'])} | "
                f"{_n(z['marts_beendet'])} | {_n(z['saetze_laufend'])} | {_n(z['saetze_beendet'])} | "
                f"{_n(z['zusammengefasst'])} | {'ja' if z['stimmt'] else '**nein**'} | {_cell(z['hinweis'])} |"
                for z in fall]
    geld = pruefung.get("abgleich_ausgaben") or []
    if geld:
        out += ["", "## Abgleich Teil IV mit marts.ausgaben_jahr", "",
                "| Teilplan | Ausgaben Marts | Ausgaben Teil IV | Einnahmen Marts | Einnahmen Teil IV | stimmt |",
                "|---|---:|---:|---:|---:|---|"]
        out += [f"| {z['teilplan']} | {_eur(z['marts_ausgaben_cent'])} | {_eur(z['teil4_ausgaben_cent'])} | "
                f"{_eur(z['marts_einnahmen_cent'])} | {_eur(z['teil4_einnahmen_cent'])} | "
                f"{'ja' if z['stimmt'] else '**nein**'} |" for z in geld]

    out += ["", "## Dateien", ""]
    if dateien:
        out += ["| Datei | Sätze | Bytes | sha256 |", "|---|---:|---:|---|"]
        out += [f"| {x['datei']} | {_n(x['saetze'])} | {_n(x['bytes'])} | `{x['sha256']}` |" for x in dateien]
    else:
        out.append("Keine Lieferdateien: der Lauf hat keine Sätze gebildet.")

    offen = [z for lay in layouts.values() for z in platzhalter(lay, m)]
    out += ["", "## Platzhalter", ""]
    out += ([f"- {_cell(z)}" for z in offen] if offen else
            ["Keine: alle Kennungen stammen aus der Lieferabsprache (meldestelle.yml, Satzbeschreibungen)."])
    out += ["", "## Merkmale, die der Vertrag nicht trägt", "",
            "Diese Merkmale des § 99 SGB VIII stehen nicht in den Exporten. kjh meldet sie als fehlend und erfindet "
            "keinen Wert; vor der Meldung mit dem Statistikamt klären oder im Fachverfahren ergänzen.", ""]
    for lay in layouts.values():
        out += [f"### {lay.erhebung}", ""]
        out += [f"- {m_['merkmal']}: {m_.get('folge', 'nicht gemeldet')}" for m_ in lay.nicht_im_vertrag]
        ohne = [f.name for f in lay.felder_ohne_quelle]
        if ohne:
            out.append(f"- Felder ohne Quelle in der Satzbeschreibung (leer geliefert): {', '.join(ohne)}")
        out.append("")
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")

