"""One delivered file into the warehouse: one transaction, every record accounted for.

    zeilen = geladen + quarantaene + uebersprungen   (for every accepted file)

A whole-file fault rejects the delivery and records only that in
audit.lieferungen; the raw tables stay as they were.
"""
import os
import tempfile
import traceback
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np

from kjh.contract import ExportKind, load_contract
from kjh.ingest import faults
from kjh.ingest.derive import DERIVED, META_COLUMNS
from kjh.ingest.faults import FileRejected
from kjh.ingest.mapping import contract_default
from kjh.ingest.naming import Delivery, unknown_name_message
from kjh.ingest.parse import fault_case, ident, lit, map_header, masked_line, unknown_names, value_sql
from kjh.ingest.scan import ScannedFile, scan, sha256_of
from kjh.ingest.withdraw import withdraw
from kjh.warehouse.arbeitsordner import arbeitsordner
from kjh.warehouse.connection import first_row, scalar

# An export date later than this after today is a typo in the file name (one day of clock skew
# between the exporting system and this one is allowed).
CLOCK_SKEW = timedelta(days=1)
# DuckDB's own limit for one line (2 MB); a file with longer records is read with a larger one.
DUCKDB_MAX_LINE = 2 * 1024 * 1024
# Longer than this no record is read at all (the file is rejected): DuckDB would need several times
# as much memory.
MAX_READABLE_RECORD = 256 * 1024 * 1024


@dataclass
class Outcome:
    datei: str
    art: str | None
    exportdatum: date | None
    zeilen: int = 0
    geladen: int = 0
    quarantaene: int = 0
    uebersprungen: int = 0
    status: str = faults.ANGENOMMEN
    grund_code: str | None = None
    meldung: str = ""
    bereits_geladen: bool = False  # the same file (sha256) was delivered before: nothing done
    lieferung_id: int | None = None
    unbekannte_spalten: str = ""   # names of the extra columns dropped at ingestion

    def as_row(self) -> dict:
        row = asdict(self)
        row["exportdatum"] = self.exportdatum.isoformat() if self.exportdatum else None
        return row


class LoadError(RuntimeError):
    """An unexpected error while loading a file, its text rewritten: the text of a DuckDB or
    Python error may quote a record, and this one goes to logs and the Dagster event log."""


