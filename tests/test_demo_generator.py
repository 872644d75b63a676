"""The demo generator writes files that satisfy the input contract (sources/contract/*.yml).

Files are read back with the csv module only, as an independent check of
what the generator promises (no code from the warehouse is used).
"""
import codecs
import csv
import io
import re
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from kjh_demo import generate

CONTRACT = Path(__file__).resolve().parents[1] / "sources" / "contract"
EXPORTS = yaml.safe_load((CONTRACT / "exports.yml").read_text(encoding="utf-8"))
CODES = {k: {str(c) for c in v}
         for k, v in yaml.safe_load((CONTRACT / "codelisten.yml").read_text(encoding="utf-8")).items()}
STAND = date(2026, 10, 31)
SCALE = 0.05
NAME = re.compile(r"^(?P<kind>[a-z]+)_(?P<date>\d{8})\.csv$")
AMOUNT = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d{2}$")


def decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def parse_date(s: str) -> date:
    return datetime.strptime(s, "%d.%m.%Y").date()


def parse_amount(s: str) -> Decimal:
    assert AMOUNT.match(s), s
    return Decimal(s.replace(".", "").replace(",", "."))


def age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class Export:
    def __init__(self, path: Path):
        self.path = path
        m = NAME.match(path.name)
        assert m, path.name
        self.kind = m["kind"]
        self.date = datetime.strptime(m["date"], "%Y%m%d").date()
        self.raw = path.read_bytes()
        records = list(csv.reader(io.StringIO(decode(self.raw), newline=""), delimiter=";"))
        self.header, body = records[0], records[1:]
        self.rows = [dict(zip(self.header, r, strict=True)) for r in body]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> list[Export]:
    out = tmp_path_factory.mktemp("demo")
    paths = generate(out, scale=SCALE, stand=STAND)
    assert sorted(paths) == sorted(out.iterdir())
    return [Export(p) for p in paths]


def of_kind(demo: list[Export], kind: str) -> list[Export]:
    return sorted((e for e in demo if e.kind == kind), key=lambda e: e.date)


def helps_by_id(export: Export) -> dict[str, dict]:
    return {r["hilfe_id"]: r for r in export.rows}


def test_same_arguments_give_identical_bytes(tmp_path, demo):
    again = generate(tmp_path / "again", scale=SCALE, stand=STAND)
    assert [p.name for p in again] == [e.path.name for e in demo]
    for p, e in zip(again, demo):
        assert p.read_bytes() == e.raw, p.name
    other = generate(tmp_path / "other", seed=7, scale=SCALE, stand=STAND)
    assert [p.read_bytes() for p in other if p.name.startswith("hilfen")] != \
        [e.raw for e in demo if e.kind == "hilfen"]


def test_file_names_and_the_set_of_files(demo):
    kinds = defaultdict(list)
    for e in demo:
        assert e.kind in EXPORTS
        kinds[e.kind].append(e.date)
    assert set(kinds) == set(EXPORTS)
    assert sorted(kinds["sozialraeume"]) == [date(2021, 1, 1), date(2025, 1, 1)]
    assert kinds["bevoelkerung"] == kinds["budgets"] == [date(2021, 1, 1)]
    assert sorted(kinds["hilfen"]) == sorted(kinds["traeger"]) == [date(2025, 12, 31), STAND]
    # One delta per past year (15 January after it), then one per month of the stand year.
    yearly = [date(y, 1, 15) for y in range(2022, 2027)]
    monthly = [date(2026, m + 1, 1) - timedelta(days=1) for m in range(1, 10)] + [STAND]
    assert sorted(kinds["zahlungen"]) == yearly + monthly
    reference_dates = kinds["sozialraeume"][:1] + kinds["bevoelkerung"] + kinds["budgets"]
    assert max(reference_dates) < min(kinds["zahlungen"] + kinds["hilfen"] + kinds["traeger"])


