"""What Great Expectations already judged: the outcome of each row check per distinct value.

A row check (not null, in a set, between, a pattern, a pair of columns) judges
a frame row by the values it reads and nothing else; a not-null check reads no
more than whether the value is there. Two consequences make the suites fast:

* GX validates each distinct value once. The checks of a frame are grouped by
  what they read (their `merkmale`), and per group GX sees one row for each
  distinct combination: two rows for a required field (empty or not), one per
  code for a code list, one per pair of dates for a date order. The outcome
  goes back to every row with the same values (exactly what a validation of
  the whole frame gives, row for row).
* A later run validates only values it has not judged before with the same
  checks (a new delivery, a changed help version) and takes the outcome of
  the others from audit.gx_zeilen: a failing row stays reported until its
  values change (corrected), as in a full validation.

Checks that compare rows with each other (uniqueness) always run on the whole
frame. audit.gx_zeilen holds, per GX suite (one frame) and group, the values
of its newest run as a 64-bit hash with the names of the checks they fail.
`definition` fingerprints a group's checks (names, expectations, arguments with
the answers of their warehouse queries such as the known providers, code
lists, conditions) and the GX version: when any of it changes, the group is
validated in full again.
"""
import hashlib
import json
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from kjh.quality.rules import Pruefung

# Expectations that judge each row on its own values (GX "map" expectations), and of
# those the ones that read only whether a value is there.
ZEILENPRUEFUNGEN = frozenset({
    "ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeNull", "ExpectColumnValuesToBeInSet",
    "ExpectColumnValuesToBeBetween", "ExpectColumnValuesToMatchRegex", "ExpectColumnPairValuesToBeEqual",
    "ExpectColumnPairValuesAToBeGreaterThanB",
})
NUR_LEER = frozenset({"ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeNull"})
_NUR_LEER_BEDINGUNG = frozenset({"null", "not_null"})
WERT, LEER = "wert", "leer"
# A group with more new values than this gets a GX call of its own (kjh.quality.runner)
EIGENER_AUFRUF_AB = 20_000

DDL = """
create schema if not exists audit;
create table if not exists audit.gx_zeilen (
    gx_suite     varchar not null,  -- the GX suite of one frame, e.g. raw_hilfen.aktuell
    gruppe       varchar not null,  -- what its checks read, e.g. "beginn:wert ende:wert"
    definition   varchar not null,  -- fingerprint of the group's checks and their arguments
    zeile_hash   ubigint not null,  -- hash of the values read
    fehlschlaege varchar not null   -- names of the checks these values fail, space-separated ('' = none)
);
"""


def merkmale(p: Pruefung) -> tuple[tuple[str, str], ...]:
    """What a row check reads of a row: (column, WERT) for its value, (column, LEER) for whether it is empty."""
    out = set()
    art = LEER if p.erwartung in NUR_LEER else WERT
    for key in ("column", "column_A", "column_B"):
        if key in p.argumente:
            out.add((p.argumente[key], art))
    out.update((c, art) for c in p.argumente.get("column_list", ()))
    out.update((b.spalte, LEER if b.op in _NUR_LEER_BEDINGUNG else WERT) for b in p.bedingungen)
    # a column read as value and as empty: the value (with its null flag) says both
    werte = {c for c, a in out if a == WERT}
    return tuple(sorted(m for m in out if m[1] == WERT or m[0] not in werte))


def gruppen(pruefungen: list[Pruefung]) -> dict[tuple, list[Pruefung]]:
    out: dict[tuple, list[Pruefung]] = {}
    for p in pruefungen:
        out.setdefault(merkmale(p), []).append(p)
    return out


def gruppen_name(gruppe: tuple) -> str:
    return " ".join(f"{c}:{a}" for c, a in gruppe)


def definition(gx_suite: str, gruppe: tuple, pruefungen: list[Pruefung], argumente: dict[str, dict],
               gx_version: str) -> str:
    teile = [gx_suite, gruppen_name(gruppe), gx_version, [
        [p.name, p.erwartung, argumente[p.name], [[b.spalte, b.op, b.wert] for b in p.bedingungen]]
        for p in pruefungen]]
    return hashlib.sha256(json.dumps(teile, sort_keys=True, default=str).encode()).hexdigest()


def hashes(frame: pd.DataFrame, gruppe: tuple) -> np.ndarray:
    """One uint64 per frame row over what the group reads (values with their null flags: None and
    "None" differ). Raises TypeError for values pandas cannot hash (e.g. BLOB)."""
    teile = {}
    for c, art in gruppe:
        if art == WERT:
            teile[c] = frame[c]
        teile[c + "__leer"] = frame[c].isna()
    return pd.util.hash_pandas_object(pd.DataFrame(teile), index=False).to_numpy(dtype=np.uint64)