def deliver(con, delivery: Delivery, *, lauf_id: str | None = None, workdir: Path | None = None) -> Outcome:
    """Load one delivery. `con` has the warehouse schema and the pseudonym() macro.

    `workdir`: where the plain-text copy of the file may be written; by default the
    warehouse's private working folder (kjh.warehouse.arbeitsordner).
    """
    outcome = Outcome(datei=delivery.datei, art=delivery.art, exportdatum=delivery.exportdatum)
    link = _link_out_of_folder(delivery.path)
    if link is not None:
        outcome.status, outcome.grund_code = faults.ABGELEHNT, faults.VERWEIS
        outcome.meldung = ("Datei ist ein symbolischer Verweis auf eine Datei außerhalb des Quellordners: "
                           "nicht gelesen. Die Exportdatei selbst in den Quellordner legen.")
        sha, pruefsumme = link, None
    else:
        try:
            sha, pruefsumme = _sha256(con, delivery.path)
        except OSError as exc:
            outcome.status, outcome.grund_code = faults.ABGELEHNT, faults.NICHT_LESBAR
            outcome.meldung = f"Datei nicht lesbar: {exc.strerror}"
            return outcome  # nothing can be recorded without its content
    # The same content accepted once is never loaded again, whatever its name (also when it
    # was withdrawn or replaced since); a rejected file may come again under a corrected name.
    seen = first_row(
        con,
        """select lieferung_id, status, geladen_am from audit.lieferungen
           where sha256 = ? and (status <> ? or datei = ?) order by status = ? desc, lieferung_id limit 1""",
        [sha, faults.ABGELEHNT, delivery.datei, faults.ANGENOMMEN],
    )
    if seen:
        return _already_delivered(con, outcome, seen)
    if link is not None:
        _record(con, outcome, sha, None, lauf_id, pruefsumme)
        return outcome

    if delivery.art is None:
        outcome.status, outcome.grund_code = faults.ABGELEHNT, faults.NAME_UNBEKANNT
        outcome.meldung = unknown_name_message(delivery.datei)
        _record(con, outcome, sha, None, lauf_id, pruefsumme)
        return outcome

    kind = load_contract().kinds[delivery.art]
    mapping = delivery.mapping or contract_default(delivery.art)
    workdir = workdir or _private_workdir(con)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="kjh-") as tmp:
        try:
            _check_not_in_future(delivery)
            scanned = scan(delivery.path, Path(tmp) / "work.csv", delimiter=mapping.trennzeichen,
                           encoding=mapping.kodierung, sha256=sha)
            outcome.zeilen = scanned.records
            _check_not_older(con, kind, delivery)
            if scanned.records == 0 and kind.load == "full":
                raise FileRejected(
                    faults.KEINE_DATENSAETZE,
                    "Vollexport ohne Datensätze (nur Kopfzeile): er würde den ganzen Bestand löschen und wird nicht geladen.",
                )
            con.begin()
            try:
                replaced = _replace_same_date(con, kind, delivery)
                _load_records(con, kind, delivery, mapping, scanned, outcome)
                if replaced:
                    outcome.meldung += f"; ersetzt {replaced} (gleiches Exportdatum)"
                _record(con, outcome, sha, scanned.encoding, lauf_id, pruefsumme)
                con.commit()
            except BaseException:
                con.rollback()
                raise
        except FileRejected as rejected:
            outcome.status, outcome.grund_code, outcome.meldung = faults.ABGELEHNT, rejected.code, rejected.message
            outcome.geladen = outcome.quarantaene = outcome.uebersprungen = 0
            outcome.unbekannte_spalten = ""
            _record(con, outcome, sha, None, lauf_id, pruefsumme)
        except Exception as exc:
            # never pass on the text of an error from reading a file: it may quote a record
            raise LoadError(f"{delivery.datei}: unerwarteter Fehler beim Laden ({type(exc).__name__} in "
                            f"{_where(exc)}); der Text des Fehlers wird nicht gezeigt, da er Inhalte der Datei "
                            "enthalten kann. Die Datei wurde nicht geladen.") from None
        finally:
            for t in ("_rec", "_typed"):
                con.execute(f"drop table if exists {t}")
    return outcome


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno}"


def _sha256(con, path: Path) -> tuple[str, list | None]:
    """The file's sha256, from audit.pruefsummen when the file is unchanged since it was last read; and
    the row to keep there when it was read now (written with the file's audit record, _record)."""
    st = path.stat()
    key = [str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino]
    known = scalar(con, "select sha256 from audit.pruefsummen where pfad = ? and groesse = ? and geaendert_ns = ?"
                        " and inode = ?", key)
    if known:
        return known, None
    sha = sha256_of(path)
    return sha, key + [sha]


def _private_workdir(con) -> Path | None:
    """The warehouse's private working folder (None for an in-memory database: system temp)."""
    path = scalar(con, "select path from duckdb_databases() where database_name = current_database()")
    if not path:
        return None
    folder = arbeitsordner(Path(path))
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _link_out_of_folder(path: Path) -> str | None:
    """For a symbolic link pointing out of the sources folder: a stand-in for its sha256
    (the link is never followed, its target never read); None otherwise."""
    if not path.is_symlink():
        return None
    folder = path.parent.resolve()
    target = path.resolve()
    if target.parent == folder or folder in target.parents:
        return None
    import hashlib

    return "verweis:" + hashlib.sha256(os.readlink(path).encode("utf-8", "surrogateescape")).hexdigest()


def _check_not_in_future(delivery: Delivery) -> None:
    if delivery.exportdatum > date.today() + CLOCK_SKEW:
        raise FileRejected(
            faults.ZUKUNFT,
            f"Exportdatum {delivery.exportdatum:%d.%m.%Y} im Dateinamen liegt in der Zukunft: vermutlich ein "
            "Tippfehler im Namen. Datei mit dem richtigen Exportdatum im Namen erneut ablegen.",
        )


