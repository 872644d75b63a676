"""An incremental run reports the same findings as a full run on the same final data (issue 15).

Exports "from another case system" (tests/fremdsystem.py) with faults on both sides
of a monthly delta:

  base   every file but the helps and bookings of 30.09.2026, plus a hilfen export of 30.06.2026 in
         which help X has a reason for ending but no end and help Y began after its
         21st birthday; a booking of 2025 above the usual amount
  delta  the hilfen export of 30.09.2026 (X corrected, Y unchanged, Z gets a reason
         for ending without an end), the bookings of 2026 with another unusual amount

Warehouse A loads the base and then the delta (`kjh run` twice: the second run
validates only the new rows with Great Expectations and takes the others' outcome
from kjh.quality.zeilengedaechtnis); warehouse B loads everything in one run. The
results of A's second run and of B's run must be identical in every field the clerk
sees (counts, examples, every failing record, per social space and year, message).
"""
import csv
import io
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.fremdsystem import schreibe_exporte
from tests.test_quality_fremdsystem import _kjh_run

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

SPALTEN = ["pruefung", "schweregrad", "bestanden", "fehlerhafte_zeilen", "geprueft_zeilen", "nicht_pruefbar_zeilen",
           "beispiele", "je_sozialraum", "je_sozialraum_jahr", "befunde", "meldung", "gx_suite"]


def _read(path: Path) -> tuple[list[str], list[dict]]:
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    return list(rows[0].keys()), rows


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, header, delimiter=";", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _jahr(datum: str) -> int:
    return int(datum[-4:])


def _exporte(folder: Path) -> tuple[Path, Path, dict]:
    """(base folder, delta folder, the ids of the injected faults)."""
    alle = folder / "alle"
    schreibe_exporte(alle)
    header, hilfen = _read(alle / "hilfen_20260930.csv")
    laufend = [h for h in hilfen if not h["ende"] and not h["hilfe_id"].startswith("FX-")]
    x, y, z = laufend[0]["hilfe_id"], laufend[1]["hilfe_id"], laufend[2]["hilfe_id"]

    def juni(h: dict) -> dict:
        h = dict(h)
        if h["hilfe_id"] == x:
            h["beendigungsgrund"] = "planmaessig"
        return h

    # Y: born 22 years before the help began (a § 41 help begun after the 21st birthday)
    for h in hilfen:
        if h["hilfe_id"] == y:
            t, m, j = h["beginn"].split(".")
            h["geburtsdatum"] = f"{t}.{m}.{int(j) - 22}"
    base, delta = folder / "base", folder / "delta"
    base.mkdir()
    delta.mkdir()
    vor_juli = [juni(h) for h in hilfen if (_jahr(h["beginn"]), h["beginn"][3:5]) < (2026, "07")]
    _write(base / "hilfen_20260630.csv", header, vor_juli)
    for h in hilfen:
        if h["hilfe_id"] == z:
            h["beendigungsgrund"] = "planmaessig"
    _write(delta / "hilfen_20260930.csv", header, hilfen)

    zheader, zahlungen25 = _read(alle / "zahlungen_20251231.csv")
    mit_hilfe = next(b for b in zahlungen25 if b["hilfe_id"] and b["kostenart"] == "leistung")
    mit_hilfe["betrag"] = "60.000,00"
    _write(base / "zahlungen_20251231.csv", zheader, zahlungen25)
    _, zahlungen26 = _read(alle / "zahlungen_20260930.csv")
    neu = next(b for b in zahlungen26 if b["hilfe_id"] and b["kostenart"] == "leistung")
    neu["betrag"] = "70.000,00"
    _write(delta / "zahlungen_20260930.csv", zheader, zahlungen26)

    # the provider register, population, budgets and social spaces: in the base, unchanged by the delta
    for f in alle.iterdir():
        if not (base / f.name).exists() and not (delta / f.name).exists() and f.name != "hilfen_20260930.csv":
            shutil.copy(f, base / f.name)
    return base, delta, {"x": x, "y": y, "z": z, "buchung_alt": mit_hilfe["buchung_id"],
                         "buchung_neu": neu["buchung_id"]}


