"""First pass over a delivered file: bytes to clean UTF-8, and its record layout.

DuckDB reads UTF-8 but not Windows-1252 (its `encodings` extension would be
downloaded), and it does not report physical line numbers. So one streaming
pass in large blocks (never line by line) does what DuckDB cannot:
  - binary detection, encoding detection (UTF-8 is tried first; a file that is
    not valid UTF-8 is read again as Windows-1252);
  - transcoding to UTF-8 with LF line ends into a work file for DuckDB. A file
    that already is UTF-8 without BOM and without CR is handed to DuckDB as it
    is (no copy); a CR found later switches to writing the work file;
  - with numpy over the bytes: where each record starts (physical line, a line
    break inside quotes does not start a record), how many fields it has, and
    whether the file ends inside a record (truncated).
"""
import codecs
import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kjh.ingest import faults
from kjh.ingest.faults import FileRejected
from kjh.ingest.parse import MAX_COLUMNS

BLOCK = 16 * 1024 * 1024   # hashing and reading
LAYOUT_BLOCK = 4 * 1024 * 1024  # numpy pass: small enough that its temporary arrays stay cheap
_QUOTE, _LF = ord('"'), ord("\n")


@dataclass
class ScannedFile:
    sha256: str
    encoding: str              # utf-8, utf-8-sig or windows-1252
    work_file: Path            # UTF-8, LF line ends, no BOM (the delivered file itself when it already is)
    header: list[str]          # column names as delivered (stripped)
    record_lines: np.ndarray   # physical start line of every data record (header = line 1)
    field_counts: np.ndarray   # fields per data record
    record_bytes: np.ndarray   # UTF-8 bytes per data record (line end excluded)

    @property
    def records(self) -> int:
        return len(self.record_lines)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            h.update(block)
    return h.hexdigest()


class _Layout:
    """Streaming record layout over UTF-8 bytes (quote parity carried across blocks)."""

    def __init__(self, delimiter: str):
        self.delim = ord(delimiter)
        self.offset = 0          # bytes seen so far
        self.lines_seen = 0      # line feeds seen so far
        self.parity = 0          # 1 = inside quotes at the end of the bytes seen
        self.cur_fields = 1      # fields of the record in progress
        self.cur_start_line = 1  # physical line where the record in progress starts
        self.cur_len = 0         # bytes of the record in progress
        self.starts: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []

    def feed(self, data: bytes) -> None:
        for i in range(0, len(data), LAYOUT_BLOCK):
            self._feed(np.frombuffer(data, dtype=np.uint8, count=min(LAYOUT_BLOCK, len(data) - i), offset=i))

    def _feed(self, b: np.ndarray) -> None:
        if len(b) == 0:
            return
        q = np.flatnonzero(b == _QUOTE)
        all_lf = np.flatnonzero(b == _LF)
        sep = np.flatnonzero(b == self.delim)
        # a byte is inside quotes when an odd number of quotes precede it (carried parity included)
        if len(q):
            lf = all_lf[((np.searchsorted(q, all_lf) + self.parity) & 1) == 0]   # record terminators
            sep = sep[((np.searchsorted(q, sep) + self.parity) & 1) == 0]
        elif self.parity:
            lf, sep = all_lf[:0], sep[:0]
        else:
            lf = all_lf
        if len(lf):
            # physical line of each terminator = line feeds before it + 1
            if len(lf) == len(all_lf):
                lf_line = np.arange(self.lines_seen + 1, self.lines_seen + 1 + len(lf), dtype=np.int64)
            else:
                lf_line = np.searchsorted(all_lf, lf) + self.lines_seen + 1
            starts = np.empty(len(lf), dtype=np.int64)
            starts[0] = self.cur_start_line
            starts[1:] = lf_line[:-1] + 1
            # fields: separators before each terminator, counted per record
            before = np.searchsorted(sep, lf).astype(np.int64)
            counts = np.empty(len(lf), dtype=np.int64)
            counts[0] = self.cur_fields + before[0]
            counts[1:] = np.diff(before) + 1
            lengths = np.empty(len(lf), dtype=np.int64)
            lengths[0] = self.cur_len + lf[0]
            lengths[1:] = np.diff(lf) - 1
            self.starts.append(starts)
            self.counts.append(counts)
            self.lengths.append(lengths)
            self.cur_start_line = int(lf_line[-1]) + 1
            self.cur_fields = len(sep) - int(before[-1]) + 1
            self.cur_len = len(b) - int(lf[-1]) - 1
        else:
            self.cur_fields += len(sep)
            self.cur_len += len(b)
        self.lines_seen += len(all_lf)
        self.parity = (self.parity + len(q)) & 1
        self.offset += len(b)

    def finish(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cat = lambda parts: np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)  # noqa: E731
        return cat(self.starts), cat(self.counts), cat(self.lengths)


