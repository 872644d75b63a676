"""Exports of a county youth office "from another case system": a second, independent
test data set beside the demo generator (sources/kjh_demo), written to the same
contract (../shared/spec/source-exports.md) from a list of how real exports differ
from the demo (issue 12). The quality checks must raise exactly the faults injected
here, none more (tests/test_quality_fremdsystem.py).

How these exports differ from the demo:

1. Agreements change every January: most providers' agreement and daily rate are
   renewed each year (+3 %), and the one `traeger` export carries only the current
   version (gueltig_ab 01.01.2026). Bookings of earlier years fall under agreements
   no export shows.
2. Two ways to bill a rate: some providers bill rate × calendar days, others a whole
   month as 30.42 days (part months by days); two of them reduce absence days
   (holidays at home) to 75 % of the rate. A stationary help's pocket money is
   booked for the same period on another account.
3. The finance history starts in the middle of a year: the first booking is of
   5 July 2021 (the month before it is booked, nothing earlier).
4. Planned end dates: helps whose end lies after the export date, with a reason.
5. Overlapping helps of one type for one person (a follow-up help recorded before
   the first was closed).
6. Population and budgets only for the last three years (2024-2026).
7. The social-space mapping changes in the middle of a year: Neudorf moves from
   Nord to Mitte on 1 July 2024 (a second `sozialraeume` file of that date).

Small: about 430 helps and 7,800 bookings, so one pipeline run takes about a minute.
Deterministic: the same files on every call (random.Random with a fixed seed).
"""
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from kjh.contract import load_contract
from tests.exports import HILFEN_HEADER, SOZIALRAEUME_HEADER, TRAEGER_HEADER, ZAHLUNGEN_HEADER, write

STAND = dt.date(2026, 9, 30)  # export date of the case system, the provider register and the last bookings
ERSTE_BUCHUNG = dt.date(2021, 7, 5)
BEVOELKERUNG_HEADER = ["ags", "jahr", "altersgruppe", "anzahl"]
BUDGETS_HEADER = ["sozialraum", "haushaltsjahr", "teilplan", "budget_eur"]
BERICHTETE_JAHRE = (2024, 2025, 2026)  # population and budgets: the last three years only

# ags -> (municipality, social space until 30.06.2024, from 01.07.2024, region, slots)
GEMEINDEN = {
    "01060101": ("Nordheim", "Nord", "Nord", 18),
    "01060102": ("Neudorf", "Nord", "Mitte", 4),
    "01060103": ("Mittelstadt", "Mitte", "Mitte", 18),
    "01060104": ("Südhafen", "Süd", "Süd", 18),
    "01060105": ("Westerau", "West", "West", 18),
}
REGION = {"Nord": "Nordkreis", "Mitte": "Mittelkreis", "Süd": "Südkreis", "West": "Westkreis"}
UMZUG = dt.date(2024, 7, 1)

# Providers. Stationary ones with a daily rate (2021 level; +3 % every January when `jaehrlich`):
#   tage   rate × calendar days          monat  a whole month as 30.42 days, part months by days
TAGE_JE_MONAT = Decimal("30.42")
STATIONAER = {
    "T-S1": dict(name="Kinderhaus Am See", satz=Decimal("182.40"), abrechnung="tage", jaehrlich=True,
                 abwesenheit=False),
    "T-S2": dict(name="Jugendhof Birkenweg", satz=Decimal("196.10"), abrechnung="tage", jaehrlich=True,
                 abwesenheit=True),
    "T-S3": dict(name="Heilpädagogisches Heim Lindenhof", satz=Decimal("211.75"), abrechnung="monat",
                 jaehrlich=True, abwesenheit=False),
    "T-S4": dict(name="Wohngruppe Ostende", satz=Decimal("174.90"), abrechnung="monat", jaehrlich=False,
                 abwesenheit=True),  # one open agreement since 2019: every period checkable
}
# Fault: an agreement that ended on 30.06.2026; the export of 30.09.2026 still shows it.
T_ABGELAUFEN = "T-S5"
T_ABGELAUFEN_SATZ = Decimal("205.00")
AMBULANT = {  # no rate (billed by hours); T-A2's agreement is renewed every year too
    "T-A1": ("Familienhilfe Nord e.V.", False),
    "T-A2": ("Ambulante Hilfen Süd gGmbH", True),
    "T-A3": ("Erziehungsbeistand West", False),
}

