"""Rule 4: a rate or average is shown only with a large enough denominator."""
from dataclasses import dataclass

from kjh.geheimhaltung.regel import GESPERRT, MINDESTNENNER_EINWOHNER, MINDESTNENNER_FAELLE, OFFEN, kein_wert


@dataclass(frozen=True)
class Quote:
    """A rate and whether it may be shown: 'offen', 'eingeschraenkt' (internal: in parentheses) or 'gesperrt'."""

    wert: float | None
    zeigen: str  # offen | eingeschraenkt | gesperrt | fehlt

    @property
    def fuer_chart(self):
        return self.wert if self.zeigen in ("offen", "eingeschraenkt") else None


def quote(wert, *, faelle=None, einwohner=None, zaehler_status: str = OFFEN, intern: bool = False) -> Quote:
    """Rule 3 and 4 for one rate: faelle = helps behind it; einwohner = residents (rates per residents)."""
    if wert is None or kein_wert(wert):
        return Quote(None, "fehlt")
    zu_klein = (faelle is not None and (kein_wert(faelle) or faelle < MINDESTNENNER_FAELLE)) or \
               (einwohner is not None and (kein_wert(einwohner) or einwohner < MINDESTNENNER_EINWOHNER))
    if intern:
        return Quote(float(wert), "eingeschraenkt" if zu_klein else "offen")
    if zaehler_status in GESPERRT or zu_klein:
        return Quote(None, "gesperrt")
    return Quote(float(wert), "offen")

