"""Hostile and unlucky input fed through `kjh run` (issue 13): clear messages, a correct
warehouse, and no person_id, fall_id or birth date of any input in any table, log,
report, workbook or Dagster storage (tests/leak_scan.py).

Full runs are slow (30–90 s each): the cases share one sequence of three runs.
"""
import os
import stat
import subprocess
import sys

import pytest

from kjh.ingest import faults
from tests.conftest import query
from tests.exports import HILFEN_HEADER, TRAEGER_HEADER, ZAHLUNGEN_HEADER, buchung, hilfe, traeger, write, write_sozialraeume
from tests.leak_scan import find_values, personal_values

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def kjh(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kjh.cli", *map(str, args)], capture_output=True, text=True,
                          env=env)


def _person(n: int, **over) -> dict:
    """Personal values that cannot occur by chance anywhere else."""
    return dict(person_id=f"PX-9{n:04d}Q", fall_id=f"AZ-77-XQ-{n:03d}", geburtsdatum=f"{10 + n:02d}.09.2008", **over)


H1 = hilfe("H-1", **_person(1))
H2_OLD = hilfe("H-2", **_person(2))
H2_NEW = hilfe("H-2", **_person(2), ende="31.12.2024", beendigungsgrund="planmaessig")
H3_LONG = hilfe("H-3", **_person(3))
H9 = hilfe("H-9", **_person(9))
HEADERLESS = [hilfe("H-5", **_person(5)), hilfe("H-6", **_person(6))]
OUTSIDE = hilfe("H-7", **_person(7))
CORRECTION = [H1, H2_NEW, hilfe("H-4", **_person(4))]
EVERY_RECORD = [H1, H2_OLD, H3_LONG, H9, *HEADERLESS, OUTSIDE, *CORRECTION]


def _first_delivery(folder, outside):
    write_sozialraeume(folder)
    write(folder / "traeger_20250101.csv", TRAEGER_HEADER, [traeger("T-1")], encoding="cp1252", newline="\r\n")
    write(folder / "hilfen_20241231.csv", HILFEN_HEADER, [H1, H2_OLD, H9])
    # a full export: extra columns with a case file number and a note; a help twice (the new
    # state, then the old state as a later line); a note of 3 MB; Windows-1252 (transcoded)
    extra = HILFEN_HEADER + ["aktenzeichen", "notiz"]
    write(folder / "hilfen_20250131.csv", extra, [
        {**H1, "aktenzeichen": H1["fall_id"], "notiz": "Frau Müller, Tel. 0171"},
        H2_NEW, {**H2_OLD, "notiz": "alter Stand"},
        {**H3_LONG, "notiz": "x" * 3_000_000},
    ], encoding="cp1252", newline="\r\n")
    # the header line is missing: the first record would be taken for it
    write(folder / "hilfen_20250228.csv", list(HEADERLESS[0].values()), [HEADERLESS[1]])
    # a link to a file outside the sources folder
    write(outside / "geheim.csv", HILFEN_HEADER, [OUTSIDE])
    (folder / "traeger_20250301.csv").symlink_to(outside / "geheim.csv")
    write(folder / "zahlungen_20250205.csv", ZAHLUNGEN_HEADER, [buchung("B-1", hilfe_id="H-1")])
    # a header of 50,000 columns
    write(folder / "zahlungen_20250305.csv", ZAHLUNGEN_HEADER + [f"x{i}" for i in range(50_000)], [])
    # a wrong export date in the name (2062 instead of 2026)
    write(folder / "hilfen_20621130.csv", HILFEN_HEADER, [H1])


def _lines(out: str) -> dict[str, str]:
    return {line.split()[0]: line for line in out.splitlines() if ".csv " in line}


def _current(wh):
    return query(wh, "select hilfe_id, ende::varchar, stand_ab::varchar from raw.hilfen where stand_bis is null "
                     "order by 1")