KONTO = {"34": "3634.533100", "31": "3632.533000", "30": "3632.533000", "33": "3633.533200"}
KONTO_BARBETRAG = "3634.533500"
KONTO_KOSTENBEITRAG = "3633.448100"
KONTO_FALLUNSPEZIFISCH = "3632.533900"


def satz(traeger_id: str, jahr: int) -> Decimal:
    if traeger_id == T_ABGELAUFEN:
        return T_ABGELAUFEN_SATZ
    t = STATIONAER[traeger_id]
    if not t["jaehrlich"]:
        return t["satz"]
    return _cent(t["satz"] * Decimal("1.03") ** (max(jahr, 2021) - 2021))


def _cent(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _de(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""


def _betrag(x: Decimal) -> str:
    return f"{x:.2f}".replace(".", ",")


def _monatsende(d: dt.date) -> dt.date:
    n = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return n - dt.timedelta(days=1)


def _plus_monate(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


@dataclass
class Hilfe:
    hilfe_id: str
    person: str
    ags: str
    hilfeart: str
    beginn: dt.date
    ende: dt.date | None
    traeger_id: str
    monatsbetrag: Decimal  # ambulant and foster care: a whole month; stationary: from the rate
    geburt: dt.date
    grund: str = ""


@dataclass
class Fehler:
    """What was injected, by the check that must find it: check -> number of findings."""
    erwartet: dict[str, int] = field(default_factory=dict)


def _hilfen(rng: random.Random) -> list[Hilfe]:
    out: list[Hilfe] = []
    n = 0
    for ags, (_, _, _, slots) in GEMEINDEN.items():
        for slot in range(slots):
            art = ("34", "31", "30", "33")[slot % 4]
            beginn = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
            while beginn <= STAND:
                n += 1
                dauer = rng.randrange(8, 31)
                ende = _plus_monate(beginn, dauer) - dt.timedelta(days=rng.randrange(0, 20))
                alter = rng.randrange(10, 16) if art == "34" else rng.randrange(3, 15)
                geburt = beginn - dt.timedelta(days=alter * 365 + rng.randrange(0, 300))
                if art == "34":
                    traeger_id = ("T-S1", "T-S2", "T-S3", "T-S4")[(n + slot) % 4]
                    betrag = Decimal(0)
                elif art == "33":
                    traeger_id, betrag = "", Decimal("1100.00")
                else:
                    traeger_id = {"31": ("T-A1", "T-A2")[n % 2], "30": "T-A3"}[art]
                    betrag = _cent(Decimal(rng.randrange(55000, 130000)) / 100)
                out.append(Hilfe(f"FS-{n:04d}", f"FP-{n:04d}", ags, art, beginn, ende, traeger_id, betrag, geburt))
                beginn = _plus_monate(ende, rng.randrange(1, 3))
    for h in out:
        if h.ende and h.ende > STAND:
            h.ende = None  # still running on the export date
        if h.ende:
            h.grund = "planmaessig"
    return out


def _buchungen(h: Hilfe, rng: random.Random) -> list[dict]:
    """The monthly bookings of one help, booked on the 5th of the following month."""
    out = []
    monat = max(dt.date(h.beginn.year, h.beginn.month, 1), dt.date(2021, 6, 1))
    letzter = min(h.ende or STAND, STAND)
    i = 0
    while monat <= letzter:
        von, bis = max(monat, h.beginn), min(_monatsende(monat), letzter)
        gebucht = _plus_monate(monat, 1) + dt.timedelta(days=4)
        if gebucht > STAND:
            break
        i += 1
        tage = (bis - von).days + 1
        ganz = von.day == 1 and bis == _monatsende(monat)
        konto = KONTO[h.hilfeart]
        if h.hilfeart == "34":
            s = satz(h.traeger_id, von.year)
            abrechnung = STATIONAER.get(h.traeger_id, {}).get("abrechnung", "tage")
            betrag = s * TAGE_JE_MONAT if (ganz and abrechnung == "monat") else s * tage
            if STATIONAER.get(h.traeger_id, {}).get("abwesenheit") and ganz and i % 6 == 0:
                betrag -= s * 4 * Decimal("0.25")  # four absence days at 75 %
            betrag = _cent(betrag)
        else:
            betrag = h.monatsbetrag if ganz else _cent(h.monatsbetrag * tage / _monatsende(monat).day)
        nr = f"{h.hilfe_id}-{von:%Y%m}"
        out.append(dict(buchung_id=f"B{nr}", hilfe_id=h.hilfe_id, buchungsdatum=gebucht, zeitraum_von=von,
                        zeitraum_bis=bis, betrag=betrag, produktkonto=konto, kostenart="leistung",
                        traeger_id=h.traeger_id))
        if h.hilfeart == "34":  # pocket money, paid through the provider on an account of its own
            out.append(dict(buchung_id=f"G{nr}", hilfe_id=h.hilfe_id, buchungsdatum=gebucht, zeitraum_von=von,
                            zeitraum_bis=bis, betrag=Decimal("48.50"), produktkonto=KONTO_BARBETRAG,
                            kostenart="leistung", traeger_id=h.traeger_id))
        if h.hilfeart == "33" and ganz:  # parents' contribution
            out.append(dict(buchung_id=f"K{nr}", hilfe_id=h.hilfe_id, buchungsdatum=gebucht, zeitraum_von=von,
                            zeitraum_bis=bis, betrag=Decimal("150.00"), produktkonto=KONTO_KOSTENBEITRAG,
                            kostenart="kostenbeitrag", traeger_id=""))
        monat = _plus_monate(monat, 1)
    return out


def _fehler_hilfen(rng: random.Random) -> list[Hilfe]:
    """Helps added for the injected faults (besides the ones of the simulated office)."""
    def neu(hid, ags, art, beginn, ende=None, traeger_id="", betrag="0", person=None, alter=12):
        return Hilfe(hid, person or f"FP-{hid}", ags, art, beginn, ende, traeger_id, Decimal(betrag),
                     beginn - dt.timedelta(days=alter * 365 + 40), "planmaessig" if ende else "")
    west, sued = "01060105", "01060104"
    hilfen = [
        neu("FX-ENDE", west, "31", dt.date(2023, 1, 1), dt.date(2025, 3, 31), "T-A1", "900.00"),
        neu("FX-SATZ", west, "34", dt.date(2024, 5, 1), None, "T-S4"),
        neu("FX-VEREINBARUNG", west, "34", dt.date(2025, 3, 1), None, T_ABGELAUFEN),
        neu("FX-KOSTEN", west, "30", dt.date(2024, 2, 1), None, "T-A3", "640.00"),
        # overlapping helps of one type: the follow-up help recorded before the first was closed
        neu("FX-UEB1A", west, "31", dt.date(2023, 4, 1), None, "T-A1", "800.00", person="FP-UEB1"),
        neu("FX-UEB1B", west, "31", dt.date(2024, 9, 1), None, "T-A1", "800.00", person="FP-UEB1"),
        neu("FX-UEB2A", "01060103", "30", dt.date(2022, 6, 1), None, "T-A3", "700.00", person="FP-UEB2"),
        neu("FX-UEB2B", "01060103", "30", dt.date(2025, 1, 1), None, "T-A3", "700.00", person="FP-UEB2"),
    ]
    # A jump of the case count and net expenditure in Süd in 2025: a new home group fills up
    hilfen += [neu(f"FX-SUED{i:02d}", sued, "34", dt.date(2025, 2, 1), None, "T-S4", alter=13)
               for i in range(1, 15)]
    # planned ends: the end lies after the export date, with its reason
    for i, ende in enumerate((dt.date(2026, 12, 31), dt.date(2027, 3, 31), dt.date(2026, 10, 15)), 1):
        h = neu(f"FX-PLAN{i}", "01060101", "31", dt.date(2025, 10, 1), ende, "T-A1", "850.00")
        hilfen.append(h)
    return hilfen


def schreibe_exporte(folder: Path, seed: int = 12) -> Fehler:
    """Every export of the other office into `folder`; returns what was injected."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    hilfen = _hilfen(rng) + _fehler_hilfen(rng)
    fehler = Fehler()

    # --- reference files -------------------------------------------------------
    alt = [[ags, g, sr_alt, REGION[sr_alt]] for ags, (g, sr_alt, _, _) in GEMEINDEN.items()]
    neu = [[ags, g, sr_neu, REGION[sr_neu]] for ags, (g, _, sr_neu, _) in GEMEINDEN.items()]
    write(folder / "sozialraeume_20200101.csv", SOZIALRAEUME_HEADER, alt)
    write(folder / f"sozialraeume_{UMZUG:%Y%m%d}.csv", SOZIALRAEUME_HEADER, neu)
    gruppen = load_contract().codes("altersgruppe")
    write(folder / f"bevoelkerung_{STAND:%Y%m%d}.csv", BEVOELKERUNG_HEADER,
          [[ags, str(j), g, str(80 + 7 * i + 3 * (j - 2024))] for ags in GEMEINDEN for j in BERICHTETE_JAHRE
           for i, g in enumerate(gruppen)])
    write(folder / f"budgets_{STAND:%Y%m%d}.csv", BUDGETS_HEADER,
          [[sr, str(j), tp, "1.500.000,00"] for sr in REGION for j in BERICHTETE_JAHRE
           for tp in ("3632", "3633", "3634")])

    # --- provider register: the current version only --------------------------
    traeger = []
    for tid, t in STATIONAER.items():
        ab, bis = (dt.date(2026, 1, 1), dt.date(2026, 12, 31)) if t["jaehrlich"] else (dt.date(2019, 1, 1), None)
        traeger.append(dict(traeger_id=tid, name=t["name"], traegerart="frei_gemeinnuetzig", verband="Diakonie",
                            sitz_ags="01060103", entgelt_tagessatz=_betrag(satz(tid, 2026)), gueltig_ab=_de(ab),
                            gueltig_bis=_de(bis)))
    traeger.append(dict(traeger_id=T_ABGELAUFEN, name="Haus Sonnenblick", traegerart="privat_gewerblich",
                        verband="", sitz_ags="01060105", entgelt_tagessatz=_betrag(T_ABGELAUFEN_SATZ),
                        gueltig_ab="01.07.2025", gueltig_bis="30.06.2026"))
    for tid, (name, jaehrlich) in AMBULANT.items():
        traeger.append(dict(traeger_id=tid, name=name, traegerart="frei_gemeinnuetzig", verband="Caritas",
                            sitz_ags="01060101", entgelt_tagessatz="",
                            gueltig_ab="01.01.2026" if jaehrlich else "01.01.2015",
                            gueltig_bis="31.12.2026" if jaehrlich else ""))
    write(folder / f"traeger_{STAND:%Y%m%d}.csv", TRAEGER_HEADER, traeger)

    # --- helps: one full export ------------------------------------------------
    rows = []
    for i, h in enumerate(hilfen):
        rows.append(dict(hilfe_id=h.hilfe_id, fall_id=f"51.{h.person[3:]}", person_id=h.person,
                         geburtsdatum=_de(h.geburt), geschlecht="mw"[i % 2], auslaendische_herkunft="nju"[i % 3],
                         deutsch_in_familie="jn"[i % 5 == 0], wohnort_ags=h.ags, hilfeart=h.hilfeart,
                         ort_der_durchfuehrung={"34": "08", "33": "03", "31": "01", "30": "06"}[h.hilfeart],
                         beginn=_de(h.beginn), ende=_de(h.ende), beendigungsgrund=h.grund,
                         traeger_id=h.traeger_id, hauptgrund="eingeschraenkte_erziehungskompetenz"))
    write(folder / f"hilfen_{STAND:%Y%m%d}.csv", HILFEN_HEADER, rows)
    fehler.erwartet["plausi.ende_nach_exportdatum"] = 3          # the planned ends FX-PLAN1..3 (one soft WARN)
    fehler.erwartet["plausi.ueberschneidung_gleiche_hilfeart"] = 2  # FX-UEB1A/B, FX-UEB2A/B (soft)

    # --- bookings ----------------------------------------------------------------
    buchungen = [b for h in hilfen for b in _buchungen(h, rng)]
    nach_id = {b["buchung_id"]: b for b in buchungen}

    # a service period three months after the help's end (FX-ENDE ended 31.03.2025)
    buchungen.append(dict(nach_id["BFX-ENDE-202503"], buchung_id="BFX-ENDE-NACH", buchungsdatum=dt.date(2025, 7, 7),
                          zeitraum_von=dt.date(2025, 6, 1), zeitraum_bis=dt.date(2025, 6, 30)))
    fehler.erwartet["finanz.leistung_nach_hilfeende"] = 1
    # an invoice 400 € above rate × 30.42 (open agreement of T-S4: checkable)
    nach_id["BFX-SATZ-202603"]["betrag"] += Decimal("400.00")
    fehler.erwartet["finanz.tagessatz_abweichung"] = 1
    # the same month's invoice paid twice (reported by doppelbuchung, not again by the rate check)
    buchungen.append(dict(nach_id["BFX-SATZ-202511"], buchung_id="BFX-SATZ-202511-2",
                          buchungsdatum=dt.date(2025, 12, 12)))
    fehler.erwartet["finanz.doppelbuchung"] = 2
    # July and August 2026 at T-S5, whose agreement ended 30.06.2026: rate and pocket money, two months
    fehler.erwartet["finanz.traeger_ausserhalb_vereinbarung"] = sum(
        1 for b in buchungen if b["hilfe_id"] == "FX-VEREINBARUNG" and b["zeitraum_von"] >= dt.date(2026, 7, 1))
    # one month of an Erziehungsbeistand (640 € a month) booked at 15,000 €: far beyond ten times the
    # median of its type (about 900 €)
    nach_id["BFX-KOSTEN-202510"]["betrag"] = Decimal("15000.00")
    fehler.erwartet["plausi.kosten_je_fallmonat_ausreisser"] = 1
    # Süd 2025: 14 new home places (cases and net expenditure jump)
    fehler.erwartet["plausi.vorjahr_fallzahlen"] = 1
    fehler.erwartet["plausi.vorjahr_nettoausgaben"] = 1

    # bookings without a help: a quarterly instalment to a social-space provider
    for j in range(2021, 2027):
        for q in range(4):
            von = dt.date(j, 3 * q + 1, 1)
            gebucht = von + dt.timedelta(days=9)
            if gebucht < ERSTE_BUCHUNG or gebucht > STAND:
                continue
            buchungen.append(dict(buchung_id=f"BFU-{j}Q{q + 1}", hilfe_id="", buchungsdatum=gebucht,
                                  zeitraum_von=von, zeitraum_bis=_monatsende(_plus_monate(von, 2)),
                                  betrag=Decimal("8000.00"), produktkonto=KONTO_FALLUNSPEZIFISCH,
                                  kostenart="leistung", traeger_id="T-A1"))

    # one delta file per year (the first from the cut-over in July 2021), the last of the export date
    for j in range(2021, STAND.year + 1):
        datei = f"zahlungen_{j}1231.csv" if j < STAND.year else f"zahlungen_{STAND:%Y%m%d}.csv"
        write(folder / datei, ZAHLUNGEN_HEADER, [
            dict(b, buchungsdatum=_de(b["buchungsdatum"]), zeitraum_von=_de(b["zeitraum_von"]),
                 zeitraum_bis=_de(b["zeitraum_bis"]), betrag=_betrag(b["betrag"]))
            for b in sorted(buchungen, key=lambda b: (b["buchungsdatum"], b["buchung_id"]))
            if b["buchungsdatum"].year == j])
    return fehler
