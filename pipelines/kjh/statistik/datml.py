"""The records as a DatML/RAW 2.0 document (XStatistik, the raw-data format eSTATISTIK.core takes).

    <DatML-RAW-D xmlns="http://www.destatis.de/schema/datml-raw/2.0/de" version="2.0">
      <protokoll>…</protokoll>                         creation time and application (kjh)
      <absender><kennung klasse="MELDID">…</kennung>…</absender>
      <empfaenger><kennung klasse="STAID">…</kennung>…</empfaenger>
      <nachricht>
        <nachrichtenID>…</nachrichtenID>
        <erhebung><kennung klasse="ERHID">…</kennung></erhebung>
        <berichtszeitraum><jahr>2025</jahr></berichtszeitraum>
        <hmm name="…"><wert>…</wert></hmm>            Hilfsmerkmale, once per message
        <datensegment>
          <satz><mm name="EF4"><wert>07</wert></mm>…</satz>   one per record, non-empty fields only
        </datensegment>
      </nachricht>
    </DatML-RAW-D>

Element names and order follow the XStatistik 2.0 specification (Absender,
Empfaenger, Nachricht, Datensegment, Satz, Merkmal). What the delivery
agreement decides is data: the survey id and the Merkmal names come from the
layout (`datml`, the fields' `mm`), MELDID and STAID from meldestelle.yml
(`meldid`, `staid`). Until the office enters them, kjh writes its placeholders
(the office's Kennnummer, the Land) and `layout.platzhalter` lists them for
the check report.

Deterministic: the same records, layout, office and creation time give the
same bytes (creation time = the recorded created_at of the delivery).
"""
import datetime as dt
import xml.etree.ElementTree as ET

from kjh.statistik.layout import Layout

ANWENDUNG = "kjh"


def _kennung(parent: ET.Element, klasse: str, wert: str) -> None:
    ET.SubElement(parent, "kennung", {"klasse": klasse}).text = wert


def _organisation(parent: ET.Element, name: str) -> None:
    if name:
        ident = ET.SubElement(ET.SubElement(parent, "identifikation"), "identitaet")
        ET.SubElement(ET.SubElement(ident, "organisation"), "name").text = name


def _hilfsmerkmal(quelle: str, meldestelle: dict, kennnummer: str) -> str:
    if quelle == "kennnummer":
        return kennnummer
    if quelle.startswith("meldestelle."):
        return str(meldestelle.get(quelle.split(".", 1)[1], ""))
    raise ValueError(f"Hilfsmerkmal mit unbekannter quelle {quelle!r}")


def datml_bytes(layout: Layout, werte: list[list[tuple[str, str]]], *, meldestelle: dict, kennnummer: str,
                berichtsjahr: int, lieferung_id: int, created_at: dt.datetime) -> bytes:
    root = ET.Element("DatML-RAW-D", {"xmlns": layout.datml_namensraum, "version": "2.0"})

    instanz = ET.SubElement(ET.SubElement(root, "protokoll"), "dokumentinstanz")
    ET.SubElement(instanz, "datum").text = created_at.date().isoformat()
    ET.SubElement(instanz, "uhrzeit").text = created_at.time().isoformat(timespec="seconds")
    anwendung = ET.SubElement(instanz, "anwendung")
    ET.SubElement(anwendung, "anwendungsname").text = ANWENDUNG
    ET.SubElement(anwendung, "version").text = f"Satzbeschreibung {layout.datei} sha256 {layout.sha256}"
    ET.SubElement(instanz, "dokumentID").text = f"{ANWENDUNG}-{lieferung_id}-{layout.erhebung}-{berichtsjahr}"

    absender = ET.SubElement(root, "absender")
    _kennung(absender, "MELDID", str(meldestelle.get("meldid") or kennnummer + meldestelle["einrichtungs_nr"]))
    _organisation(absender, str(meldestelle.get("name", "")))
    empfaenger = ET.SubElement(root, "empfaenger")
    _kennung(empfaenger, "STAID", str(meldestelle.get("staid") or meldestelle["land"]))
    _organisation(empfaenger, str(meldestelle.get("empfaenger", "")))

    nachricht = ET.SubElement(root, "nachricht")
    ET.SubElement(nachricht, "nachrichtenID").text = f"{ANWENDUNG}-{lieferung_id}-{layout.erhebung}-{berichtsjahr}"
    _kennung(ET.SubElement(nachricht, "erhebung"), "ERHID", layout.datml_erhebung)
    ET.SubElement(ET.SubElement(nachricht, "berichtszeitraum"), "jahr").text = str(berichtsjahr)
    for name, quelle in layout.datml_hilfsmerkmale:
        hmm = ET.SubElement(nachricht, "hmm", {"name": name})
        ET.SubElement(hmm, "wert").text = _hilfsmerkmal(quelle, meldestelle, kennnummer)
    ET.SubElement(nachricht, "datensegment")
    ET.indent(root, space="  ")
    kopf = ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
    if not werte:
        return kopf
    # The records written as text, as ElementTree would indent and escape them (tests/test_statistik_layout.py
    # compares both): serialising 100,000 records as elements took ElementTree seconds per survey.
    saetze = "\n".join(_satz_xml(paare) for paare in werte).encode("utf-8")
    leer = b"<datensegment />"
    assert kopf.count(leer) == 1
    return kopf.replace(leer, b"<datensegment>\n" + saetze + b"\n" + _E2.encode() + b"</datensegment>")


# indentation of the levels datensegment (2) to wert (5), two spaces a level as ET.indent writes it
_E2, _E3, _E4, _E5 = ("  " * n for n in (2, 3, 4, 5))


def _satz_xml(paare: list[tuple[str, str]]) -> str:
    if not paare:
        return f"{_E3}<satz />"
    teile = [f"{_E3}<satz>"]
    for name, value in paare:
        wert = f"<wert>{ET._escape_cdata(value)}</wert>" if value else "<wert />"
        teile.append(f'{_E4}<mm name="{ET._escape_attrib(name)}">\n{_E5}{wert}\n{_E4}</mm>')
    teile.append(f"{_E3}</satz>")
    return "\n".join(teile)
