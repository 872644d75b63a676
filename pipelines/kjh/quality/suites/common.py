"""Checks every raw table gets from the contract (sources/contract/exports.yml,
read through kjh.contract.load_contract()), plus the SQL pieces the suites share.

Severity of the contract checks: all ERROR. A wrong type, an empty required
field, an unknown code, a malformed key, an end before its start or a
duplicate id in the current state each make a statutory or budget figure
wrong (a help counted twice, in no Hilfeart, in no social space). Ingestion
already quarantines such records; these checks catch what got past it anyway
(an older loader, a code list or schema that changed afterwards, a hand edit)
and prove to the clerk that the raw tables hold to the contract.
"""
from kjh import dbt_sql
from kjh.contract import ExportKind, load_contract
from kjh.ingest.derive import DERIVED
from kjh.quality.rules import ERROR, FEHLERHAFT, WARN, Bedingung, Pruefung, Suite

# DuckDB type of each contract type in the raw tables (schema.sql).
DUCKDB_TYP = {
    "text": "VARCHAR", "code": "VARCHAR", "ags": "VARCHAR", "produktkonto": "VARCHAR", "teilplan": "VARCHAR",
    "date": "DATE", "decimal": "DECIMAL(18,2)", "integer": "INTEGER",
}
# The shapes the contract gives these types (exports.yml, header comment).
FORMATE = {
    "ags": (r"^\d{8}$", "8 Ziffern (Amtlicher Gemeindeschlüssel)"),
    "produktkonto": (r"^\d{4}\.\d{6}$", "NNNN.NNNNNN"),
    "teilplan": (r"^\d{4}$", "4 Ziffern"),
}
FEHLT = "fehlt"

# Where a record of each kind is corrected: the message tells the clerk.
QUELLE = {
    "hilfen": "im Fachverfahren",
    "zahlungen": "im Finanzverfahren (HKR)",
    "traeger": "im Vertragsregister",
    "sozialraeume": "in der Zuordnungsdatei der Sozialräume",
    "bevoelkerung": "in der Bevölkerungsdatei",
    "budgets": "in der Budgetdatei",
}

# The social-space mapping with validity ranges [gueltig_ab, gueltig_bis): dbt's
# int_sozialraum_zuordnung itself, rendered on the raw table (the suites run
# before dbt), and its join rule, the macro zuordnung_gilt_am.
ZUORDNUNG_CTE = f"""zuordnung as (
    select ags, sozialraum, gueltig_ab, gueltig_bis from {dbt_sql.modell("int_sozialraum_zuordnung")}
)"""


def zuordnung_gilt_am(alias: str, ags: str, datum: str) -> str:
    """Join condition: the mapping `alias` in force for municipality `ags` on `datum` (dbt macro)."""
    return dbt_sql.makro("zuordnung_gilt_am", alias, ags, datum)


def zuordnung_in_kraft(alias: str, datum: str) -> str:
    """Condition: the mapping row `alias` is in force on `datum` (dbt macro)."""
    return dbt_sql.makro("zuordnung_in_kraft", alias, datum)


# Latest version of every help (the newest stand_ab, as dbt's int_hilfen_episoden
# takes it): residence and the day whose mapping decides the social space the
# quality page counts a finding in (its end, or its export date). Not a dbt
# model: the marts place a help by the date of each month or booking instead.
HILFE_LETZTE_VERSION_CTE = """hilfe_letzte as (
    select hilfe_id, arg_max(wohnort_ags, stand_ab) as wohnort_ags,
           arg_max(coalesce(ende, stand_ab), stand_ab) as stichtag, min(stand_ab) as erstmals_geliefert
    from raw.hilfen group by hilfe_id
)"""

# Bookings per social space, year and Teilplan: the mapping in force on the
# booking date for the help's residence (as dbt's int_zahlungen). Bookings
# without a help belong to no social space and are left out.
# Four frames read it (the coverage checks of bevoelkerung and budgets) and it
# scans every booking: a `basis` of both suites, built once per suite run
# (kjh.quality.runner), read through the CTE below.
BUCHUNGEN_JE_SOZIALRAUM = ("_kjh_buchungen_je_sozialraum", f"""
    with {ZUORDNUNG_CTE}, {HILFE_LETZTE_VERSION_CTE}
    select zu.sozialraum, year(z.buchungsdatum) as jahr, {dbt_sql.makro("teilplan_of", "z.produktkonto")} as teilplan,
           count(*) as buchungen
    from raw.zahlungen z
    join hilfe_letzte h on h.hilfe_id = z.hilfe_id
    join zuordnung zu on {zuordnung_gilt_am("zu", "h.wohnort_ags", "z.buchungsdatum")}
    group by all""")
