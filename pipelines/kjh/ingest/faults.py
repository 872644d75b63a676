"""Fault classes of the contract, one stable code each.

Row faults put one record into audit.quarantaene and never stop the other
records; file faults reject the whole delivery and leave the warehouse as it was.
Other tools of the office read these codes: never rename one.
"""

# Row faults (audit.quarantaene.grund_code)
FELDANZAHL = "FELDANZAHL"                # record has a different number of fields than the header
PFLICHTFELD_FEHLT = "PFLICHTFELD_FEHLT"  # required field empty
DATUM_UNGUELTIG = "DATUM_UNGUELTIG"      # date not readable
BETRAG_UNGUELTIG = "BETRAG_UNGUELTIG"    # amount not readable
ZAHL_UNGUELTIG = "ZAHL_UNGUELTIG"        # whole number not readable
FORMAT_UNGUELTIG = "FORMAT_UNGUELTIG"    # AGS, Produktkonto or Teilplan in the wrong form
CODE_UNBEKANNT = "CODE_UNBEKANNT"        # code not in its code list
HILFEART_41 = "HILFEART_41"              # `41` written as hilfeart (§ 41 is derived from age)
ENDE_VOR_BEGINN = "ENDE_VOR_BEGINN"      # an end date before its start date
AGS_UNBEKANNT = "AGS_UNBEKANNT"          # wohnort_ags not in sozialraeume
DUPLIKAT = "DUPLIKAT"                    # id seen in an earlier record of the same file
KONFLIKT = "KONFLIKT"                    # booking delivered before with other content
FELD_ZU_LANG = "FELD_ZU_LANG"            # record longer than parse.MAX_RECORD_BYTES (a field far too long)

# File faults (audit.lieferungen.grund_code, status `abgelehnt`)
NAME_UNBEKANNT = "NAME_UNBEKANNT"        # file name matches no kind
LEER = "LEER"                            # no header, no records
KEINE_DATENSAETZE = "KEINE_DATENSAETZE"  # full export with a header but no record
KEIN_TEXT = "KEIN_TEXT"                  # binary, or neither UTF-8 nor Windows-1252
ABGESCHNITTEN = "ABGESCHNITTEN"          # ends inside a record
PFLICHTSPALTE_FEHLT = "PFLICHTSPALTE_FEHLT"  # required column missing from the header
KOPFZEILE_UNGUELTIG = "KOPFZEILE_UNGUELTIG"  # duplicate or empty column names
VERALTET = "VERALTET"                    # full export older than the state already loaded
NICHT_LESBAR = "NICHT_LESBAR"            # the file could not be opened or parsed at all
ZUKUNFT = "ZUKUNFT"                      # export date in the file name lies in the future (a typo)
VERWEIS = "VERWEIS"                      # a symbolic link pointing out of the sources folder: not read

ANGENOMMEN = "angenommen"
ABGELEHNT = "abgelehnt"
ERSETZT = "ersetzt"                # a full export replaced by a correction of the same export date
ZURUECKGEZOGEN = "zurueckgezogen"  # withdrawn with `kjh lieferung zurueckziehen`


class FileRejected(Exception):
    """A whole-file fault: the delivery is rejected with one clear message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
