"""Hand-written exports of a small office on which every quality check passes,
the faults that make each check fail, and a helper that runs the checks
through Dagster.

The office: three municipalities in two social spaces (Bad Segeberg with
Wahlstedt, Kaltenkirchen), six helps, two providers, monthly bookings from
January 2023 to January 2025, population and budgets for 2023-2025.
"""
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from kjh.contract import load_contract
from tests.conftest import load_folder, query
from tests.exports import HILFEN_HEADER, TRAEGER_HEADER, ZAHLUNGEN_HEADER, buchung, hilfe, traeger, write

SOZIALRAEUME_HEADER = ["ags", "gemeinde", "sozialraum", "region"]
BEVOELKERUNG_HEADER = ["ags", "jahr", "altersgruppe", "anzahl"]
BUDGETS_HEADER = ["sozialraum", "haushaltsjahr", "teilplan", "budget_eur"]

SOZIALRAEUME = [
    ["01060005", "Bad Segeberg, Stadt", "Bad Segeberg", "Ostkreis"],
    ["01060092", "Wahlstedt, Stadt", "Bad Segeberg", "Ostkreis"],
    ["01060044", "Kaltenkirchen, Stadt", "Kaltenkirchen", "Westkreis"],
]
AGS = [r[0] for r in SOZIALRAEUME]
RAEUME = ["Bad Segeberg", "Kaltenkirchen"]
JAHRE = (2023, 2024, 2025)
TEILPLAENE = ("3632", "3634")

# hilfe_id -> (row of the current export, months with a booking, produktkonto, monthly amount)
HILFEN = {
    "H-1": dict(person_id="P-1", geburtsdatum="14.03.2012", wohnort_ags="01060005", hilfeart="31",
                beginn="01.01.2022", traeger_id="T-1"),
    "H-2": dict(person_id="P-2", geburtsdatum="02.05.2008", wohnort_ags="01060092", hilfeart="34",
                ort_der_durchfuehrung="08", beginn="01.06.2022", traeger_id="T-2"),
    "H-3": dict(person_id="P-3", geburtsdatum="20.11.2010", wohnort_ags="01060044", hilfeart="30",
                beginn="01.03.2022", traeger_id="T-1"),
    "H-4": dict(person_id="P-4", geburtsdatum="07.07.2015", wohnort_ags="01060005", hilfeart="33",
                ort_der_durchfuehrung="03", beginn="01.01.2022", traeger_id="T-2"),
    "H-5": dict(person_id="P-5", geburtsdatum="30.01.2011", wohnort_ags="01060044", hilfeart="32",
                ort_der_durchfuehrung="07", beginn="01.02.2022", traeger_id="T-1"),
    # new in the 2024 export, delivered by the office itself, no bookings
    "H-6": dict(person_id="P-6", geburtsdatum="11.09.2009", wohnort_ags="01060092", hilfeart="28",
                ort_der_durchfuehrung="06", beginn="01.10.2024", traeger_id=""),
}
H5_ENDE = "30.06.2024"
MONATE = [(y, m) for y in (2023, 2024) for m in range(1, 13)] + [(2025, 1)]


def hilfen_rows(stand: str, ids=None, **changes) -> list[dict]:
    """The help export as of 31.12.2023 or 31.12.2024 (H-5 ends in between, H-6 begins)."""
    ids = ids or (["H-1", "H-2", "H-3", "H-4", "H-5"] if stand == "2023" else list(HILFEN))
    rows = []
    for hid in ids:
        over = dict(HILFEN[hid], fall_id=f"AZ-51-{hid}")
        if hid == "H-5" and stand != "2023":
            over.update(ende=H5_ENDE, beendigungsgrund="planmaessig")
        over.update(changes.get(hid, {}))
        rows.append(hilfe(hid, **over))
    return rows


