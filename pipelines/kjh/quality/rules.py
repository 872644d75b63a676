"""What a quality check is: one Great Expectations expectation on one frame,
with a severity, a stable name and a message a clerk can act on.

Plain data, no GX import: the Dagster definitions read these to describe the
checks, and only kjh.quality.runner turns them into GX expectations.

A *frame* is a DataFrame read from DuckDB with one SQL statement (a "Teil" of
the suite). Its rows are either raw records (hilfen in the current state) or
groups of raw records pre-aggregated in SQL (bookings: see suites/zahlungen.py).
Special columns of a frame:

  _anzahl      raw records one frame row stands for (default 1)
  _fehlerhaft  records counted as failing when the row fails (default _anzahl)
  _sozialraum  social space of the row, for the results per social space
  _jahr        year of the row (service period, booking, help-month), for the results per
               social space and year
"""
from dataclasses import dataclass, field

ERROR = "ERROR"
WARN = "WARN"
# A statistic, not a list of suspects: for what a check cannot decide on the exports
# (e.g. an amount below rate × days: an absence-day reduction or a wrong invoice?).
# Always passes; its message gives the distribution.
INFO = "INFO"
SCHWEREGRADE = (ERROR, WARN, INFO)

# What a failure means for a record of the statutory statistics (as the
# Landesamt has it): HART = the record is rejected and blocks the release of
# its reporting year until corrected; WEICH = unusual but possible, shown on
# the clerk's work list until confirmed with a reason.
HART = "hart"
WEICH = "weich"

ANZAHL = "_anzahl"
FEHLERHAFT = "_fehlerhaft"
SOZIALRAUM = "_sozialraum"
JAHR = "_jahr"

# Never in a frame: frames are what examples, Dagster metadata and the Data
# Docs show. Pseudonyms and birth data stay in the warehouse.
VERBOTENE_SPALTEN = frozenset({
    "fall_id", "person_id", "geburtsdatum", "fall_pseudonym", "person_pseudonym", "geburtsjahr", "geburtsmonat",
})

MAX_BEISPIELE = 5
# Every failing record is kept with the result (audit.pruefergebnisse.befunde, the internal CSV
# of the quality page) up to this many; the count is always exact.
MAX_BEFUNDE = 100_000


@dataclass(frozen=True)
class Bedingung:
    """A row condition (GX row_condition): column, operator, value.

    op: ==, !=, <, <=, >, >=, in, not_in, null, not_null. Several conditions of
    one check are AND-ed.
    """
    spalte: str
    op: str
    wert: object = None


@dataclass(frozen=True)
class Abfrage:
    """An argument of an expectation read from the warehouse at check time
    (e.g. the set of known traeger_id): the SQL's first column as a sorted list."""
    sql: str


@dataclass(frozen=True, eq=False)
class Pruefung:
    name: str                  # stable, e.g. "hilfen.hilfeart_codeliste": the quality page keys on it
    schweregrad: str           # ERROR (makes an official figure wrong: blocks) or WARN (suspicious: listed)
    teil: str                  # the frame it runs on
    erwartung: str             # GX 1.x expectation class, e.g. "ExpectColumnValuesToBeInSet"
    argumente: dict            # its arguments (values may be Abfrage)
    beschreibung: str          # what is checked, in German
    fehlertext: str            # on failure: what is wrong, where, what to do. Placeholders {n} {geprueft} {beispiele}
    beispiel_spalten: tuple[str, ...] = ()
    bedingungen: tuple[Bedingung, ...] = ()
    # rows the exports cannot judge (e.g. years before the file's first year): counted apart
    # as "nicht prüfbar", never checked; AND-ed like `bedingungen`
    nicht_pruefbar: tuple[Bedingung, ...] = ()

    def __post_init__(self):
        if self.schweregrad not in (ERROR, WARN):
            raise ValueError(f"{self.name}: Schweregrad {self.schweregrad!r}")


@dataclass(frozen=True, eq=False)
class Suite:
    """The checks of one raw table. `teile` maps a frame name to its SQL, in order."""
    art: str
    teile: dict[str, str]
    einheiten: dict[str, str]  # frame name -> what one counted record is, plural ("Hilfen", "Buchungen")
    pruefungen: tuple[Pruefung, ...]
    abhaengig_von: tuple[str, ...] = ()  # other raw tables the checks read (loaded before)
    beschreibung: str = ""
    # (temporary table, SQL) several frames read: built once per run of the suites (kjh.quality.runner)
    basis: tuple[tuple[str, str], ...] = ()

    @property
    def asset(self) -> str:
        return f"raw/{self.art}"

    def gx_suite_name(self, teil: str) -> str:
        return f"raw_{self.art}.{teil}"

    def von(self, schweregrad: str) -> list[Pruefung]:
        return [p for p in self.pruefungen if p.schweregrad == schweregrad]


@dataclass
class Pruefergebnis:
    """The result of one check, as written to audit.pruefergebnisse."""
    pruefung: str
    asset: str
    schweregrad: str
    bestanden: bool
    fehlerhafte_zeilen: int
    geprueft_zeilen: int
    beispiele: list[dict] = field(default_factory=list)
    je_sozialraum: dict[str, int] = field(default_factory=dict)
    meldung: str = ""
    beschreibung: str = ""
    erwartung: str = ""
    gx_suite: str = ""
    nicht_pruefbar_zeilen: int = 0  # records the exports cannot judge: counted apart, never flagged
    je_sozialraum_jahr: list[list] = field(default_factory=list)  # [[sozialraum, jahr, failing records], ...]
    befunde: list[dict] = field(default_factory=list)  # every failing record (up to MAX_BEFUNDE), no personal data