def _already_delivered(con, outcome: Outcome, seen) -> Outcome:
    lieferung_id, status, geladen_am = seen
    first = first_row(con, "select datei, zeilen from audit.lieferungen where lieferung_id = ?", [lieferung_id])
    outcome.bereits_geladen = True
    outcome.lieferung_id = lieferung_id
    outcome.zeilen = first[1]
    if status == faults.ANGENOMMEN:
        outcome.uebersprungen = first[1]
        outcome.meldung = f"bereits geladen am {geladen_am:%d.%m.%Y %H:%M} als „{first[0]}“: nichts geändert"
    elif status in (faults.ZURUECKGEZOGEN, faults.ERSETZT):
        outcome.status = status
        how = "zurückgezogen" if status == faults.ZURUECKGEZOGEN else "durch eine Korrektur ersetzt"
        outcome.meldung = (f"am {geladen_am:%d.%m.%Y %H:%M} als „{first[0]}“ geladen und später {how}: "
                           "nicht erneut geladen (die Datei kann aus dem Quellordner entfernt werden)")
    else:
        outcome.status = faults.ABGELEHNT
        outcome.meldung = f"bereits am {geladen_am:%d.%m.%Y %H:%M} als „{first[0]}“ abgelehnt: nichts geändert"
    return outcome


def _check_not_older(con, kind: ExportKind, delivery: Delivery) -> None:
    """A full export older than the newest one loaded of its kind is refused. The newest comes
    from audit.lieferungen: a newer export that only dropped helps left no stand_ab behind."""
    if kind.load != "full":
        return
    latest = scalar(con, "select max(exportdatum) from audit.lieferungen where art = ? and status = ?",
                    [kind.name, faults.ANGENOMMEN])
    if latest is not None and delivery.exportdatum < latest:
        raise FileRejected(
            faults.VERALTET,
            f"Vollexport vom {delivery.exportdatum:%d.%m.%Y} ist älter als der geladene Stand vom {latest:%d.%m.%Y}: "
            "ein älterer Stand kann den neueren nicht ersetzen.",
        )


def _replace_same_date(con, kind: ExportKind, delivery: Delivery) -> str | None:
    """A full export with the export date of one already loaded is its correction: the earlier
    file of that date is withdrawn (status `ersetzt`) and the correction loaded in its place,
    in the same transaction. Returns the replaced file's name."""
    if kind.load != "full":
        return None
    earlier = first_row(con, "select lieferung_id, datei from audit.lieferungen where art = ? and exportdatum = ? "
                             "and status = ?", [kind.name, delivery.exportdatum, faults.ANGENOMMEN])
    if earlier is None:
        return None
    withdraw(con, earlier[0], status=faults.ERSETZT, note=f"durch {delivery.datei}")
    return earlier[1]