def buchungen(monate=MONATE) -> dict[tuple[int, int], list[dict]]:
    """Bookings per month: each running help monthly, a Kostenbeitrag for H-1, a
    quarterly fallunspezifische booking."""
    out = {}
    for y, m in monate:
        last = [31, 29 if y % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        base = dict(buchungsdatum=f"05.{m:02d}.{y}", zeitraum_von=f"01.{m:02d}.{y}", zeitraum_bis=f"{last}.{m:02d}.{y}")
        rows = []
        for hid in ("H-1", "H-2", "H-3", "H-4", "H-5"):
            if hid == "H-5" and (y, m) > (2024, 6):
                continue
            konto = "3634.533100" if hid == "H-2" else "3632.533100"
            rows.append(buchung(f"B-{hid}-{y}{m:02d}", hilfe_id=hid, betrag="4.500,00" if hid == "H-2" else "1.500,00",
                                produktkonto=konto, traeger_id=HILFEN[hid]["traeger_id"], **base))
        rows.append(buchung(f"B-KB-{y}{m:02d}", hilfe_id="H-1", betrag="120,00", produktkonto="3632.448100",
                            kostenart="kostenbeitrag", traeger_id="", **base))
        if m % 3 == 0:
            rows.append(buchung(f"B-FU-{y}{m:02d}", hilfe_id="", betrag="10.000,00", produktkonto="3631.533100",
                                traeger_id="T-1", **base))
        out[(y, m)] = rows
    return out


def bevoelkerung_rows(jahre=JAHRE, ags=AGS, ohne=()) -> list[list]:
    """100 residents per municipality, year and age group; `ohne` drops (ags, jahr[, gruppe])."""
    rows = []
    for a in ags:
        for j in jahre:
            for g in load_contract().codes("altersgruppe"):
                if (a, j) in ohne or (a, j, g) in ohne:
                    continue
                rows.append([a, str(j), g, "100"])
    return rows


def budgets_rows(jahre=JAHRE, ohne=()) -> list[list]:
    rows = []
    for r in RAEUME:
        for j in jahre:
            for t in TEILPLAENE:
                if (r, j) in ohne or (r, j, t) in ohne:
                    continue
                rows.append([r, str(j), t, "500.000,00"])
    return rows


def write_clean_office(folder: Path) -> Path:
    """Every export of the clean office; a scenario overwrites or adds files after this."""
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / "sozialraeume_20200101.csv", SOZIALRAEUME_HEADER, SOZIALRAEUME)
    write(folder / "bevoelkerung_20200101.csv", BEVOELKERUNG_HEADER, bevoelkerung_rows())
    write(folder / "budgets_20200101.csv", BUDGETS_HEADER, budgets_rows())
    write(folder / "traeger_20241231.csv", TRAEGER_HEADER,
          [traeger("T-1"), traeger("T-2", name="Kinderhaus Nord", traegerart="privat_gewerblich", verband="")])
    write(folder / "hilfen_20231231.csv", HILFEN_HEADER, hilfen_rows("2023"))
    write(folder / "hilfen_20241231.csv", HILFEN_HEADER, hilfen_rows("2024"))
    by_month = buchungen()
    write(folder / "zahlungen_20231231.csv", ZAHLUNGEN_HEADER, [b for (y, _), bs in by_month.items() if y == 2023 for b in bs])
    write(folder / "zahlungen_20241231.csv", ZAHLUNGEN_HEADER, [b for (y, _), bs in by_month.items() if y == 2024 for b in bs])
    write(folder / "zahlungen_20250131.csv", ZAHLUNGEN_HEADER, by_month[(2025, 1)])
    return folder


# --- running the checks through Dagster ---------------------------------------

@dataclass
class Befund:
    result: dg.ExecuteInProcessResult
    checks: dict[tuple[str, str], object]  # (art, check name) -> AssetCheckEvaluation
    zeilen: dict[str, dict]                # pruefung -> its row in audit.pruefergebnisse

    @property
    def nicht_bestanden(self) -> set[str]:
        return {p for p, r in self.zeilen.items() if not r["bestanden"]}


def run_checks(warehouse: Path, reports: Path, monkeypatch, instance=None) -> Befund:
    """The quality checks of kjh.defs.qualitaet on an existing warehouse, as a Dagster run
    (the raw assets are not selected: the warehouse is loaded already)."""
    from kjh.defs.ingestion import defs as ingestion_defs
    from kjh.defs.qualitaet import defs as quality_defs
    from kjh.defs.resources import warehouse_resource

    monkeypatch.setenv("KJH_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("KJH_REPORTS", str(reports))
    checks = list(quality_defs().asset_checks)
    result = dg.materialize(
        [*ingestion_defs().assets, *checks],
        selection=dg.AssetSelection.checks(*checks),
        resources={"warehouse": warehouse_resource()},
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return befund(result, warehouse)


def befund(result, warehouse: Path) -> Befund:
    evaluations = {(e.asset_key.path[-1], e.check_name): e for e in result.get_asset_check_evaluations()}
    cols = ["pruefung", "asset", "dagster_check", "schweregrad", "bestanden", "fehlerhafte_zeilen", "geprueft_zeilen",
            "beispiele", "je_sozialraum", "meldung"]
    # the GX suites' rows (raw tables); the plausibility checks on the dbt models have their own tests
    rows = query(warehouse, f"select {', '.join(cols)} from audit.pruefergebnisse where lauf_id = ? "
                            "and asset like 'raw/%'", [result.run_id])
    return Befund(result, evaluations, {r[0]: dict(zip(cols, r)) for r in rows})


def load_and_check(folder: Path, warehouse: Path, reports: Path, monkeypatch, tamper=None) -> Befund:
    load_folder(folder, warehouse)
    if tamper:
        import duckdb

        con = duckdb.connect(str(warehouse))
        try:
            for sql in tamper:
                con.execute(sql)
        finally:
            con.close()
    return run_checks(warehouse, reports, monkeypatch)
