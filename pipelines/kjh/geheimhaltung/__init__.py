"""Small-cell protection: THE rule for everything that leaves the office.

Every report page, every chart and the Excel workbook take their counts
through this package; nothing else decides what a reader outside the office may
see. The statutory-statistics page uses it too.

The rule
========

1. **Primary suppression.** A count of cases (helps, persons, records) from 1
   to ``MINDESTFALLZAHL - 1`` (that is 1 or 2) is never shown: tables show
   ``<3``, charts leave the value out. 0 is shown (as ``–``, "genau null").
2. **Secondary suppression.** Wherever figures add up to a published total
   (a row total, a column total, the months of a year, running + ended =
   helps in the year, ...), one suppressed cell must not be recoverable by
   subtraction. Each such relation is a *line* (parts and their total). A line
   is safe when the reader cannot determine any suppressed small count from
   it; where it is not, a further cell of that line is suppressed and shown as
   ``x`` (the smallest suitable non-zero cell, preferring inner cells to
   totals and cells whose other lines are already protected). This repeats
   until every line is safe. What a reader knows is modelled conservatively:
   that ``<3`` is 1 or 2, that ``x`` is at least 3 (never 0: zeros are never
   chosen as complements), and the open figures.
3. **Figures that belong to a count.** An amount, a number of case-months or a
   rate that belongs to a suppressed count is suppressed with it
   (``abhaengig``): the cost of one help must not be readable either.
4. **Rates need a minimum denominator.** A rate or average (€ per
   case-month, shares among helps) is shown only when at least
   ``MINDESTNENNER_FAELLE`` helps stand behind it; a rate per residents (the
   Eckwert) only with at least ``MINDESTNENNER_EINWOHNER`` residents and an
   open numerator. Otherwise ``/`` ("nicht sicher genug").
5. **Small groups are combined, not listed.** Lists such as providers combine
   every member with fewer than 3 helps into one row ``weitere …``
   (``sammeln``), with at least two members and 3 helps in it.

Internal runs (``kjh run --intern``) show exact counts; rates with a small
denominator are then shown in parentheses ("eingeschränkte Aussagekraft").

The number of small counts still pinned down is reported as
``Sperrung.nicht_schuetzbar`` (0 on the demo county); the pages then say "NICHT
zur Weitergabe". tests/test_reports_geheimhaltung.py checks random tables
against a brute-force reader, tests/test_reports_offenlegung.py the published
workbook against an independent integer reader.

The package, one concern a module:

    regel       the thresholds, the status of a cell, rules 3 (``abhaengig``) and 1 for a lone count
    zeichen     the symbols, their legend and the text of a protected cell (``anzeige``)
    quoten      rule 4: rates with a minimum denominator (``quote``, ``Quote``)
    sperrung    rule 2: secondary suppression over lines (``Sperrproblem`` -> ``Sperrung``)
    leser       the exact (integer) reader the suppression audits itself with
    tabelle     a plain rows x columns table with margins (``schuetze_tabelle``)
    sammeln     rule 5: small members combined into one row

Used by the report site and workbook (kjh_reports) and by the statutory
statistics' summary tables (kjh.statistik): neither imports the other.
"""
