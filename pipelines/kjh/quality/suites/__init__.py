"""One suite per raw table, as code. SUITES maps the export kind to the function building it."""
from kjh.quality.suites import bevoelkerung, budgets, hilfen, sozialraeume, traeger, zahlungen

SUITES = {
    "sozialraeume": sozialraeume.suite,
    "bevoelkerung": bevoelkerung.suite,
    "budgets": budgets.suite,
    "traeger": traeger.suite,
    "hilfen": hilfen.suite,
    "zahlungen": zahlungen.suite,
}