def _record(con, o: Outcome, sha: str, encoding: str | None, lauf_id: str | None,
            pruefsumme: list | None = None) -> None:
    o.lieferung_id = o.lieferung_id or scalar(con, "select nextval('audit.lieferung_seq')")
    con.execute(
        """insert into audit.lieferungen
           (lieferung_id, datei, art, exportdatum, sha256, kodierung, zeilen, geladen, quarantaene,
            uebersprungen, status, grund_code, meldung, geladen_am, lauf_id, unbekannte_spalten)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [o.lieferung_id, o.datei, o.art, o.exportdatum, sha, encoding, o.zeilen, o.geladen, o.quarantaene,
         o.uebersprungen, o.status, o.grund_code, o.meldung or "", datetime.now(), lauf_id,
         o.unbekannte_spalten or None],
    )
    # only accepted files: a rejected one leaves nothing but its audit row (it is read again next time)
    if pruefsumme is not None and o.status == faults.ANGENOMMEN:
        con.execute("delete from audit.pruefsummen where pfad = ?", pruefsumme[:1])
        con.execute("insert into audit.pruefsummen values (?, ?, ?, ?, ?)", pruefsumme)


def _read_records(con, scanned: ScannedFile, mapping) -> int:
    """DuckDB parses the records into _rec (header row first) with the physical line and
    field count of each from the scan (_zeile, _nfelder), joined by position: the CSV scan
    is single-threaded, so row order is file order and rowid i is record i."""
    # Fields beyond the header's are never stored: a record with 50,000 fields is read as far as
    # one field past the header (it is a FELDANZAHL fault either way).
    width = min(max(int(scanned.field_counts.max()) if scanned.records else 0, len(scanned.header)),
                len(scanned.header) + 1)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    longest = int(scanned.record_bytes.max()) if scanned.records else 0
    if longest > MAX_READABLE_RECORD:
        raise FileRejected(faults.NICHT_LESBAR, f"Ein Datensatz ist {longest} Byte lang: so lange Datensätze "
                                                "liest kjh nicht (keine Exportdatei?).")
    max_line = max(DUCKDB_MAX_LINE, longest + 1024)
    con.register("_recinfo", {
        "_zeile": np.concatenate(([1], scanned.record_lines)).astype(np.int64),
        "_nfelder": np.concatenate(([len(scanned.header)], scanned.field_counts)).astype(np.int64),
        "_laenge": np.concatenate(([0], scanned.record_bytes)).astype(np.int64),
    })
    try:
        con.execute(
            f"""create temp table _rec as
                select *
                from (select *, true as _gelesen
                      from read_csv({lit(str(scanned.work_file))}, delim={lit(mapping.trennzeichen)}, quote='"',
                                    escape='"', header=false, columns={columns}, null_padding=true, parallel=false,
                                    auto_detect=false, new_line='\\n', strict_mode=false,
                                    max_line_size={max_line}, buffer_size={max(16 * 1024 * 1024, 4 * max_line)}))
                positional join _recinfo"""
        )
    except duckdb.Error as exc:
        # DuckDB's text quotes the record ("Original Line: …"): only its kind is passed on
        raise FileRejected(
            faults.NICHT_LESBAR,
            f"Datei lässt sich nicht in Datensätze zerlegen (DuckDB: {type(exc).__name__}; Einzelheiten nicht "
            "angezeigt, da sie Inhalte der Datei enthalten).",
        ) from None
    finally:
        try:
            con.unregister("_recinfo")
        except duckdb.Error:  # the failed read aborted the transaction; the rollback follows
            pass
    count = scalar(con, "select count(_gelesen) from _rec")
    if count != scanned.records + 1:
        raise FileRejected(
            faults.NICHT_LESBAR,
            f"Datei lässt sich nicht eindeutig in Datensätze zerlegen ({scanned.records} erwartet, {count - 1} gelesen): "
            "vermutlich ein Anführungszeichen mitten in einem Feld ohne Anführungszeichen.",
        )
    return width


def _load_records(con, kind: ExportKind, delivery: Delivery, mapping, scanned: ScannedFile, o: Outcome) -> None:
    """Set-based: one statement types every record, decides its first fault and computes the
    stored columns (_typed); duplicates, quarantine and the raw insert work on that table."""
    header = map_header(kind, scanned.header, mapping)
    o.unbekannte_spalten = unknown_names(header.dropped)
    width = _read_records(con, scanned, mapping)

    txt_cols = []
    for col in kind.columns:
        pos = header.positions.get(col.name)
        txt_cols.append(f"nullif(trim(c{pos}), '') as {ident(col.name + '__txt')}" if pos is not None
                        else f"null::varchar as {ident(col.name + '__txt')}")
    extra = (
        "json_object(" + ", ".join(f"{lit(n)}, c{i}" for n, i in header.extra.items()) + ")"
        if header.extra else "null::json"
    )
    typed = [f"{value_sql(c, ident(c.name + '__txt'), mapping)} as {ident(c.name)}" for c in kind.columns]

    raw_columns = [r[0] for r in con.execute(f"describe raw.{ident(kind.name)}").fetchall()]
    derived = DERIVED.get(kind.name, {})
    content_cols = [c for c in raw_columns if c not in META_COLUMNS]
    hash_expr = "md5(concat_ws(chr(31), " + ", ".join(f"coalesce(cast({ident(c)} as varchar), '∅')" for c in content_cols) + "))"
    derived_cols = "".join(f", {expr} as {ident(name)}" for name, expr in derived.items())
    # The first fault of each record (NULL = clean) and, for every record, the
    # columns the raw table stores (derived values and the content hash).
    con.execute(
        f"""create temp table _typed as
            with p as (select rowid as _rn, _zeile, _nfelder, _laenge, {', '.join(txt_cols)}, {extra} as _extra
                       from _rec),
                 t as (select *, {', '.join(typed)} from p where _zeile > 1),
                 f as (select *, {fault_case(kind, header, mapping)} as _fault from t),
                 g as (select *{derived_cols} from f)
            select * exclude (_nfelder, _laenge), {hash_expr} as zeilen_hash from g"""
    )
    _mark_duplicates(con, kind)

    masked = masked_line(kind, header, mapping.trennzeichen, width)
    _quarantine(con, kind, delivery, o, masked)
    if kind.load == "delta":
        _append_delta(con, kind, delivery, o, raw_columns, masked)
    else:
        _merge_full(con, kind, delivery, o, raw_columns)
    o.meldung = _summary(o)
    if header.dropped:
        o.meldung += (f"; {len(header.dropped)} Spalte(n) außerhalb des Vertrags nicht übernommen "
                      "(Namen in audit.lieferungen.unbekannte_spalten)")


def _mark_duplicates(con, kind: ExportKind) -> None:
    """Of the clean records with the same key the first is loaded, later ones are duplicates."""
    key = ", ".join(ident(k) for k in kind.key)
    dup_keys = f"select {key}, min(_zeile) as _erste from _typed where _fault is null group by {key} having count(*) > 1"
    if not scalar(con, f"select count(*) from ({dup_keys})"):
        return
    key_text = " || ' / ' || ".join(f"coalesce(cast(t.{ident(k)} as varchar), '')" for k in kind.key)
    duplicate = (f"{{'code': {lit(faults.DUPLIKAT)}, 'grund': '„{' / '.join(kind.key)}“ „' || {key_text} || "
                 f"'“ kommt in dieser Datei schon in Zeile ' || d._erste || ' vor; der erste Datensatz gilt.'}}")
    match = " and ".join(f"t.{ident(k)} is not distinct from d.{ident(k)}" for k in kind.key)
    con.execute(
        f"""update _typed t set _fault = {duplicate}
            from ({dup_keys}) d
            where {match} and t._fault is null and t._zeile > d._erste"""
    )


def _quarantine(con, kind: ExportKind, delivery: Delivery, o: Outcome, masked: str) -> None:
    con.execute(
        f"""insert into audit.quarantaene (lieferung_id, datei, zeile, art, grund_code, grund, rohzeile)
            select ?, ?, t._zeile, ?, t._fault.code, t._fault.grund, {masked}
            from _typed t join _rec r on r.rowid = t._rn
            where t._fault is not null
            order by t._zeile""",
        [_next_id(con, o), delivery.datei, kind.name],
    )
    o.quarantaene = scalar(con, "select count(*) from _typed where _fault is not null")


def _next_id(con, o: Outcome) -> int:
    if o.lieferung_id is None:
        o.lieferung_id = scalar(con, "select nextval('audit.lieferung_seq')")
    return o.lieferung_id


def _stored(raw_columns: list[str], fixed: dict[str, str]) -> str:
    """Select list of the raw columns from the clean records `n` of _typed."""
    names = {"zusatzspalten": "n._extra", "zeile": "n._zeile"}
    return ", ".join(fixed.get(c) or names.get(c) or f"n.{ident(c)}" for c in raw_columns)


def _append_delta(con, kind: ExportKind, delivery: Delivery, o: Outcome, raw_columns: list[str], masked: str) -> None:
    """Bookings are never edited: same content again is skipped, other content is a conflict."""
    key = kind.key[0]
    t = f"raw.{ident(kind.name)}"
    cols = ", ".join(ident(c) for c in raw_columns)
    sel = _stored(raw_columns, {"stand": "?::date", "lieferung_id": "?::integer"})
    clean = scalar(con, "select count(*) from _typed where _fault is null")
    known = scalar(con, f"select count(*) from _typed n join {t} r using ({ident(key)}) where n._fault is null")
    if not known:  # the usual delta: nothing delivered before
        con.execute(f"insert into {t} ({cols}) select {sel} from _typed n where n._fault is null",
                    [delivery.exportdatum, o.lieferung_id])
        o.geladen = clean
        return
    con.execute(
        f"""insert into audit.quarantaene (lieferung_id, datei, zeile, art, grund_code, grund, rohzeile)
            select ?, ?, n._zeile, ?, {lit(faults.KONFLIKT)},
                   '„{key}“ „' || n.{ident(key)} || '“ wurde schon mit anderem Inhalt geliefert (' || l.datei
                   || ', Zeile ' || r.zeile || '). Buchungen werden nie geändert: eine Korrektur ist eine neue Buchung.',
                   {masked}
            from _typed n join {t} r using ({ident(key)})
            join audit.lieferungen l on l.lieferung_id = r.lieferung_id
            join _rec on _rec.rowid = n._rn
            where n._fault is null and r.zeilen_hash <> n.zeilen_hash
            order by n._zeile""",
        [o.lieferung_id, delivery.datei, kind.name],
    )
    conflicts = scalar(con, f"select count(*) from _typed n join {t} r using ({ident(key)}) "
                            "where n._fault is null and r.zeilen_hash <> n.zeilen_hash")
    skipped = known - conflicts
    con.execute(
        f"""insert into {t} ({cols}) select {sel} from _typed n
            where n._fault is null and not exists (select 1 from {t} r where r.{ident(key)} = n.{ident(key)})""",
        [delivery.exportdatum, o.lieferung_id],
    )
    o.quarantaene += conflicts
    o.uebersprungen = skipped
    o.geladen = clean - conflicts - skipped


def _merge_full(con, kind: ExportKind, delivery: Delivery, o: Outcome, raw_columns: list[str]) -> None:
    """A full export is the new state; changed and vanished records keep their old version as history.

    A record quarantined now keeps its previous version current, but only when the file
    has no clean record of that key: one bad line must not make a running help disappear
    from the counts, and a help delivered twice (the second line a DUPLIKAT) takes its
    first, clean line. Afterwards exactly one version of each key is current.
    """
    t = f"raw.{ident(kind.name)}"
    keys = kind.key
    match = " and ".join(f"n.{ident(k)} = r.{ident(k)}" for k in keys)
    key_txt = " and ".join(f"q.{ident(k + '__txt')} = cast(r.{ident(k)} as varchar)" for k in keys)
    con.execute(
        f"""update {t} r set stand_bis = ?
            where r.stand_bis is null
              and not exists (select 1 from _typed n where n._fault is null and {match} and n.zeilen_hash = r.zeilen_hash)
              and (exists (select 1 from _typed n where n._fault is null and {match})
                   or not exists (select 1 from _typed q where q._fault is not null and {key_txt}))""",
        [delivery.exportdatum],
    )
    cols = ", ".join(ident(c) for c in raw_columns)
    sel = _stored(raw_columns, {"stand_ab": "?::date", "stand_bis": "null", "lieferung_id": "?::integer"})
    con.execute(
        f"""insert into {t} ({cols}) select {sel} from _typed n
            where n._fault is null
              and not exists (select 1 from {t} r where r.stand_bis is null and {match} and r.zeilen_hash = n.zeilen_hash)""",
        [delivery.exportdatum, o.lieferung_id],
    )
    o.geladen = scalar(con, "select count(*) from _typed where _fault is null")
    key = ", ".join(ident(k) for k in keys)
    twice = scalar(con, f"select count(*) from (select {key} from {t} where stand_bis is null group by all having count(*) > 1)")
    if twice:  # never commit a state with two current versions of one record
        raise RuntimeError(f"{twice} Schlüssel mit zwei aktuellen Versionen nach dem Laden: Lieferung nicht übernommen")


def _summary(o: Outcome) -> str:
    parts = [f"{o.geladen} geladen"]
    if o.quarantaene:
        parts.append(f"{o.quarantaene} in Quarantäne (audit.quarantaene)")
    if o.uebersprungen:
        parts.append(f"{o.uebersprungen} übersprungen (bereits geladen)")
    return ", ".join(parts)
