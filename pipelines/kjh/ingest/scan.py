"""First pass over a delivered file: bytes to clean UTF-8, and its record layout.

DuckDB reads UTF-8 but not Windows-1252 (its `encodings` extension would be
downloaded), and it does not report physical line numbers. So one streaming
pass in large blocks (never line by line) does what DuckDB cannot:
  - sha256 of the delivered bytes, binary detection, encoding detection;
  - transcoding to UTF-8 with LF line ends into a work file for DuckDB;
  - with numpy over the bytes: where each record starts (physical line, a line
    break inside quotes does not start a record), how many fields it has, and
    whether the file ends inside a record (truncated).
"""
import codecs
import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kjh.ingest import faults
from kjh.ingest.faults import FileRejected

BLOCK = 16 * 1024 * 1024
_QUOTE, _LF = ord('"'), ord("\n")


@dataclass
class ScannedFile:
    sha256: str
    encoding: str              # utf-8, utf-8-sig or windows-1252
    work_file: Path            # UTF-8, LF line ends, no BOM
    header: list[str]          # column names as delivered (stripped)
    record_lines: np.ndarray   # physical start line of every data record (header = line 1)
    field_counts: np.ndarray   # fields per data record

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
        self.first_open_quote_line: int | None = None

    def feed(self, b: np.ndarray) -> None:
        if len(b) == 0:
            return
        q = (b == _QUOTE).view(np.uint8)
        inside = np.bitwise_xor.accumulate(q) ^ self.parity  # parity after each byte
        lf = np.flatnonzero((b == _LF) & (inside == 0))       # record terminators
        sep = np.flatnonzero((b == self.delim) & (inside == 0))
        all_lf = np.flatnonzero(b == _LF)
        # fields: separators counted per terminator segment; the last bin runs on
        seg = np.searchsorted(lf, sep)
        per = np.bincount(seg, minlength=len(lf) + 1)
        if len(lf):
            # physical line of each terminator = line feeds before it + 1
            lf_line = np.searchsorted(all_lf, lf) + self.lines_seen + 1
            starts = np.empty(len(lf), dtype=np.int64)
            starts[0] = self.cur_start_line
            starts[1:] = lf_line[:-1] + 1
            counts = per[: len(lf)].astype(np.int64) + 1
            counts[0] += self.cur_fields - 1
            lengths = np.empty(len(lf), dtype=np.int64)
            lengths[0] = self.cur_len + lf[0]
            lengths[1:] = np.diff(lf) - 1
            self.starts.append(starts)
            self.counts.append(counts)
            self.lengths.append(lengths)
            self.cur_start_line = int(lf_line[-1]) + 1
            self.cur_fields = int(per[-1]) + 1
            self.cur_len = len(b) - int(lf[-1]) - 1
        else:
            self.cur_fields += int(per[-1])
            self.cur_len += len(b)
        self.lines_seen += len(all_lf)
        self.parity = int(inside[-1])
        self.offset += len(b)

    def finish(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cat = lambda parts: np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)  # noqa: E731
        return cat(self.starts), cat(self.counts), cat(self.lengths)


def _decode_blocks(path: Path, encoding: str):
    """Yield decoded text blocks with CRLF (and lone CR) turned into LF."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    pending_cr = False
    with path.open("rb") as f:
        while True:
            raw = f.read(BLOCK)
            final = not raw
            text = decoder.decode(raw, final=final)
            if pending_cr:
                text = "\r" + text
            pending_cr = text.endswith("\r") and not final
            if pending_cr:
                text = text[:-1]
            if text:
                yield text.replace("\r\n", "\n").replace("\r", "\n")
            if final:
                return


def _detect_encoding(path: Path, forced: str) -> str:
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if forced != "auto":
        return forced
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while block := f.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        return "windows-1252"


def scan(path: Path, work_file: Path, *, delimiter: str = ";", encoding: str = "auto") -> ScannedFile:
    """Read the delivery once (plus once more for encoding detection); raise FileRejected."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            digest.update(block)
            size += len(block)
            if b"\x00" in block:
                raise FileRejected(faults.KEIN_TEXT, "Datei enthält Binärdaten (Nullbytes): keine CSV-Textdatei.")
    if size == 0:
        raise FileRejected(faults.LEER, "Datei ist leer (0 Byte): keine Kopfzeile, keine Datensätze.")

    enc = _detect_encoding(path, encoding)
    layout = _Layout(delimiter)
    last_char = ""
    try:
        with work_file.open("wb") as out:
            for text in _decode_blocks(path, enc):
                data = text.encode("utf-8")
                out.write(data)
                layout.feed(np.frombuffer(data, dtype=np.uint8))
                last_char = text[-1]
            if last_char and last_char != "\n":
                out.write(b"\n")  # a complete last record without a line end is fine
    except UnicodeDecodeError as exc:
        raise FileRejected(
            faults.KEIN_TEXT,
            f"Datei ist weder UTF-8 noch Windows-1252 lesbar (Byte {exc.object[exc.start]:#04x} an Stelle {exc.start}).",
        ) from exc

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
    starts, counts = starts[keep], counts[keep]
    if len(starts) == 0 or starts[0] != 1:
        raise FileRejected(faults.LEER, "Datei enthält keine Kopfzeile in Zeile 1 (leer oder nur Leerzeilen).")

    header = _read_header(work_file, delimiter)
    if unterminated and counts[-1] < len(header):
        raise FileRejected(
            faults.ABGESCHNITTEN,
            f"Datei ist abgeschnitten: der letzte Datensatz (Zeile {starts[-1]}) endet ohne Zeilenende "
            f"mit {counts[-1]} von {len(header)} Feldern.",
        )
    return ScannedFile(
        sha256=digest.hexdigest(),
        encoding=enc,
        work_file=work_file,
        header=header,
        record_lines=starts[1:],
        field_counts=counts[1:],
    )


def _read_header(work_file: Path, delimiter: str) -> list[str]:
    with work_file.open("r", encoding="utf-8", newline="") as f:
        first = f.readline(1 << 20)
    row = next(csv.reader(io.StringIO(first), delimiter=delimiter, quotechar='"'), [])
    return [h.strip() for h in row]
