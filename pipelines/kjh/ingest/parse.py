"""SQL that turns the text fields of a delivery into typed columns and fault reasons.

Set-based: one CASE per record decides its first fault (or none). Formats come
from the vendor mapping (contract defaults: dd.mm.yyyy, 1.234,56).
"""
import re
from dataclasses import dataclass

from kjh.contract import Column, ExportKind, load_contract
from kjh.ingest import faults
from kjh.ingest.faults import FileRejected
from kjh.ingest.mapping import Mapping

_FORMATS = {  # regex on the text and a description for the message
    "ags": (r"^\d{8}$", "8 Ziffern (Amtlicher Gemeindeschlüssel)"),
    "produktkonto": (r"^\d{4}\.\d{6}$", "die Form NNNN.NNNNNN"),
    "teilplan": (r"^\d{4}$", "4 Ziffern"),
}
_SHOWN_VALUE = 60  # characters of a bad value quoted in a message


def lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# A record longer than this is quarantined (FELD_ZU_LANG): no field of the contract needs more
# than a few hundred bytes, and DuckDB refuses lines over its max_line_size (2 MB) for the whole file.
MAX_RECORD_BYTES = 1024 * 1024
# A header far beyond any contract kind (at most a few dozen columns) is refused at once:
# 50,000 columns would take minutes and gigabytes to read.
MAX_COLUMNS = 500
_SHOWN_NAME = 60  # characters of an unknown column name recorded or shown


@dataclass(frozen=True)
class HeaderMap:
    positions: dict[str, int]   # contract column -> field index in the file
    extra: dict[str, int]       # extra column kept by the mapping (zusatzspalten_behalten) -> field index
    dropped: list[str]          # names of the extra columns not kept (dropped at ingestion)
    width: int                  # fields in the header


def unknown_names(names: list[str]) -> str:
    """Names of unknown columns for audit.lieferungen (shortened, at most 50)."""
    shown = [n if len(n) <= _SHOWN_NAME else n[:_SHOWN_NAME] + "…" for n in names[:50]]
    return ", ".join(shown) + (f", … und {len(names) - 50} weitere" if len(names) > 50 else "")


def _known_only(names: list[str], known: set[str]) -> str:
    """A header for a rejection message: contract columns by name, the rest only counted.

    When the header line is missing, its "names" are the values of the first record:
    a message names columns of the contract, never a value of a record.
    """
    shown = [n for n in names if n in known]
    others = len(names) - len(shown)
    text = ", ".join(shown) if shown else "keine Spalte des Vertrags"
    if others:
        text += f" und {others} weitere Spalte(n), nicht angezeigt (fehlt die Kopfzeile, stünden hier Werte)"
    return text


def map_header(kind: ExportKind, header: list[str], mapping: Mapping) -> HeaderMap:
    names = []
    for i, raw in enumerate(header):
        name = mapping.rename(raw.strip().lower()) if raw.strip() else f"spalte_{i + 1}"
        names.append(name)
    known = set(kind.column_names)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise FileRejected(faults.KOPFZEILE_UNGUELTIG,
                           f"Spalten mehrfach in der Kopfzeile: {_known_only(dupes, known)}.")
    missing = [c for c in kind.required_columns if c not in names]
    if missing:
        raise FileRejected(
            faults.PFLICHTSPALTE_FEHLT,
            f"Pflichtspalte(n) fehlen in der Kopfzeile: {', '.join(missing)}. "
            f"Gefunden: {_known_only(names, known)}.",
        )
    kept = mapping.zusatzspalten_behalten
    return HeaderMap(
        positions={n: i for i, n in enumerate(names) if n in known},
        extra={n: i for i, n in enumerate(names) if n not in known and n in kept},
        dropped=[n for n in names if n not in known and n not in kept],
        width=len(names),
    )


def _amount_regex(mapping: Mapping) -> str:
    dec, th = re.escape(mapping.dezimalzeichen), re.escape(mapping.tausendertrennzeichen)
    grouped = rf"\d{{1,3}}({th}\d{{3}})+|" if mapping.tausendertrennzeichen else ""
    return rf"^-?({grouped}\d+)({dec}\d{{1,2}})?$"


