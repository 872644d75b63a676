"""Quality gates on the raw exports: Great Expectations suites written as code.

One suite per raw table (kjh.quality.suites), each expectation tagged ERROR or
WARN with a stable name and a message a clerk can act on. kjh.quality.runner
validates them (GX is imported only there, lazily), writes every result into
audit.pruefergebnisse (kjh.quality.results) and builds the GX Data Docs into
<reports>/qualitaet/gx/ so that they open offline (kjh.quality.data_docs).
The Dagster asset checks live in kjh.defs.qualitaet.
"""