def _letzter_lauf(warehouse: Path) -> dict[str, dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        lauf = con.execute("select lauf_id from audit.pruefergebnisse order by geprueft_am desc limit 1").fetchone()[0]
        return {r[0]: dict(zip(SPALTEN, r)) for r in con.execute(
            f"select {', '.join(SPALTEN)} from audit.pruefergebnisse where lauf_id = ? order by pruefung",
            [lauf]).fetchall()}
    finally:
        con.close()


def _gx_log(ziel: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted((ziel / "logs").rglob("*")) if p.is_file())


@pytest.fixture(scope="module")
def laeufe(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("inkrementell_befunde")
    base, delta, ids = _exporte(tmp / "exporte")
    quelle_a = tmp / "quelle_a"
    shutil.copytree(base, quelle_a)
    warehouse_a = _kjh_run(quelle_a, tmp / "a")
    for f in delta.iterdir():
        shutil.copy(f, quelle_a / f.name)
    warehouse_a = _kjh_run(quelle_a, tmp / "a")
    quelle_b = tmp / "quelle_b"
    shutil.copytree(base, quelle_b)
    for f in delta.iterdir():
        shutil.copy(f, quelle_b / f.name)
    warehouse_b = _kjh_run(quelle_b, tmp / "b")
    return {"a": _letzter_lauf(warehouse_a), "b": _letzter_lauf(warehouse_b), "ids": ids,
            "log_a": _gx_log(tmp / "a"), "log_b": _gx_log(tmp / "b")}


def test_incremental_findings_equal_full_run_findings(laeufe):
    a, b = laeufe["a"], laeufe["b"]
    assert set(a) == set(b)
    verschieden = {name: {k: (a[name][k], b[name][k]) for k in SPALTEN if a[name][k] != b[name][k]}
                   for name in a if a[name] != b[name]}
    assert verschieden == {}


def test_the_faults_on_both_sides_of_the_delta_are_reported(laeufe):
    a, ids = laeufe["a"], laeufe["ids"]
    grund = a["hilfen.beendigungsgrund_nur_bei_ende"]
    # X corrected in the delta: gone; Z new in the delta: reported
    assert grund["fehlerhafte_zeilen"] == 1 and ids["z"] in grund["befunde"] and ids["x"] not in grund["befunde"]
    # Y unchanged since the base: carried forward, still reported
    alter = a["hilfen.beginn_vor_21"]
    assert alter["fehlerhafte_zeilen"] == 1 and ids["y"] in alter["befunde"]
    betrag = a["zahlungen.betrag_leistung_ueblich"]
    assert betrag["fehlerhafte_zeilen"] == 2
    assert ids["buchung_alt"] in betrag["befunde"] and ids["buchung_neu"] in betrag["befunde"]


def test_the_incremental_run_validated_only_new_rows(laeufe):
    """A's second run: GX looked at the new helps only (a fifth of B's rows at most), at no provider."""
    def gezaehlt(log: str, art: str) -> list[tuple[int, int]]:
        return [(int(n), int(m)) for n, m in re.findall(
            rf"raw/{art}: .*?GX hat (\d+) von (\d+) Zeilen geprüft", log)]

    hilfen_a = gezaehlt(laeufe["log_a"], "hilfen")
    assert len(hilfen_a) == 2
    (neu1, alle1), (neu2, alle2) = hilfen_a
    assert neu1 > 0 and 0 < neu2 < alle2
    (neu_b, alle_b), = gezaehlt(laeufe["log_b"], "hilfen")
    assert alle_b == alle2 and neu2 < neu_b / 5
    traeger_a = gezaehlt(laeufe["log_a"], "traeger")
    assert traeger_a[-1][0] == 0 < traeger_a[-1][1]  # the provider register did not change: nothing validated again
