"""Records as the AEAT's XML: ``RegFactuSistemaFacturacion`` (SuministroLR.xsd), one
``RegistroFactura`` per record holding a ``RegistroAlta`` or ``RegistroAnulacion``
(SuministroInformacion.xsd), elements in the schema's order.

Built from the stored records only: the fingerprinted values are written exactly as they were
fingerprinted (the same text), so the AEAT recomputes the same fingerprint from the XML. A
submission holds at most 1,000 records (the schema's limit). The document is not signed: the
VERI*FACTU way needs no XAdES signature, the sending certificate identifies the sender.
"""

from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from mascustomers.billing.verifactu.fingerprint import HASH_TYPE_SHA256, record_amount, record_date
from mascustomers.billing.verifactu.records import ALTA
from mascustomers.models import BillingRecord

_BASE = (
    "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/"
    "aeat/tike/cont/ws/"
)
SUM = _BASE + "SuministroLR.xsd"
SUM1 = _BASE + "SuministroInformacion.xsd"
MAX_RECORDS = 1000
VERSION = "1.0"
_SYSTEM_FIELDS = (
    "NombreRazon",
    "NIF",
    "NombreSistemaInformatico",
    "IdSistemaInformatico",
    "Version",
    "NumeroInstalacion",
    "TipoUsoPosibleSoloVerifactu",
    "TipoUsoPosibleMultiOT",
    "IndicadorMultiplesOT",
)

ET.register_namespace("sum", SUM)
ET.register_namespace("sum1", SUM1)


def _sub(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{SUM1}}}{name}")
    if text is not None:
        element.text = text
    return element


def document(
    records: Sequence[BillingRecord],
    *,
    previous: BillingRecord | None,
    issuer_name: str,
    issuer_tax_id: str,
) -> bytes:
    """The XML of consecutive records of one chain; ``previous`` is the record before them."""
    if len(records) > MAX_RECORDS:
        raise ValueError(f"at most {MAX_RECORDS} records per document, got {len(records)}")
    root = ET.Element(f"{{{SUM}}}RegFactuSistemaFacturacion")
    header = ET.SubElement(root, f"{{{SUM}}}Cabecera")
    obliged = _sub(header, "ObligadoEmision")
    _sub(obliged, "NombreRazon", issuer_name[:120])
    _sub(obliged, "NIF", issuer_tax_id)
    for record in records:
        entry = ET.SubElement(root, f"{{{SUM}}}RegistroFactura")
        if record.kind == ALTA:
            _alta(entry, record, previous)
        else:
            _anulacion(entry, record, previous)
        previous = record
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _alta(parent: ET.Element, record: BillingRecord, previous: BillingRecord | None) -> None:
    details: dict[str, Any] = record.details
    alta = _sub(parent, "RegistroAlta")
    _sub(alta, "IDVersion", VERSION)
    invoice = _sub(alta, "IDFactura")
    _sub(invoice, "IDEmisorFactura", record.issuer_tax_id)
    _sub(invoice, "NumSerieFactura", record.number)
    _sub(invoice, "FechaExpedicionFactura", record_date(record.issue_date))
    _sub(alta, "NombreRazonEmisor", details["issuer_name"][:120])
    _sub(alta, "TipoFactura", record.invoice_type)
    if details.get("rectification_type"):
        _sub(alta, "TipoRectificativa", details["rectification_type"])
        rectified = _sub(alta, "FacturasRectificadas")
        for item in details["rectified"]:
            one = _sub(rectified, "IDFacturaRectificada")
            _sub(one, "IDEmisorFactura", record.issuer_tax_id)
            _sub(one, "NumSerieFactura", item["number"])
            _sub(one, "FechaExpedicionFactura", item["issue_date"])
    if details.get("operation_date"):
        _sub(alta, "FechaOperacion", details["operation_date"])
    _sub(alta, "DescripcionOperacion", details["description"])
    if details.get("recipient"):
        _recipient(_sub(_sub(alta, "Destinatarios"), "IDDestinatario"), details["recipient"])
    breakdown = _sub(alta, "Desglose")
    for line in details["breakdown"]:
        detail = _sub(breakdown, "DetalleDesglose")
        _sub(detail, "Impuesto", line["tax"])
        if line.get("regime"):
            _sub(detail, "ClaveRegimen", line["regime"])
        _sub(detail, "CalificacionOperacion", line["qualification"])
        _sub(detail, "TipoImpositivo", line["rate"])
        _sub(detail, "BaseImponibleOimporteNoSujeto", line["base"])
        _sub(detail, "CuotaRepercutida", line["amount"])
    assert record.tax_total is not None
    assert record.total is not None
    _sub(alta, "CuotaTotal", record_amount(record.tax_total))
    _sub(alta, "ImporteTotal", record_amount(record.total))
    _tail(alta, record, previous)


def _recipient(parent: ET.Element, recipient: dict[str, Any]) -> None:
    _sub(parent, "NombreRazon", recipient["NombreRazon"][:120])
    if "NIF" in recipient:
        _sub(parent, "NIF", recipient["NIF"])
        return
    other = _sub(parent, "IDOtro")
    for name in ("CodigoPais", "IDType", "ID"):
        if recipient["IDOtro"].get(name):
            _sub(other, name, recipient["IDOtro"][name])


def _anulacion(parent: ET.Element, record: BillingRecord, previous: BillingRecord | None) -> None:
    anulacion = _sub(parent, "RegistroAnulacion")
    _sub(anulacion, "IDVersion", VERSION)
    invoice = _sub(anulacion, "IDFactura")
    _sub(invoice, "IDEmisorFacturaAnulada", record.issuer_tax_id)
    _sub(invoice, "NumSerieFacturaAnulada", record.number)
    _sub(invoice, "FechaExpedicionFacturaAnulada", record_date(record.issue_date))
    _tail(anulacion, record, previous)


def _tail(parent: ET.Element, record: BillingRecord, previous: BillingRecord | None) -> None:
    """Encadenamiento, SistemaInformatico, FechaHoraHusoGenRegistro, TipoHuella, Huella."""
    chaining = _sub(parent, "Encadenamiento")
    if previous is None:
        _sub(chaining, "PrimerRegistro", "S")
    else:
        before = _sub(chaining, "RegistroAnterior")
        _sub(before, "IDEmisorFactura", previous.issuer_tax_id)
        _sub(before, "NumSerieFactura", previous.number)
        _sub(before, "FechaExpedicionFactura", record_date(previous.issue_date))
        _sub(before, "Huella", previous.hash)
    system = _sub(parent, "SistemaInformatico")
    for name in _SYSTEM_FIELDS:
        _sub(system, name, str(record.details["system"][name]))
    _sub(parent, "FechaHoraHusoGenRegistro", record.generated_at_text)
    _sub(parent, "TipoHuella", HASH_TYPE_SHA256)
    _sub(parent, "Huella", record.hash)
