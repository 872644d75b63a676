"""The code lists of sources/contract/codelisten.yml into ref.* tables (rewritten each run)."""
from kjh.contract import load_contract


def write_codelisten(con) -> dict[str, int]:
    lists = load_contract().codelisten
    flat = []
    for liste, codes in lists.items():
        for code, value in codes.items():
            bezeichnung = value["bezeichnung"] if isinstance(value, dict) else value
            flat.append((liste, code, bezeichnung))
    hilfearten = [
        (code, v["paragraph"], v["bezeichnung"], v["setting"], v.get("statistik_code"))
        for code, v in lists["hilfeart"].items()
    ]
    orte = [(code, v["bezeichnung"], v["setting"]) for code, v in lists["ort_der_durchfuehrung"].items()]
    con.begin()
    for table, rows in (("codelisten", flat), ("hilfearten", hilfearten), ("orte_der_durchfuehrung", orte)):
        con.execute(f"delete from ref.{table}")
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            con.executemany(f"insert into ref.{table} values ({marks})", rows)
    con.commit()
    return {"codelisten": len(flat), "hilfearten": len(hilfearten), "orte_der_durchfuehrung": len(orte)}