@dataclass
class Zeilenergebnis:
    """A GX-like result of one row check on the whole frame (what runner.auswerten reads)."""
    success: bool
    result: dict
    exception_info: dict = field(default_factory=dict)


class Gedaechtnis:
    """The memory of one frame for this run: read once, written once."""

    def __init__(self, con, gx_suite: str):
        self.gx_suite = gx_suite
        self._neu: list[pd.DataFrame] = []
        try:
            con.execute(DDL)
            self.schreibbar = True
        except duckdb.Error:  # a read-only connection (a look at a warehouse): no memory, every value validated
            self.schreibbar = False
            self._alt = pd.DataFrame(columns=["gruppe", "definition", "zeile_hash", "fehlschlaege"])
            self._je_gruppe = {}
            return
        self._alt = con.execute("select gruppe, definition, zeile_hash, fehlschlaege from audit.gx_zeilen"
                                " where gx_suite = ? order by gruppe, definition, zeile_hash", [gx_suite]).df()
        # split once by (group, definition): a frame has a few dozen groups and up to millions of values
        self._je_gruppe = {k: df for k, df in self._alt.groupby(["gruppe", "definition"], sort=False)}

    def bekannt(self, gruppe: tuple, definition_: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """(hashes judged before, check name -> hashes failing it) of one group with this definition."""
        df = self._je_gruppe.get((gruppen_name(gruppe), definition_), self._alt.iloc[0:0])
        fehler: dict[str, list] = {}
        for h, namen in zip(df["zeile_hash"][df["fehlschlaege"] != ""], df["fehlschlaege"][df["fehlschlaege"] != ""]):
            for name in namen.split(" "):
                fehler.setdefault(name, []).append(h)
        return (df["zeile_hash"].to_numpy(dtype=np.uint64),
                {k: np.array(v, dtype=np.uint64) for k, v in fehler.items()})

    def merken(self, gruppe: tuple, definition_: str, h: np.ndarray, fehlerhaft: dict[str, list[int]]) -> None:
        """The outcome of every distinct value of this group in this run (rows by position)."""
        namen = pd.Series("", index=range(len(h)), dtype=object)
        for name, index in fehlerhaft.items():
            if index:
                namen.iloc[index] = (namen.iloc[index] + " " + name).str.strip()
        df = pd.DataFrame({"zeile_hash": h, "fehlschlaege": namen.to_numpy()}).drop_duplicates("zeile_hash")
        df = df.sort_values("zeile_hash", kind="stable").reset_index(drop=True)
        df.insert(0, "definition", definition_)
        df.insert(0, "gruppe", gruppen_name(gruppe))
        self._neu.append(df)

    def _unveraendert(self) -> bool:
        """This run's values and outcomes are exactly the stored ones (nothing to write)."""
        if {(df["gruppe"].iat[0], df["definition"].iat[0]) for df in self._neu if len(df)} != set(self._je_gruppe):
            return False
        for df in self._neu:
            if not len(df):
                continue
            alt = self._je_gruppe[(df["gruppe"].iat[0], df["definition"].iat[0])]
            if len(alt) != len(df) or not (np.array_equal(alt["zeile_hash"].to_numpy(np.uint64),
                                                          df["zeile_hash"].to_numpy(np.uint64))
                                           and np.array_equal(alt["fehlschlaege"].to_numpy(),
                                                              df["fehlschlaege"].to_numpy())):
                return False
        return True

    def speichern(self, con) -> None:
        """Replace the frame's memory with this run's values (it does not grow with the runs); nothing is
        written when they are the stored ones."""
        if not self.schreibbar or self._unveraendert():
            return
        df = pd.concat(self._neu, ignore_index=True) if self._neu else None
        con.begin()
        try:
            con.execute("delete from audit.gx_zeilen where gx_suite = ?", [self.gx_suite])
            if df is not None and len(df):
                con.register("_kjh_gx_zeilen", df)
                con.execute("insert into audit.gx_zeilen select ?, gruppe, definition, zeile_hash, fehlschlaege"
                            " from _kjh_gx_zeilen", [self.gx_suite])
                con.unregister("_kjh_gx_zeilen")
            con.commit()
        except BaseException:
            con.rollback()
            raise


def erstmals(h: np.ndarray, bekannt: np.ndarray) -> np.ndarray:
    """Mask of the rows to validate: values not judged before, each distinct value once."""
    return ~pd.Series(h).duplicated().to_numpy() & ~np.isin(h, bekannt)


def ergebnis(h: np.ndarray, fehlerhaft: np.ndarray) -> Zeilenergebnis:
    """The whole frame's outcome of one check: every row whose values fail it."""
    index = np.flatnonzero(np.isin(h, fehlerhaft)).tolist()
    return Zeilenergebnis(success=not index, result={"unexpected_index_list": index, "unexpected_count": len(index)})