def test_both_encodings_bom_and_both_line_ends_occur(demo):
    assert any(e.raw.startswith(codecs.BOM_UTF8) for e in demo)
    assert any(not e.raw.startswith(codecs.BOM_UTF8) and e.raw.decode("utf-8") for e in demo)
    for e in of_kind(demo, "traeger"):
        with pytest.raises(UnicodeDecodeError):
            e.raw.decode("utf-8")
        assert b"\x96" in e.raw or b"\x80" in e.raw  # cp1252 en dash / euro sign
        text = e.raw.decode("cp1252")
        assert "–" in text and any(u in text for u in "äöüÄÖÜß")
    crlf = [e for e in demo if b"\r\n" in e.raw]
    lf_only = [e for e in demo if b"\n" in e.raw and b"\r" not in e.raw]
    assert crlf and lf_only
    for e in crlf:
        assert e.raw.count(b"\n") == e.raw.count(b"\r\n"), e.path.name


def test_headers_are_the_contract_columns(demo):
    for e in demo:
        assert e.header == list(EXPORTS[e.kind]["columns"]), e.path.name


def test_every_cell_fits_its_type_code_list_and_required_flag(demo):
    checks = {
        "date": parse_date,
        "decimal": parse_amount,
        "integer": int,
        "ags": lambda v: re.fullmatch(r"\d{8}", v) or pytest.fail(v),
        "produktkonto": lambda v: re.fullmatch(r"\d{4}\.\d{6}", v) or pytest.fail(v),
        "teilplan": lambda v: re.fullmatch(r"\d{4}", v) or pytest.fail(v),
        "text": str,
    }
    for e in demo:
        for name, col in EXPORTS[e.kind]["columns"].items():
            for r in e.rows:
                v = r[name]
                if not v:
                    assert not col.get("required"), f"{e.path.name}: {name} empty"
                elif col["type"] == "code":
                    assert v in CODES[col["codeliste"]], f"{e.path.name}: {name}={v}"
                else:
                    checks[col["type"]](v)


def test_no_reason_sonstig_and_a_realistic_mix(demo):
    latest = of_kind(demo, "hilfen")[-1].rows
    assert all(r["hauptgrund"] != "sonstig" for r in latest)
    counts = defaultdict(int)
    for r in latest:
        counts[r["hilfeart"]] += 1
    assert counts["28"] == max(counts.values())
    assert set(r["geschlecht"] for r in latest) >= {"m", "w"}
    assert {r["ort_der_durchfuehrung"] for r in latest if r["hilfeart"] in {"27.2", "35", "35a"}} - {""}
    assert all(r["ort_der_durchfuehrung"] for r in latest if r["hilfeart"] in {"27.2", "35", "35a"})
    assert any(not r["traeger_id"] for r in latest) and any(r["traeger_id"] for r in latest)


def test_no_municipality_outside_the_scope(demo):
    for e in demo:
        assert b"01060063" not in e.raw, e.path.name


def test_help_periods_and_end_reasons(demo):
    for e in of_kind(demo, "hilfen"):
        for r in e.rows:
            beginn = parse_date(r["beginn"])
            assert beginn <= e.date
            assert bool(r["ende"]) == bool(r["beendigungsgrund"]), r
            if r["ende"]:
                assert beginn <= parse_date(r["ende"]) <= e.date, r


def test_ages_inobhutnahme_minors_only_young_adults_under_21(demo):
    rows = of_kind(demo, "hilfen")[-1].rows
    ages = [(r["hilfeart"], age(parse_date(r["geburtsdatum"]), parse_date(r["beginn"]))) for r in rows]
    assert all(0 <= a <= 20 for _, a in ages)
    assert all(a < 18 for h, a in ages if h == "42")
    young_adults = sum(a >= 18 for _, a in ages) / len(ages)
    assert 0.03 < young_adults < 0.15


def test_people_and_families(demo):
    rows = of_kind(demo, "hilfen")[-1].rows
    person = {}
    by_person = defaultdict(list)
    persons_in_family = defaultdict(set)
    for r in rows:
        key = (r["fall_id"], r["geburtsdatum"], r["geschlecht"], r["wohnort_ags"])
        assert person.setdefault(r["person_id"], key) == key
        by_person[r["person_id"]].append(r)
        persons_in_family[r["fall_id"]].add(r["person_id"])
        assert re.fullmatch(r"H-\d{6}", r["hilfe_id"]) and re.fullmatch(r"P-\d{6}", r["person_id"])
        assert re.fullmatch(r"AZ-51-\d{4}-\d{4}", r["fall_id"])
    assert any(len(p) > 1 for p in persons_in_family.values())  # siblings
    assert any(len(h) > 1 for h in by_person.values())  # consecutive helps
    for helps in by_person.values():
        for a in helps:
            for b in helps:
                if a is not b and a["hilfeart"] == b["hilfeart"] and parse_date(a["beginn"]) <= parse_date(b["beginn"]):
                    assert a["ende"] and parse_date(a["ende"]) < parse_date(b["beginn"]), (a, b)