def _amount_value(txt: str, mapping: Mapping) -> str:
    expr = txt
    if mapping.tausendertrennzeichen:
        expr = f"replace({expr}, {lit(mapping.tausendertrennzeichen)}, '')"
    if mapping.dezimalzeichen != ".":
        expr = f"replace({expr}, {lit(mapping.dezimalzeichen)}, '.')"
    return f"case when regexp_full_match({txt}, {lit(_amount_regex(mapping))}) then cast({expr} as decimal(18, 2)) end"


_DATE_PARTS = {"%d": r"\d{1,2}", "%m": r"\d{1,2}", "%Y": r"\d{4}", "%y": r"\d{2}", "%H": r"\d{1,2}", "%M": r"\d{2}", "%S": r"\d{2}"}


def date_regex(fmt: str) -> str:
    """Strict shape of a date format: strptime alone reads `5.3.24` as the year 24."""
    out, i = "^", 0
    while i < len(fmt):
        part = fmt[i:i + 2]
        if part in _DATE_PARTS:
            out, i = out + _DATE_PARTS[part], i + 2
        else:
            out, i = out + re.escape(fmt[i]), i + 1
    return out + "$"


def value_sql(col: Column, txt: str, mapping: Mapping) -> str:
    """Typed value of a column, NULL when empty or unreadable."""
    if col.type == "date":
        fmt = mapping.datumsformat
        return (f"case when regexp_full_match({txt}, {lit(date_regex(fmt))}) "
                f"then cast(try_strptime({txt}, {lit(fmt)}) as date) end")
    if col.type == "decimal":
        return _amount_value(txt, mapping)
    if col.type == "integer":
        return f"case when regexp_full_match({txt}, '^-?\\d{{1,9}}$') then cast({txt} as integer) end"
    if col.type == "code":
        codes = ", ".join(lit(c) for c in load_contract().codes(col.codeliste))
        return f"case when {txt} in ({codes}) then {txt} end"
    if col.type in _FORMATS:
        return f"case when regexp_full_match({txt}, {lit(_FORMATS[col.type][0])}) then {txt} end"
    return txt


def _shown(col: Column, txt: str) -> str:
    """The bad value for a message: only of a column on the contract's `harmlos` list."""
    if not col.harmless:
        return "' – Wert aus Datenschutzgründen nicht angezeigt'"
    return f"': „' || left({txt}, {_SHOWN_VALUE}) || '“'"


def _format_fault(col: Column, txt: str, mapping: Mapping) -> tuple[str, str]:
    name = f"„{col.name}“"
    if col.type == "date":
        erwartet = mapping.datumsformat.replace('%d', 'TT').replace('%m', 'MM').replace('%Y', 'JJJJ')
        return faults.DATUM_UNGUELTIG, f"'Datum in {name} nicht lesbar' || {_shown(col, txt)} || ' (erwartet {erwartet}).'"
    if col.type == "decimal":
        example = f"1{mapping.tausendertrennzeichen}234{mapping.dezimalzeichen}56"
        return faults.BETRAG_UNGUELTIG, (f"'Betrag in {name} nicht lesbar' || {_shown(col, txt)} || "
                                         f"' (erwartet z. B. {example}, höchstens 2 Nachkommastellen).'")
    if col.type == "integer":
        return faults.ZAHL_UNGUELTIG, f"'Ganze Zahl in {name} nicht lesbar' || {_shown(col, txt)} || '.'"
    if col.type == "code":
        allowed = ", ".join(load_contract().codes(col.codeliste))
        return faults.CODE_UNBEKANNT, f"'Unbekannter Code in {name}' || {_shown(col, txt)} || ' (erlaubt: {allowed}).'"
    if col.type in _FORMATS:
        return faults.FORMAT_UNGUELTIG, f"'{name} muss {_FORMATS[col.type][1]} haben' || {_shown(col, txt)} || '.'"
    raise ValueError(col.type)


def _german_date(expr: str) -> str:
    return f"strftime({expr}, '%d.%m.%Y')"