BUCHUNGEN_JE_SOZIALRAUM_CTE = f"buchungen_sr as (select * from {BUCHUNGEN_JE_SOZIALRAUM[0]})"


def lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def kind(art: str) -> ExportKind:
    return load_contract().kinds[art]


def gespeicherte_spalten(art: str) -> list:
    """Contract columns stored as they are (personal ones are replaced by derived columns)."""
    return [c for c in kind(art).columns if not c.personal]


# --- frames -------------------------------------------------------------------

def schema_sql(art: str) -> str:
    """One row per contract column: the type it must have in raw.<art> and the type it has.

    Personal columns must be absent (the warehouse keeps pseudonyms and birth
    month/year instead); the derived ones must be there.
    """
    rows = []
    for c in kind(art).columns:
        rows.append((c.name, FEHLT if c.personal else DUCKDB_TYP[c.type]))
    for derived in DERIVED.get(art, {}):
        rows.append((derived, "vorhanden"))
    values = ", ".join(f"({lit(n)}, {lit(t)})" for n, t in rows)
    return f"""
        with erwartet(spalte, erwarteter_typ) as (values {values}),
        vorhanden as (
            select column_name, data_type from information_schema.columns
            where table_schema = 'raw' and table_name = {lit(art)} and table_catalog = current_database()
        )
        select e.spalte, e.erwarteter_typ,
               case when e.erwarteter_typ = 'vorhanden' and v.data_type is not null then 'vorhanden'
                    else coalesce(v.data_type, {lit(FEHLT)}) end as tatsaechlicher_typ
        from erwartet e left join vorhanden v on v.column_name = e.spalte
        order by e.spalte"""


def lieferungen_sql(art: str) -> str:
    """The newest accepted delivery of a full export against the one before it (at most one row)."""
    return f"""
        with l as (
            select datei, exportdatum, geladen,
                   row_number() over (order by exportdatum desc, lieferung_id desc) as nr
            from audit.lieferungen
            where art = {lit(art)} and status = 'angenommen'
        )
        select n.datei, n.exportdatum, n.geladen, v.datei as vorherige_datei, v.geladen as geladen_vorher,
               case when v.geladen > 0 then n.geladen / v.geladen else 1.0 end as verhaeltnis,
               n.geladen as _anzahl,
               greatest(v.geladen - n.geladen, 0) as {FEHLERHAFT}
        from l n join l v on n.nr = 1 and v.nr = 2"""


# --- checks from the contract --------------------------------------------------

def schema_pruefung(art: str) -> Pruefung:
    return Pruefung(
        name=f"{art}.spalten_und_typen", schweregrad=ERROR, teil="schema",
        erwartung="ExpectColumnPairValuesToBeEqual",
        argumente={"column_A": "erwarteter_typ", "column_B": "tatsaechlicher_typ"},
        beschreibung=f"raw.{art} hat jede Vertragsspalte mit ihrem Typ; personenbezogene Spalten fehlen.",
        fehlertext=(f"raw.{art} weicht vom Vertrag ab ({{n}} Spalten, z. B. {{beispiele}}). Alle Zahlen aus "
                    f"raw.{art} sind so unzuverlässig: Warehouse-Schema (pipelines/kjh/warehouse/schema.sql) und "
                    "Vertrag (sources/contract/exports.yml) vom IT-Betrieb abgleichen lassen."),
        beispiel_spalten=("spalte", "erwarteter_typ", "tatsaechlicher_typ"),
    )


def pflichtfelder(art: str, teil: str, einheit: str, ids: tuple[str, ...], spalten=None) -> list[Pruefung]:
    out = []
    for c in gespeicherte_spalten(art):
        if not c.required or (spalten is not None and c.name not in spalten):
            continue
        out.append(Pruefung(
            name=f"{art}.{c.name}_pflichtfeld", schweregrad=ERROR, teil=teil,
            erwartung="ExpectColumnValuesToNotBeNull", argumente={"column": c.name},
            beschreibung=f"„{c.name}“ ist nie leer (Pflichtfeld des Vertrags).",
            fehlertext=(f"{{n}} {einheit} ohne Wert im Pflichtfeld „{c.name}“ (z. B. {{beispiele}}). "
                        f"{QUELLE[art][0].upper() + QUELLE[art][1:]} ergänzen und neu exportieren."),
            beispiel_spalten=ids,
        ))
    return out


