"""Build contract exports by hand for tests: known inputs, written like a vendor would."""
import csv
import io
from pathlib import Path

HILFEN_HEADER = ["hilfe_id", "fall_id", "person_id", "geburtsdatum", "geschlecht", "auslaendische_herkunft",
                 "deutsch_in_familie", "wohnort_ags", "hilfeart", "ort_der_durchfuehrung", "beginn", "ende",
                 "beendigungsgrund", "traeger_id", "hauptgrund"]
ZAHLUNGEN_HEADER = ["buchung_id", "hilfe_id", "buchungsdatum", "zeitraum_von", "zeitraum_bis", "betrag",
                    "produktkonto", "kostenart", "traeger_id"]
TRAEGER_HEADER = ["traeger_id", "name", "traegerart", "verband", "sitz_ags", "entgelt_tagessatz", "gueltig_ab",
                  "gueltig_bis"]
SOZIALRAEUME_HEADER = ["ags", "gemeinde", "sozialraum", "region"]

SOZIALRAEUME = [
    ["01060005", "Bad Segeberg, Stadt", "Bad Segeberg", "Ostkreis"],
    ["01060092", "Wahlstedt, Stadt", "Wahlstedt", "Ostkreis"],
    ["01060044", "Kaltenkirchen, Stadt", "Kaltenkirchen", "Westkreis"],
]


def hilfe(hilfe_id="H-1", **over) -> dict:
    row = dict(hilfe_id=hilfe_id, fall_id="AZ-51-2024-0001", person_id="P-000001", geburtsdatum="14.03.2007",
               geschlecht="w", auslaendische_herkunft="n", deutsch_in_familie="j", wohnort_ags="01060005",
               hilfeart="31", ort_der_durchfuehrung="01", beginn="01.02.2024", ende="", beendigungsgrund="",
               traeger_id="T-1", hauptgrund="belastung_familiaere_konflikte")
    row.update(over)
    return row


def buchung(buchung_id="B-1", **over) -> dict:
    row = dict(buchung_id=buchung_id, hilfe_id="H-1", buchungsdatum="05.03.2024", zeitraum_von="01.02.2024",
               zeitraum_bis="29.02.2024", betrag="1.384,39", produktkonto="3632.533100", kostenart="leistung",
               traeger_id="T-1")
    row.update(over)
    return row


def traeger(traeger_id="T-1", **over) -> dict:
    row = dict(traeger_id=traeger_id, name="Diakonie Jugendhilfe Süd", traegerart="frei_gemeinnuetzig",
               verband="Diakonie", sitz_ags="01060005", entgelt_tagessatz="182,50", gueltig_ab="01.01.2020",
               gueltig_bis="")
    row.update(over)
    return row


def write(path: Path, header: list[str], rows: list, *, encoding="utf-8", newline="\n", bom=False) -> Path:
    """Rows are dicts (by header) or lists; written with ; and minimal quoting."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", quotechar='"', lineterminator=newline)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header] if isinstance(r, dict) else r)
    data = buf.getvalue().encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_sozialraeume(folder: Path, name="sozialraeume_20200101.csv", rows=None) -> Path:
    return write(folder / name, SOZIALRAEUME_HEADER, rows or SOZIALRAEUME)