def fault_case(kind: ExportKind, header: HeaderMap, mapping: Mapping) -> str:
    """SQL CASE giving struct(code, grund) of a record's first fault, NULL when it is clean.

    Reads the columns `<col>__txt` (trimmed text) and `<col>` (typed value) and
    `_nfelder` of the parsed table.
    """
    cols = {c.name: c for c in kind.columns}
    branches: list[tuple[str, str, str]] = [
        (
            f"_laenge > {MAX_RECORD_BYTES}",
            faults.FELD_ZU_LANG,
            f"'Datensatz ist ' || _laenge || ' Byte lang (höchstens {MAX_RECORD_BYTES}): ein Feld ist viel zu lang "
            "(z. B. ein eingefügtes Dokument); der Datensatz wird nicht gespeichert.'",
        ),
        (
            f"_nfelder <> {header.width}",
            faults.FELDANZAHL,
            f"'Datensatz hat ' || _nfelder || ' Felder, die Kopfzeile {header.width}: fehlendes Feld oder Trennzeichen "
            f"„{mapping.trennzeichen}“ in einem Text ohne Anführungszeichen.'",
        )
    ]
    for col in kind.columns:
        txt = ident(f"{col.name}__txt")
        if col.required:
            branches.append((f"{txt} is null", faults.PFLICHTFELD_FEHLT, f"'Pflichtfeld „{col.name}“ ist leer.'"))
        if col.name == "hilfeart":
            branches.append(
                (
                    f"{txt} = '41'",
                    faults.HILFEART_41,
                    "'„41“ ist keine Hilfeart: eine Hilfe für junge Volljährige (§ 41) mit der tatsächlich gewährten "
                    "Hilfeart liefern; kjh erkennt § 41 am Alter bei Beginn.'",
                )
            )
        if col.type != "text":
            code, msg = _format_fault(col, txt, mapping)
            branches.append((f"{txt} is not null and {ident(col.name)} is null", code, msg))
    for col, when in kind.pflicht_wenn.items():
        branches.append(
            (
                f"{ident(col + '__txt')} is null and {ident(when)} is not null",
                faults.PFLICHTFELD_FEHLT,
                f"'„{col}“ ist leer, obwohl „{when}“ gesetzt ist: bei gesetztem „{when}“ ist „{col}“ Pflicht.'",
            )
        )
    for start, end in kind.datumsfolge:
        branches.append(
            (
                f"{ident(end)} < {ident(start)}",
                faults.ENDE_VOR_BEGINN,
                f"'„{end}“ (' || {_german_date(ident(end))} || ') liegt vor „{start}“ (' || {_german_date(ident(start))} || ').'",
            )
        )
    for col, target in kind.referenz.items():
        table, column = target.split(".")
        branches.append(
            (
                f"{ident(col)} not in (select {ident(column)} from raw.{ident(table)})",
                faults.AGS_UNBEKANNT,
                f"'„{col}“ ' || {ident(col)} || ' steht in keiner Zuordnung ({table}): Gemeinde dort nachtragen "
                f"oder den Schlüssel prüfen.'",
            )
        )
    assert all(c in cols for c in kind.pflicht_wenn)
    whens = "\n".join(f"        when {cond} then {{'code': {lit(code)}, 'grund': {msg}}}" for cond, code, msg in branches)
    return f"case\n{whens}\n    end"


def masked_line(kind: ExportKind, header: HeaderMap, delimiter: str, max_fields: int) -> str:
    """SQL for the stored raw record: fields joined again, every value masked that is not in a
    column on the contract's `harmlos` list (personal columns, new columns, vendor extras)."""
    shown_pos = {header.positions[c] for c in kind.harmless_columns if c in header.positions}
    everything_harmless = len(shown_pos) == header.width  # then a shifted value is harmless too
    fields = [f"coalesce(c{i}, '')" if i in shown_pos or everything_harmless else "'***'" for i in range(max_fields)]
    joined = f"array_to_string([{', '.join(fields)}][1:_nfelder], {lit(delimiter)})"
    too_long = (f"when _laenge > {MAX_RECORD_BYTES} "
                f"then '[Datensatz mit ' || _laenge || ' Byte; Inhalt nicht gespeichert]' ")
    if everything_harmless:
        return f"case {too_long}else {joined} end"
    # With a different field count it is unclear which value is in which column.
    return (
        f"case {too_long}when _nfelder = {header.width} then {joined} "
        f"else '[' || _nfelder || ' Felder; Inhalt maskiert, da die Spaltenzuordnung unklar ist]' end"
    )
