"""Withdrawing a delivery: its rows leave the raw table and the state before it is back.

Used by `kjh lieferung zurueckziehen DATEI` (a file loaded by mistake, e.g. with a wrong
export date in its name) and by ingestion itself when a full export is corrected by one
of the same export date (the earlier file is `ersetzt`). The audit row stays, with its
new status, so every step remains visible in audit.lieferungen.

Only the state before the delivery can be restored without guessing:
  - a full export (hilfen, traeger, reference files) only when it is the newest of its
    kind: its versions are deleted and the versions it closed (stand_bis = its export
    date) are current again. A newer one must be withdrawn first.
  - a delta (zahlungen): its bookings are deleted, unless a later delivery skipped some
    of them as already loaded (they would be lost): that one must be withdrawn first.
"""
from datetime import datetime

from kjh.contract import load_contract
from kjh.ingest import faults
from kjh.warehouse.connection import first_row, scalar


class CannotWithdraw(Exception):
    """The delivery cannot be withdrawn: one line for the clerk."""


def find_delivery(con, datei: str) -> tuple[int, str]:
    """The accepted delivery of that file name: (lieferung_id, art)."""
    row = first_row(con, "select lieferung_id, art from audit.lieferungen where datei = ? and status = ? "
                         "order by lieferung_id desc limit 1", [datei, faults.ANGENOMMEN])
    if row is None:
        other = first_row(con, "select status from audit.lieferungen where datei = ? order by lieferung_id desc "
                               "limit 1", [datei])
        if other is None:
            raise CannotWithdraw(f"Keine Lieferung „{datei}“ in audit.lieferungen.")
        raise CannotWithdraw(f"Lieferung „{datei}“ ist nicht geladen (Status {other[0]}): nichts zurückzuziehen.")
    return row


def withdraw(con, lieferung_id: int, *, status: str = faults.ZURUECKGEZOGEN, note: str | None = None) -> int:
    """Remove the delivery's rows and restore the state before it (inside the caller's
    transaction). Returns the number of raw rows removed."""
    datei, art, exportdatum = first_row(
        con, "select datei, art, exportdatum from audit.lieferungen where lieferung_id = ?", [lieferung_id])
    kind = load_contract().kinds[art]
    table = f'raw."{art}"'
    if kind.load == "full":
        newer = [r[0] for r in con.execute(
            "select datei from audit.lieferungen where art = ? and status = ? and exportdatum > ? order by exportdatum",
            [art, faults.ANGENOMMEN, exportdatum]).fetchall()]
        if newer:
            raise CannotWithdraw(f"„{datei}“ ist nicht der neueste Vollexport von {art}: zuerst "
                                 f"{', '.join(reversed(newer))} zurückziehen.")
        removed = scalar(con, f"select count(*) from {table} where lieferung_id = ?", [lieferung_id])
        con.execute(f"delete from {table} where lieferung_id = ?", [lieferung_id])
        # the versions it closed are current again (no other accepted delivery has its date)
        con.execute(f"update {table} set stand_bis = null where stand_bis = ?", [exportdatum])
    else:
        later = [r[0] for r in con.execute(
            "select datei from audit.lieferungen where art = ? and status = ? and lieferung_id > ? "
            "and uebersprungen > 0 order by lieferung_id", [art, faults.ANGENOMMEN, lieferung_id]).fetchall()]
        if later:
            raise CannotWithdraw(f"Spätere Lieferung(en) {', '.join(later)} enthalten Buchungen von „{datei}“ "
                                 "(als bereits geladen übersprungen): zuerst diese zurückziehen.")
        removed = scalar(con, f"select count(*) from {table} where lieferung_id = ?", [lieferung_id])
        con.execute(f"delete from {table} where lieferung_id = ?", [lieferung_id])
    how = "zurückgezogen" if status == faults.ZURUECKGEZOGEN else "ersetzt"
    con.execute(
        "update audit.lieferungen set status = ?, meldung = meldung || ? where lieferung_id = ?",
        [status, f"; {how} am {datetime.now():%d.%m.%Y %H:%M}" + (f" ({note})" if note else "")
         + f": {removed} Zeilen aus raw.{art} entfernt", lieferung_id],
    )
    return removed


def forget_incremental_state(con) -> list[str]:
    """After a withdrawal the incremental dbt models (int_zahlungen, ausgaben_*) would keep
    rows of the removed bookings: their tables and watermarks are dropped, so the next
    `dbt build` rebuilds them in full. Which models are incremental: dbt's manifest."""
    import json

    from kjh.paths import DBT_PROJECT_DIR

    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values() if manifest.exists() else []
    dropped = []
    for node in nodes:
        if node.get("resource_type") == "model" and node.get("config", {}).get("materialized") == "incremental":
            relation = f'"{node["schema"]}"."{node["alias"] or node["name"]}"'
            con.execute(f"drop table if exists {relation}")
            dropped.append(relation)
    exists = scalar(con, "select count(*) from information_schema.tables "
                         "where table_schema = 'intermediate' and table_name = 'inkrement_stand'")
    if exists:
        con.execute("delete from intermediate.inkrement_stand")
    return dropped