def test_earlier_hilfen_export_is_an_earlier_state_of_the_later(demo):
    earlier, later = of_kind(demo, "hilfen")
    old, new = helps_by_id(earlier), helps_by_id(later)
    assert set(old) <= set(new)
    for hid, r in new.items():
        if hid not in old:
            assert parse_date(r["beginn"]) > earlier.date
            continue
        o = old[hid]
        am_ende = ("ende", "beendigungsgrund", "anschliessender_aufenthalt", "nachfolgende_hilfe")  # known once ended
        same = set(r) - set(am_ende)
        assert {k: o[k] for k in same} == {k: r[k] for k in same}
        if o["ende"]:
            assert [o[k] for k in am_ende] == [r[k] for k in am_ende]
        else:
            assert not o["anschliessender_aufenthalt"] and not o["nachfolgende_hilfe"]
            if r["ende"]:
                assert parse_date(r["ende"]) > earlier.date
    assert any(not o["ende"] and new[h]["ende"] for h, o in old.items())  # ended since


def test_providers_cover_their_helps(demo):
    traeger = {e.date: {r["traeger_id"]: r for r in e.rows} for e in of_kind(demo, "traeger")}
    earlier, later = sorted(traeger)
    assert set(traeger[earlier]) < set(traeger[later])  # new providers
    assert any(traeger[earlier][t]["entgelt_tagessatz"] != traeger[later][t]["entgelt_tagessatz"]
               for t in traeger[earlier])  # a rate increase
    names = [r["name"] for r in traeger[later].values()]
    assert any(";" in n for n in names) and any('"' in n for n in names)
    assert {r["traegerart"] for r in traeger[later].values()} == CODES["traegerart"]
    for e in of_kind(demo, "hilfen"):
        for r in e.rows:
            if not r["traeger_id"]:
                continue
            t = traeger[e.date][r["traeger_id"]]
            # A rate increase moves gueltig_ab in the newer export; the first agreement counts.
            first_ab = min(parse_date(v[r["traeger_id"]]["gueltig_ab"]) for v in traeger.values()
                           if r["traeger_id"] in v)
            assert first_ab <= parse_date(r["beginn"])
            if t["gueltig_bis"]:
                assert r["ende"] and parse_date(r["ende"]) <= parse_date(t["gueltig_bis"])


def test_municipalities_social_spaces_and_the_mapping_change(demo):
    old, new = (e.rows for e in of_kind(demo, "sozialraeume"))
    assert [r["ags"] for r in old] == [r["ags"] for r in new]
    assert len({r["ags"] for r in old}) == len(old) == 94
    assert len({r["sozialraum"] for r in old}) == 6 and len({r["region"] for r in old}) == 3
    changed = [(o, n) for o, n in zip(old, new) if o != n]
    assert len(changed) == 1 and changed[0][0]["sozialraum"] != changed[0][1]["sozialraum"]
    ags = {r["ags"] for r in old}
    for e in of_kind(demo, "hilfen"):
        assert {r["wohnort_ags"] for r in e.rows} <= ags


def test_population_and_budgets_are_complete(demo):
    spaces = {r["sozialraum"] for r in of_kind(demo, "sozialraeume")[0].rows}
    ags = {r["ags"] for r in of_kind(demo, "sozialraeume")[0].rows}
    years = {str(y) for y in range(2021, STAND.year + 1)}
    pop = of_kind(demo, "bevoelkerung")[0].rows
    keys = [(r["ags"], r["jahr"], r["altersgruppe"]) for r in pop]
    assert len(keys) == len(set(keys)) == len(ags) * len(years) * len(CODES["altersgruppe"])
    budgets = of_kind(demo, "budgets")[0].rows
    keys = {(r["sozialraum"], r["haushaltsjahr"], r["teilplan"]) for r in budgets}
    assert keys == {(s, y, t) for s in spaces for y in years for t in ("3632", "3633", "3634")}