class _NotUtf8(Exception):
    """Auto-detection: the file is not UTF-8; read it again as Windows-1252."""


_NULL_MESSAGE = "Datei enthält Binärdaten (Nullbytes): keine CSV-Textdatei."


def _has_null_byte(path: Path) -> bool:
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            if b"\x00" in block:
                return True
    return False


def _pass(path: Path, work_file: Path, encoding: str, layout: _Layout, *, auto: bool) -> tuple[Path, str]:
    """One streaming pass: feeds the layout with the UTF-8/LF bytes; returns (file for DuckDB, last char).

    `encoding` is utf-8, utf-8-sig or windows-1252. For UTF-8 the bytes stay
    bytes (validated, CR/CRLF turned into LF); the work file is only written
    once a change to the delivered bytes is needed.
    """
    utf8 = encoding in ("utf-8", "utf-8-sig")
    validator = codecs.getincrementaldecoder("utf-8")(errors="strict")
    decoder = None if utf8 else codecs.getincrementaldecoder(encoding)(errors="strict")
    out = None          # open work file, once writing
    copied = 0          # bytes of the delivered file passed on unchanged before writing started
    pending_cr = False
    last = b""
    with path.open("rb") as f:
        if encoding == "utf-8-sig":
            f.seek(len(codecs.BOM_UTF8))
            out = work_file.open("wb")
        elif not utf8:
            out = work_file.open("wb")
        try:
            while True:
                raw = f.read(BLOCK)
                final = not raw
                if b"\x00" in raw:
                    raise FileRejected(faults.KEIN_TEXT, _NULL_MESSAGE)
                if utf8:
                    if not raw.isascii() or validator.getstate()[0] or final:
                        try:
                            validator.decode(raw, final=final)
                        except UnicodeDecodeError:
                            if auto:
                                raise _NotUtf8() from None
                            raise
                    data = raw
                else:
                    data = decoder.decode(raw, final=final).encode("utf-8")
                if pending_cr:
                    data = b"\r" + data
                pending_cr = data.endswith(b"\r") and not final
                if pending_cr:
                    data = data[:-1]
                if b"\r" in data:
                    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                    if out is None:  # from here on the bytes differ from the delivered ones
                        out = work_file.open("wb")
                        with path.open("rb") as again:
                            _copy_prefix(again, out, copied)
                if data:
                    if out is not None:
                        out.write(data)
                    else:
                        copied += len(data)
                    layout.feed(data)
                    last = data[-1:]
                if final:
                    break
            if last and last != b"\n":
                if out is None:  # rare: copy the file to give its last record a line end
                    out = work_file.open("wb")
                    with path.open("rb") as again:
                        _copy_prefix(again, out, copied)
                out.write(b"\n")  # a complete last record without a line end is fine
        finally:
            if out is not None:
                out.close()
    return (work_file if out is not None else path), last.decode("ascii", errors="replace")


def _copy_prefix(src, dst, n: int) -> None:
    """Copy the first n bytes of src (positioned at 0) to dst."""
    src.seek(0)
    dst.seek(0)
    dst.truncate()
    remaining = n
    while remaining:
        chunk = src.read(min(BLOCK, remaining))
        if not chunk:
            break
        dst.write(chunk)
        remaining -= len(chunk)


