"""The clerk's work list of a draft: every record that blocks (hard) or needs confirming (soft).

Written beside the draft's files (<statistik>/<Jahr>/entwurf/), never into the
report site for outside readers: it names helps by their hilfe_id (the case
system's id, not a person's) so the clerk can find and correct them.

    ARBEITSLISTE_<Kennnummer>_<Jahr>.csv   semicolon-separated, UTF-8 with BOM (opens in Excel)
    ARBEITSLISTE_<Kennnummer>_<Jahr>.html  the same as a page (offline, escaped)

With `--intern` the report site carries the page too (kopieren), as
arbeitsliste_<Kennnummer>.html, linked from nowhere public.

Columns: hilfe_id, erhebung, lfd_nr, feld, wert, regel, klasse (hart/weich),
status (offen / bestätigt), was_tun.
"""
import csv
import io
from pathlib import Path

import jinja2

from kjh.statistik.befunde import HART, Befund

NAME = "ARBEITSLISTE_{kennnummer}_{berichtsjahr}"
SPALTEN = ("hilfe_id", "erhebung", "lfd_nr", "feld", "wert", "regel", "klasse", "status", "was_tun")

_SEITE = jinja2.Environment(autoescape=True).from_string("""<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Arbeitsliste Statistik {{ jahr }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
.hart{color:#a40000;font-weight:600}.weich{color:#7a5200}.bestaetigt{color:#2d6a2d}
</style></head><body>
<h1>Arbeitsliste der Statistik-Lieferung {{ jahr }} (Kennnummer {{ kennnummer }})</h1>
<p>Intern: nicht weitergeben. <strong>{{ hart }}</strong> Befunde mit harten Fehlern (der Satz fehlt im Entwurf,
die Freigabe wartet auf die Korrektur im Fachverfahren), <strong>{{ offen_weich }}</strong> weiche Befunde offen
(bestätigen mit <code>kjh statistik --warehouse … --bestaetigen REGEL HILFE_ID --grund "…"</code>),
{{ bestaetigt }} bestätigt.</p>
{% if zeilen %}<table><thead><tr>{% for s in spalten %}<th>{{ s }}</th>{% endfor %}</tr></thead><tbody>
{% for z in zeilen %}<tr>{% for s in spalten %}<td class="{{ z.klasse if s == 'klasse'
    else ('bestaetigt' if s == 'status' and z.status == 'bestätigt' else '') }}">{{ z[s] if z[s] is not none
    else '' }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% else %}<p>Keine Befunde: jeder Satz kann geliefert werden.</p>{% endif %}
</body></html>
""")


def _als_text(v):
    """A value from an export never becomes a spreadsheet formula (=, +, @, or - not followed by a digit)."""
    if isinstance(v, str) and v and (v[0] in "=+@" or (v[0] == "-" and not v[1:2].isdigit())):
        return "'" + v
    return v


def zeilen(befunde: list[Befund], bestaetigt: set[tuple]) -> list[dict]:
    out = []
    for b in befunde:
        status = "offen" if b.klasse == HART or b.schluessel not in bestaetigt else "bestätigt"
        out.append({**{k: getattr(b, k) for k in SPALTEN if k != "status"}, "status": status})
    # open hard first, then open soft, then confirmed
    return sorted(out, key=lambda z: (z["status"] != "offen", z["klasse"] != HART))


def schreiben(ordner: Path, kennnummer: str, berichtsjahr: int, befunde: list[Befund], bestaetigt: set[tuple]) -> Path:
    """Writes the CSV and the page; returns the CSV's path."""
    rows = zeilen(befunde, bestaetigt)
    name = NAME.format(kennnummer=kennnummer, berichtsjahr=berichtsjahr)
    ordner.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=SPALTEN, delimiter=";", lineterminator="\r\n")
    w.writeheader()
    w.writerows({k: _als_text(v) for k, v in r.items()} for r in rows)
    csv_path = ordner / f"{name}.csv"
    csv_path.write_text(buf.getvalue(), encoding="utf-8-sig")
    (ordner / f"{name}.html").write_text(_SEITE.render(
        jahr=berichtsjahr, kennnummer=kennnummer, spalten=SPALTEN, zeilen=rows,
        hart=sum(z["klasse"] == HART for z in rows),
        offen_weich=sum(z["klasse"] != HART and z["status"] == "offen" for z in rows),
        bestaetigt=sum(z["status"] == "bestätigt" for z in rows)), encoding="utf-8")
    return csv_path


def kopieren(csv_path: Path, reports_dir: Path) -> Path:
    """The work list page into an internal report site (`kjh run --intern`)."""
    kenn = csv_path.stem.split("_")[1]
    ziel = Path(reports_dir) / f"arbeitsliste_{kenn}.html"
    ziel.parent.mkdir(parents=True, exist_ok=True)
    ziel.write_bytes(csv_path.with_suffix(".html").read_bytes())
    return ziel
