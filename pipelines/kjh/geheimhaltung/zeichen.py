"""The symbols of a protected cell (Zeichenerklärung of the statistical offices, see domain notes § 4)
and the text a page or sheet shows for a count or a rate."""
from kjh.geheimhaltung.quoten import Quote
from kjh.geheimhaltung.regel import MINDESTFALLZAHL, MINDESTNENNER_EINWOHNER, MINDESTNENNER_FAELLE, OFFEN, PRIMAER, SEKUNDAER, kein_wert

ZEICHEN_KLEIN = f"<{MINDESTFALLZAHL}"   # primary: 1 or 2
ZEICHEN_GESPERRT = "x"                  # secondary: locked so that a total does not reveal a small cell
ZEICHEN_NICHT_SICHER = "/"              # rate not shown: denominator too small
ZEICHEN_NULL = "–"                      # exactly zero
ZEICHEN_FEHLT = "."                     # unknown

ZEICHENERKLAERUNG = (
    (ZEICHEN_NULL, "genau null"),
    (ZEICHEN_KLEIN, f"1 bis {MINDESTFALLZAHL - 1} Fälle: zum Schutz der Betroffenen nicht gezeigt"),
    (ZEICHEN_GESPERRT, "gesperrt: nicht gezeigt, damit über Summen kein kleiner Wert erkennbar wird "
                       "(Sekundärsperrung; auch ein kleiner Wert kann gesperrt sein)"),
    (ZEICHEN_NICHT_SICHER, f"Quote nicht gezeigt: weniger als {MINDESTNENNER_FAELLE} Hilfen "
                           f"bzw. {MINDESTNENNER_EINWOHNER} Einwohner dahinter"),
    ("( )", "eingeschränkte Aussagekraft: kleine Basis (nur in internen Berichten)"),
    (ZEICHEN_FEHLT, "Zahlenwert unbekannt"),
)


def anzeige(wert, status: str = OFFEN, fmt=None) -> str:
    """The text for one count: '<3', 'x', '–' for 0, else fmt(wert)."""
    if status == PRIMAER:
        return ZEICHEN_KLEIN
    if status == SEKUNDAER:
        return ZEICHEN_GESPERRT
    if wert is None or kein_wert(wert):
        return ZEICHEN_FEHLT
    if wert == 0:
        return ZEICHEN_NULL
    return (fmt or (lambda v: str(int(v))))(wert)



def quote_anzeige(q: Quote, fmt) -> str:
    if q.zeigen == "gesperrt":
        return ZEICHEN_NICHT_SICHER
    if q.zeigen == "fehlt":
        return ZEICHEN_FEHLT
    return f"({fmt(q.wert)})" if q.zeigen == "eingeschraenkt" else fmt(q.wert)