def scan(path: Path, work_file: Path, *, delimiter: str = ";", encoding: str = "auto",
         sha256: str | None = None) -> ScannedFile:
    """Read the delivery once (twice when it turns out not to be UTF-8); raise FileRejected.

    `sha256` of the delivered bytes when the caller has it already (saves a pass).
    """
    size = os.stat(path).st_size
    if size == 0:
        raise FileRejected(faults.LEER, "Datei ist leer (0 Byte): keine Kopfzeile, keine Datensätze.")
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif encoding != "auto":
        enc = encoding
    else:
        enc = "utf-8"
    auto = encoding == "auto" and enc == "utf-8"
    try:
        try:
            layout = _Layout(delimiter)
            source, last_char = _pass(path, work_file, enc, layout, auto=auto)
        except _NotUtf8:
            enc = "windows-1252"
            layout = _Layout(delimiter)
            source, last_char = _pass(path, work_file, enc, layout, auto=False)
    except UnicodeDecodeError as exc:
        if _has_null_byte(path):
            raise FileRejected(faults.KEIN_TEXT, _NULL_MESSAGE) from exc
        raise FileRejected(
            faults.KEIN_TEXT,
            f"Datei ist weder UTF-8 noch Windows-1252 lesbar (Byte {exc.object[exc.start]:#04x} an Stelle {exc.start}).",
        ) from exc
    digest = sha256 or sha256_of(path)

    starts, counts, lengths = layout.finish()
    if layout.parity:
        raise FileRejected(
            faults.ABGESCHNITTEN,
            f"Datei endet innerhalb eines Feldes in Anführungszeichen (Datensatz ab Zeile {layout.cur_start_line}): "
            "die Datei ist abgeschnitten oder ein Anführungszeichen ist nicht geschlossen.",
        )
    unterminated = last_char not in ("", "\n")
    if unterminated:
        starts = np.append(starts, layout.cur_start_line)
        counts = np.append(counts, layout.cur_fields)
        lengths = np.append(lengths, layout.cur_len)

    keep = lengths > 0  # blank lines are no records (DuckDB skips them too)
    if not keep.all():
        starts, counts, lengths = starts[keep], counts[keep], lengths[keep]
    if len(starts) == 0 or starts[0] != 1:
        raise FileRejected(faults.LEER, "Datei enthält keine Kopfzeile in Zeile 1 (leer oder nur Leerzeilen).")

    header = _read_header(source, delimiter)
    if len(header) > MAX_COLUMNS:
        raise FileRejected(
            faults.KOPFZEILE_UNGUELTIG,
            f"Kopfzeile mit {len(header)} Spalten: weit mehr als jede Lieferart hat (höchstens {MAX_COLUMNS} "
            "angenommen). Falsches Trennzeichen oder keine Exportdatei?",
        )
    if unterminated and counts[-1] < len(header):
        raise FileRejected(
            faults.ABGESCHNITTEN,
            f"Datei ist abgeschnitten: der letzte Datensatz (Zeile {starts[-1]}) endet ohne Zeilenende "
            f"mit {counts[-1]} von {len(header)} Feldern.",
        )
    return ScannedFile(
        sha256=digest,
        encoding=enc,
        work_file=source,
        header=header,
        record_lines=starts[1:],
        field_counts=counts[1:],
        record_bytes=lengths[1:],
    )


def _read_header(work_file: Path, delimiter: str) -> list[str]:
    with work_file.open("r", encoding="utf-8", newline="") as f:
        first = f.readline(1 << 20)
    try:
        row = next(csv.reader(io.StringIO(first), delimiter=delimiter, quotechar='"'), [])
    except csv.Error:  # e.g. a "name" longer than csv's field limit: no header
        raise FileRejected(faults.KOPFZEILE_UNGUELTIG,
                           "Kopfzeile nicht lesbar (ein Spaltenname über 128 KB): keine Kopfzeile?") from None
    return [h.strip() for h in row]