def test_hostile_files_then_correction_then_withdrawal(tmp_path):
    exports, outside = tmp_path / "exporte", tmp_path / "anderswo"
    exports.mkdir()
    outside.mkdir()
    wh, reports = tmp_path / "wh" / "warehouse.duckdb", tmp_path / "berichte"
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # the warehouse's own Dagster home
    _first_delivery(exports, outside)

    first = kjh("run", "--sources", exports, "--warehouse", wh, "--reports", reports, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    lines = _lines(first.stdout)
    # 1. no header: the message names contract columns only, never a value of the record
    assert "abgelehnt" in lines["hilfen_20250228.csv"] and "Pflichtspalte(n) fehlen" in lines["hilfen_20250228.csv"]
    # 3. a link out of the folder is not followed
    assert "symbolischer Verweis" in lines["traeger_20250301.csv"]
    # 14. 50,000 columns refused at once
    assert "Kopfzeile mit 50009 Spalten" in lines["zahlungen_20250305.csv"]
    # 10. an export date in the future
    assert "in der Zukunft" in lines["hilfen_20621130.csv"]
    # 4. extra columns dropped, only their names recorded
    assert query(wh, "select unbekannte_spalten from audit.lieferungen where datei = 'hilfen_20250131.csv'") == \
        [("aktenzeichen, notiz",)]
    assert query(wh, "select count(*) from raw.hilfen where zusatzspalten is not null") == [(0,)]
    codes = dict(query(wh, "select datei, grund_code from audit.lieferungen where status = 'abgelehnt'"))
    assert codes == {"hilfen_20250228.csv": faults.PFLICHTSPALTE_FEHLT, "traeger_20250301.csv": faults.VERWEIS,
                     "zahlungen_20250305.csv": faults.KOPFZEILE_UNGUELTIG, "hilfen_20621130.csv": faults.ZUKUNFT}
    # 7. the 3 MB record is quarantined, the rest of the file loaded; 9. the help delivered
    # twice: its first line counts, exactly one version current
    assert query(wh, "select zeile, grund_code, rohzeile from audit.quarantaene order by zeile") == [
        (4, faults.DUPLIKAT, "H-2;***;***;***;w;n;j;01060005;31;01;01.02.2024;;;T-1;belastung_familiaere_konflikte;***;***"),
        (5, faults.FELD_ZU_LANG, "[Datensatz mit 3000108 Byte; Inhalt nicht gespeichert]")]
    assert _current(wh) == [("H-1", None, "2024-12-31"), ("H-2", "2024-12-31", "2025-01-31")]
    # 5. no plain-text copy left; the working folder is private
    work = wh.with_name(wh.name + ".arbeit")
    assert list(work.iterdir()) == [] and stat.S_IMODE(work.stat().st_mode) == 0o700
    # issue 14: one line per step, dbt's chatter in the log file, the page to open last
    assert "\x1b[" not in first.stdout and " of 189 " not in first.stdout
    assert first.stdout.strip().splitlines()[-1] == f"Berichte öffnen: {reports / 'index.html'}"
    assert (wh.parent / "warehouse.duckdb.dagster" / "history").is_dir()

    # 8. a correction of the same export date replaces the earlier file; 11. an older export
    # after a newer one (that dropped H-9) is refused
    write(exports / "hilfen_20250131_korrektur.csv", HILFEN_HEADER, CORRECTION)
    write(exports / "hilfen_20241130.csv", HILFEN_HEADER, [H1, H9])
    second = kjh("run", "--sources", exports, "--warehouse", wh, "--reports", reports, env=env)
    assert second.returncode == 0, second.stderr[-3000:]
    lines = _lines(second.stdout)
    assert "ersetzt hilfen_20250131.csv" in lines["hilfen_20250131_korrektur.csv"]
    assert "älter als der geladene Stand vom 31.01.2025" in lines["hilfen_20241130.csv"]
    assert query(wh, "select status from audit.lieferungen where datei = 'hilfen_20250131.csv'") == [("ersetzt",)]
    assert _current(wh) == [("H-1", None, "2024-12-31"), ("H-2", "2024-12-31", "2025-01-31"),
                            ("H-4", None, "2025-01-31")]
    assert query(wh, "select count(*) from (select hilfe_id, stand_ab from raw.hilfen group by all "
                     "having count(*) > 1)") == [(0,)]  # what the dbt uniqueness test checks

    # 10. withdrawing the correction restores the state before that export date
    withdrawn = kjh("lieferung", "zurueckziehen", "hilfen_20250131_korrektur.csv", "--warehouse", wh, env=env)
    assert withdrawn.returncode == 0, withdrawn.stderr
    assert "zurückgezogen" in withdrawn.stdout
    assert _current(wh) == [("H-1", None, "2024-12-31"), ("H-2", None, "2024-12-31"), ("H-9", None, "2024-12-31")]
    assert query(wh, "select status from audit.lieferungen where datei = 'hilfen_20250131_korrektur.csv'") == \
        [("zurueckgezogen",)]
    again = kjh("lieferung", "zurueckziehen", "hilfen_20250131_korrektur.csv", "--warehouse", wh, env=env)
    assert again.returncode == 2 and "nicht geladen (Status zurueckgezogen)" in again.stderr

    # the next run rebuilds the marts and does not load the withdrawn file again
    third = kjh("run", "--sources", exports, "--warehouse", wh, "--reports", reports, env=env)
    assert third.returncode == 0, third.stderr[-3000:]
    assert "nicht erneut geladen" in _lines(third.stdout)["hilfen_20250131_korrektur.csv"]
    assert query(wh, "select count(*) from marts.fallzahlen_jahr") != [(0,)]
    assert query(wh, "select count(*) from intermediate.int_zahlungen") == [(1,)]

    # no personal value of any input anywhere: warehouse, logs, reports, workbook, Dagster storage
    leaks = find_values([tmp_path / "wh", reports], personal_values(EVERY_RECORD), extra_texts={
        f"{name}.{stream}": getattr(r, stream)
        for name, r in (("run1", first), ("run2", second), ("run3", third), ("withdraw", withdrawn))
        for stream in ("stdout", "stderr")})
    assert leaks == []
