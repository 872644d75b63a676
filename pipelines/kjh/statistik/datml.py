"""The records as a DatML/RAW XML document (the statistical offices' raw-data format for eSTATISTIK.core).

Modelled on DatML/RAW 2.0: a message header (creation time, sender,
recipient) and one message with the survey, the reporting period, the
reporting office and its records, each record as Merkmal=Wert pairs keyed
by the field names of the record layout (`<mm name="EF4">05</mm>`). The exact
element names and survey identifiers of the state office are not public
(../shared/domain.md 3); the survey id comes from the layout (`datml.erhebung`).

Deterministic: the same records, layout, office and creation time give the
same bytes (creation time = the recorded created_at of the delivery).
"""
import datetime as dt
import xml.etree.ElementTree as ET

from kjh.statistik.layout import Layout


def datml_bytes(layout: Layout, werte: list[list[tuple[str, str]]], *, meldestelle: dict, kennnummer: str,
                berichtsjahr: int, lieferung_id: int, created_at: dt.datetime) -> bytes:
    root = ET.Element("DatML-RAW-D", {"version": "2.0"})
    kopf = ET.SubElement(root, "nachrichtenkopf")
    ET.SubElement(kopf, "erstellungszeit").text = created_at.isoformat(timespec="seconds")
    ET.SubElement(kopf, "nachrichtenID").text = f"kjh-{lieferung_id}-{layout.erhebung}-{berichtsjahr}"
    ET.SubElement(kopf, "herstellerID").text = "kjh"
    ET.SubElement(kopf, "satzbeschreibung", {"erhebung": layout.erhebung, "version": layout.version,
                                              "sha256": layout.sha256})
    absender = ET.SubElement(kopf, "absender")
    ET.SubElement(absender, "kennung").text = kennnummer + meldestelle["einrichtungs_nr"]
    ET.SubElement(absender, "name").text = meldestelle.get("name", "")
    empfaenger = ET.SubElement(kopf, "empfaenger")
    ET.SubElement(empfaenger, "name").text = meldestelle.get("empfaenger", "")

    nachricht = ET.SubElement(root, "nachricht")
    ET.SubElement(nachricht, "erhebung").text = layout.datml_erhebung
    zeitraum = ET.SubElement(nachricht, "berichtszeitraum")
    ET.SubElement(zeitraum, "jahr").text = str(berichtsjahr)
    pflichtiger = ET.SubElement(nachricht, "berichtspflichtiger")
    ET.SubElement(pflichtiger, "kennung").text = kennnummer
    daten = ET.SubElement(nachricht, "datensaetze", {"anzahl": str(len(werte))})
    for nr, paare in enumerate(werte, start=1):
        satz = ET.SubElement(daten, "satz", {"nr": str(nr)})
        for name, value in paare:
            ET.SubElement(satz, "mm", {"name": name}).text = value
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
