"""No raw person_id, fall_id or geburtsdatum value reaches any table."""
import hashlib
import hmac

from tests.conftest import TEST_KEY, load_folder, query
from tests.exports import HILFEN_HEADER, hilfe, write, write_sozialraeume
from tests.leak_scan import find_values

RAW_VALUES = ["P-000777", "AZ-51-2023-0456", "14.03.2007", "2007-03-14", "P-000888", "AZ-51-2023-0999", "29.02.2008",
              "2008-02-29"]


def test_identifiers_and_birth_dates_are_not_stored(exports, warehouse_path):
    write_sozialraeume(exports)
    write(exports / "hilfen_20250331.csv", HILFEN_HEADER, [
        hilfe("H-1", person_id="P-000777", fall_id="AZ-51-2023-0456", geburtsdatum="14.03.2007", beginn="14.03.2025"),
        # a faulty record is quarantined: its personal values are masked there too
        hilfe("H-2", person_id="P-000888", fall_id="AZ-51-2023-0999", geburtsdatum="29.02.2008", hilfeart="41"),
        hilfe("H-3", person_id="P-000888", fall_id="AZ-51-2023-0999", geburtsdatum="29.02.2008", beginn="28.02.2026"),
    ])
    load_folder(exports, warehouse_path)
    assert find_values([warehouse_path, warehouse_path.with_name(warehouse_path.name + ".arbeit")], RAW_VALUES) == []


def test_pseudonym_is_hmac_sha256_and_age_is_exact(exports, warehouse_path):
    write_sozialraeume(exports)
    write(exports / "hilfen_20260331.csv", HILFEN_HEADER, [
        hilfe("H-1", person_id="P-000777", fall_id="AZ-1", geburtsdatum="14.03.2007", beginn="14.03.2025"),
        hilfe("H-2", person_id="P-000778", fall_id="AZ-1", geburtsdatum="15.03.2007", beginn="14.03.2025"),
        hilfe("H-3", person_id="P-000888", fall_id="AZ-2", geburtsdatum="29.02.2008", beginn="28.02.2026"),
        hilfe("H-4", person_id="P-000889", fall_id="AZ-2", geburtsdatum="29.02.2008", beginn="01.03.2026"),
    ])
    load_folder(exports, warehouse_path)
    rows = query(warehouse_path, "select hilfe_id, person_pseudonym, fall_pseudonym, geburtsjahr, geburtsmonat, "
                                 "alter_bei_beginn from raw.hilfen order by 1")
    expect = lambda v: hmac.new(TEST_KEY, v.encode(), hashlib.sha256).hexdigest()  # noqa: E731
    assert rows[0] == ("H-1", expect("P-000777"), expect("AZ-1"), 2007, 3, 18)
    assert rows[1][5] == 17  # one day before the 18th birthday
    assert rows[1][2] == rows[0][2]  # siblings share the family pseudonym
    assert [r[5] for r in rows[2:]] == [17, 18]  # born 29.02.: 18 from 01.03. in a non-leap year
