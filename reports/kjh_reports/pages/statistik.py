"""Statistik: the statutory statistics (§§ 98–103 SGB VIII). A placeholder until that issue fills it."""
from kjh.geheimhaltung.regel import MINDESTFALLZAHL, MINDESTNENNER_FAELLE
from kjh.geheimhaltung.zeichen import ZEICHEN_GESPERRT, ZEICHEN_KLEIN

from kjh_reports import html as h
from kjh_reports.pages import Kontext, Seite


def seite(k: Kontext) -> Seite:
    inhalt = h.hinweis(
        "Hier erscheinen die Lieferungen an das Statistische Landesamt nach §§ 98–103 SGB VIII "
        "(Hilfen zur Erziehung, Eingliederungshilfe nach § 35a, Hilfen für junge Volljährige, vorläufige "
        "Schutzmaßnahmen): geprüft vor der Abgabe und danach nachvollziehbar. Diese Seite wird mit der "
        "Statistiklieferung gefüllt.")
    inhalt += h.abschnitt("Geheimhaltung", (
        f"<p>Auch die Statistiktabellen folgen derselben Regel wie alle Berichte: Fallzahlen von 1 bis "
        f"{MINDESTFALLZAHL - 1} erscheinen als „{h.e(ZEICHEN_KLEIN)}“, Zellen, aus denen sich eine solche "
        f"Zahl über eine Summe errechnen ließe, als „{h.e(ZEICHEN_GESPERRT)}“; Quoten erst ab "
        f"{MINDESTNENNER_FAELLE} Fällen.</p>"))
    return Seite("statistik.html", "Amtliche Statistik", inhalt, 0, "Statistik")