def test_bookings_unique_dated_into_their_delta_file_and_tied_to_helps(demo):
    files = of_kind(demo, "zahlungen")
    helps = helps_by_id(of_kind(demo, "hilfen")[-1])
    providers = {r["traeger_id"] for r in of_kind(demo, "traeger")[-1].rows}
    ids = [r["buchung_id"] for e in files for r in e.rows]
    assert len(ids) == len(set(ids)) > 1000
    previous = date.min
    amounts = []
    for e in files:
        for r in e.rows:
            assert previous < parse_date(r["buchungsdatum"]) <= e.date
            von, bis = parse_date(r["zeitraum_von"]), parse_date(r["zeitraum_bis"])
            assert von <= bis
            amounts.append(parse_amount(r["betrag"]))
            assert r["traeger_id"] in providers | {""}
            if r["hilfe_id"]:
                h = helps[r["hilfe_id"]]
                assert parse_date(h["beginn"]) <= von and (not h["ende"] or bis <= parse_date(h["ende"]))
                assert h["hilfeart"] != "28"  # Erziehungsberatung is financed by grants
        previous = e.date
    assert min(amounts) < 0 and max(amounts) >= 1000
    rows = [r for e in files for r in e.rows]
    assert {r["kostenart"] for r in rows} == CODES["kostenart"]
    assert {r["produktkonto"][:4] for r in rows} == {"3632", "3633", "3634"}
    assert any(not r["hilfe_id"] for r in rows)
    assert any(parse_date(r["zeitraum_von"]).month != parse_date(r["zeitraum_bis"]).month for r in rows)


def test_command_line_help():
    done = subprocess.run([sys.executable, "-m", "kjh_demo", "--help"], capture_output=True, text=True, check=True)
    assert "--scale" in done.stdout and "--stand" in done.stdout


def test_contract_v2_merkmale_are_filled_consistently(demo):
    """Reasons distinct and in order, § 42 details only for § 42, what followed only for ended helps,
    realistic shares, and one office (its Kennnummer or empty)."""
    rows = list(helps_by_id(of_kind(demo, "hilfen")[-1]).values())
    n = len(rows)
    for r in rows:
        gruende = [g for g in (r["hauptgrund"], r["grund_2"], r["grund_3"]) if g]
        assert len(gruende) == len(set(gruende)) and "sonstig" not in gruende[1:]
        assert r["grund_2"] or not r["grund_3"]
        is42 = r["hilfeart"] == "42"
        assert is42 or not (r["anlass_42"] or r["hinweisgeber_42"] or r["unterbringungsform_42"])
        assert not is42 or not (r["grund_2"] or r["situation_herkunftsfamilie"])
        assert r["ende"] or not (r["anschliessender_aufenthalt"] or r["nachfolgende_hilfe"])
        assert r["jugendamt"] in ("", "01060000")
    share = lambda cond: sum(1 for r in rows if cond(r)) / n  # noqa: E731
    assert 0.5 < share(lambda r: r["grund_2"]) < 0.7 and 0.2 < share(lambda r: r["grund_3"]) < 0.35
    assert 0.7 < share(lambda r: r["aufenthalt_vor_hilfe"] == "eltern") < 0.85
    assert 0.3 < share(lambda r: r["situation_herkunftsfamilie"] == "alleinerziehend") < 0.5
    assert share(lambda r: r["beendigungsgrund"] == "abbruch_minderjaehriger") > 0.02
    assert all(r["hilfeart"] == "33" for r in rows if r["beendigungsgrund"] == "adoption")  # rare, foster care only
    assert 0 < share(lambda r: r["jugendamt"]) < 0.6  # newer helps only
    assert share(lambda r: r["hilfeart"] == "42" and r["anlass_42"]) > 0.01
    zahlungen = [r for e in of_kind(demo, "zahlungen") for r in e.rows]
    assert {r["jugendamt"] for r in zahlungen} == {"", "01060000"}


def test_land_scale_shares_helps_among_offices():
    from kjh_demo import merkmale

    assert merkmale.kennnummern(1) == ["01060000"]
    land = merkmale.kennnummern(67)  # about 400,000 helps
    assert len(land) == 14 and len(set(land)) == 14 and all(len(k) == 8 and k.startswith("010") for k in land)
    assert 67 * 6000 / len(land) < 99_999  # each office's running numbers fit 5 digits