def codelisten(art: str, teil: str, einheit: str, ids: tuple[str, ...], spalten=None) -> list[Pruefung]:
    contract = load_contract()
    out = []
    for c in gespeicherte_spalten(art):
        if not c.codeliste or (spalten is not None and c.name not in spalten):
            continue
        codes = contract.codes(c.codeliste)
        out.append(Pruefung(
            name=f"{art}.{c.name}_codeliste", schweregrad=ERROR, teil=teil,
            erwartung="ExpectColumnValuesToBeInSet", argumente={"column": c.name, "value_set": codes},
            beschreibung=f"„{c.name}“ enthält nur Codes der Liste „{c.codeliste}“: {', '.join(codes)}.",
            fehlertext=(f"{{n}} {einheit} mit unbekanntem Code in „{c.name}“ (z. B. {{beispiele}}); erlaubt: "
                        f"{', '.join(codes)}. {QUELLE[art][0].upper() + QUELLE[art][1:]} korrigieren und neu "
                        "exportieren; bis dahin fehlen sie in der Auswertung nach diesem Merkmal."),
            beispiel_spalten=ids + (c.name,),
        ))
    return out


def formate(art: str, teil: str, einheit: str, ids: tuple[str, ...], spalten=None) -> list[Pruefung]:
    out = []
    for c in gespeicherte_spalten(art):
        if c.type not in FORMATE or (spalten is not None and c.name not in spalten):
            continue
        regex, text = FORMATE[c.type]
        out.append(Pruefung(
            name=f"{art}.{c.name}_format", schweregrad=ERROR, teil=teil,
            erwartung="ExpectColumnValuesToMatchRegex", argumente={"column": c.name, "regex": regex},
            beschreibung=f"„{c.name}“ hat die Form {text}.",
            fehlertext=(f"{{n}} {einheit}: „{c.name}“ hat nicht die Form {text} (z. B. {{beispiele}}). "
                        f"{QUELLE[art][0].upper() + QUELLE[art][1:]} korrigieren und neu exportieren."),
            beispiel_spalten=ids + (c.name,),
        ))
    return out


