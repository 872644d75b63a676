"""Columns the warehouse derives at ingestion instead of storing personal values.

The birth date is needed in full only once: for the age in whole years at the
start of the help (which decides the § 41 flag and the § 42 age group). After
that only birth month and year are kept (what the statistics ask for).
"""

# Whole years between birth and start: someone born on 14.03.2007 is 18 from 14.03.2025.
AGE_AT_BEGINN = (
    "(year(beginn) - year(geburtsdatum)"
    " - case when strftime(beginn, '%m%d') < strftime(geburtsdatum, '%m%d') then 1 else 0 end)"
)

DERIVED: dict[str, dict[str, str]] = {
    "hilfen": {
        "fall_pseudonym": "pseudonym(fall_id)",
        "person_pseudonym": "pseudonym(person_id)",
        "geburtsjahr": "year(geburtsdatum)",
        "geburtsmonat": "month(geburtsdatum)",
        "alter_bei_beginn": AGE_AT_BEGINN,
    },
}

# Bookkeeping columns of the raw tables, filled by the loader.
META_COLUMNS = {"zusatzspalten", "zeilen_hash", "stand_ab", "stand_bis", "stand", "lieferung_id", "zeile"}
