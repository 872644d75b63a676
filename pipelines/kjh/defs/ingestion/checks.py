"""Blocking checks on ingestion itself: every delivered record is accounted for."""
import dagster as dg

from kjh.contract import LOAD_ORDER
from kjh.defs.resources import Warehouse


def _accounting_check(art: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=dg.AssetKey(["raw", art]), name="jeder_datensatz_verbucht", blocking=True,
                    description="For every accepted delivery: geladen + quarantaene + uebersprungen = zeilen, "
                                "and audit.quarantaene holds exactly `quarantaene` records of it.")
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.reader() as con:
            bad = con.execute(
                """select l.datei, l.zeilen, l.geladen, l.quarantaene, l.uebersprungen, count(q.zeile) as q_rows
                   from audit.lieferungen l left join audit.quarantaene q using (lieferung_id)
                   where l.art = ? and l.status = 'angenommen'
                   group by all
                   having l.geladen + l.quarantaene + l.uebersprungen <> l.zeilen or count(q.zeile) <> l.quarantaene""",
                [art],
            ).fetchall()
            files = con.execute(
                "select count(*) from audit.lieferungen where art = ? and status = 'angenommen'", [art]
            ).fetchall()[0][0]
        return dg.AssetCheckResult(
            passed=not bad,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"dateien_geprueft": files, "abweichend": dg.MetadataValue.json([list(map(str, r)) for r in bad])},
        )

    return _check


accounting_checks = [_accounting_check(art) for art in LOAD_ORDER]