def datumsfolge(art: str, teil: str, einheit: str, ids: tuple[str, ...]) -> list[Pruefung]:
    out = []
    for start, end in kind(art).datumsfolge:
        out.append(Pruefung(
            name=f"{art}.{end}_nicht_vor_{start}", schweregrad=ERROR, teil=teil,
            erwartung="ExpectColumnPairValuesAToBeGreaterThanB",
            argumente={"column_A": end, "column_B": start, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
            beschreibung=f"„{end}“ liegt nicht vor „{start}“.",
            fehlertext=(f"{{n}} {einheit}: „{end}“ liegt vor „{start}“ (z. B. {{beispiele}}). Die Daten "
                        f"{QUELLE[art]} korrigieren und neu exportieren; Dauer und Zuordnung zum Zeitraum wären sonst falsch."),
            beispiel_spalten=ids + (start, end),
        ))
    return out


def pflicht_wenn(art: str, teil: str, einheit: str, ids: tuple[str, ...]) -> list[Pruefung]:
    out = []
    for col, when in kind(art).pflicht_wenn.items():
        out.append(Pruefung(
            name=f"{art}.{col}_bei_{when}", schweregrad=ERROR, teil=teil,
            erwartung="ExpectColumnValuesToNotBeNull", argumente={"column": col},
            bedingungen=(Bedingung(when, "not_null"),),
            beschreibung=f"Ist „{when}“ gesetzt, ist auch „{col}“ gesetzt.",
            fehlertext=(f"{{n}} {einheit} mit „{when}“, aber ohne „{col}“ (z. B. {{beispiele}}). „{col}“ "
                        f"{QUELLE[art]} nachtragen und neu exportieren; die Landesstatistik verlangt ihn."),
            beispiel_spalten=ids + (when, col),
        ))
    return out


def eindeutig(art: str, teil: str, einheit: str, ids: tuple[str, ...]) -> Pruefung:
    key = kind(art).key
    if len(key) == 1:
        erwartung, argumente = "ExpectColumnValuesToBeUnique", {"column": key[0]}
    else:
        erwartung, argumente = "ExpectCompoundColumnsToBeUnique", {"column_list": list(key)}
    label = " / ".join(key)
    return Pruefung(
        name=f"{art}.schluessel_eindeutig", schweregrad=ERROR, teil=teil, erwartung=erwartung, argumente=argumente,
        beschreibung=f"„{label}“ kommt im aktuellen Stand nur einmal vor.",
        fehlertext=(f"{{n}} {einheit} teilen sich ihren Schlüssel „{label}“ mit einer anderen (z. B. {{beispiele}}): "
                    f"sie würden doppelt gezählt. Doppelte Datensätze {QUELLE[art]} bereinigen und neu exportieren."),
        beispiel_spalten=ids,
    )


# A full export with 40 % fewer records than the delivery before is
# suspicious (a filter set wrongly in the export, a truncated extract): WARN,
# not ERROR, because a real drop exists too (a Zuständigkeitswechsel, a
# municipal reform), the check cannot tell which, and an ERROR would block the
# statutory export with no way for the clerk to confirm the drop as real.
EINBRUCH_SCHWELLE = 0.6


def einbruch(art: str, einheit: str) -> Pruefung:
    return Pruefung(
        name=f"{art}.lieferung_nicht_eingebrochen", schweregrad=WARN, teil="lieferungen",
        erwartung="ExpectColumnValuesToBeBetween", argumente={"column": "verhaeltnis", "min_value": EINBRUCH_SCHWELLE},
        beschreibung=(f"Der neueste {art}-Export hat mindestens {EINBRUCH_SCHWELLE:.0%} der geladenen Datensätze "
                      "des vorigen Exports derselben Art."),
        fehlertext=(f"Der neueste Export hat {{n}} {einheit} weniger als der vorige, mehr als "
                    f"{1 - EINBRUCH_SCHWELLE:.0%} weniger ({{beispiele}}). Prüfen, ob der Export vollständig ist "
                    "(Filter, Abbruch); einen unvollständigen Export vollständig neu liefern, einen echten Rückgang "
                    "bestätigen."),
        beispiel_spalten=("datei", "geladen", "vorherige_datei", "geladen_vorher"),
    )


# --- the suite of a table kept as a current state -----------------------------

AKTUELL = "aktuell"  # the frame of the table's current state


def bestand_suite(art: str, einheit: str, ids: tuple[str, ...], *, aktuell_sql: str, einheit_aktuell: str,
                  eigene: list[Pruefung], beschreibung: str, weitere_teile: dict[str, tuple[str, str]] | None = None,
                  abhaengig_von: tuple[str, ...] = (), basis: tuple[tuple[str, str], ...] = ()) -> Suite:
    """Suite of a table delivered as full exports (every table but zahlungen).

    The contract's checks on the current state (schema, required fields, code
    lists, formats, date order, conditional fields, unique key: each empty
    where the contract has none for the table), then the table's own checks
    (`eigene`, on frame AKTUELL or on `weitere_teile`: name -> (SQL, unit)),
    then the collapse against the previous delivery.
    """
    weitere = weitere_teile or {}
    p = [schema_pruefung(art)]
    p += pflichtfelder(art, AKTUELL, einheit, ids)
    p += codelisten(art, AKTUELL, einheit, ids)
    p += formate(art, AKTUELL, einheit, ids)
    p += datumsfolge(art, AKTUELL, einheit, ids)
    p += pflicht_wenn(art, AKTUELL, einheit, ids)
    p.append(eindeutig(art, AKTUELL, einheit, ids))
    p += eigene
    p.append(einbruch(art, einheit))
    return Suite(
        art=art,
        teile={"schema": schema_sql(art), AKTUELL: aktuell_sql, **{k: sql for k, (sql, _) in weitere.items()},
               "lieferungen": lieferungen_sql(art)},
        einheiten={"schema": "Spalten", AKTUELL: einheit_aktuell, **{k: e for k, (_, e) in weitere.items()},
                   "lieferungen": einheit},
        pruefungen=tuple(p),
        abhaengig_von=abhaengig_von,
        beschreibung=beschreibung,
        basis=basis,
    )
