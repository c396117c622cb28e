"""The fingerprint (huella) of a VERI*FACTU billing record, as the AEAT defines it.

Source: Orden HAC/1177/2024, art. 13, and the AEAT's "Detalle de las especificaciones técnicas
para generación de la huella o hash de los registros de facturación" (v0.1.2), which fixes:

- the fields and their order. An invoice record (RegistroAlta)::

      IDEmisorFactura=…&NumSerieFactura=…&FechaExpedicionFactura=…&TipoFactura=…
      &CuotaTotal=…&ImporteTotal=…&Huella=…&FechaHoraHusoGenRegistro=…

  a cancellation record (RegistroAnulacion)::

      IDEmisorFacturaAnulada=…&NumSerieFacturaAnulada=…&FechaExpedicionFacturaAnulada=…
      &Huella=…&FechaHoraHusoGenRegistro=…

  where ``Huella`` is the fingerprint of the previous record of the same issuer, empty
  (``Huella=``) for the first one;
- each value as it is written in the record's XML, with leading and trailing blanks trimmed;
  dates ``dd-mm-yyyy``, amounts with a point and (here always) two decimals, the generation
  instant in ISO 8601 with its UTC offset (``2024-01-01T19:20:30+01:00``);
- SHA-256 over the UTF-8 bytes, written as 64 upper-case hexadecimal characters
  (``TipoHuella`` 01).

Everything here is pure: the record's values in, the fingerprint out. ``xml`` writes the same
text values, so the XML always carries exactly what was fingerprinted.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from mascustomers.kit.money import to_cents_decimal

HASH_TYPE_SHA256 = "01"  # TipoHuella, list L12


def record_date(day: date) -> str:
    """A date as the records write it: ``dd-mm-yyyy``."""
    return day.strftime("%d-%m-%Y")


def record_amount(amount: Decimal) -> str:
    """An amount as the records write it: a point and two decimals (``-12.10``)."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:  # cents already (stored money): no rounding
        return f"{amount:.2f}"
    return f"{to_cents_decimal(amount):.2f}"


def record_instant(instant: datetime, tz: str) -> str:
    """``FechaHoraHusoGenRegistro``: the local time of ``tz`` with its offset, to the second."""
    return instant.astimezone(ZoneInfo(tz)).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class AltaFields:
    """The fingerprinted fields of an invoice record (RegistroAlta), as text."""

    issuer_tax_id: str
    number: str
    issue_date: str
    invoice_type: str
    tax_total: str
    total: str
    previous_hash: str
    generated_at: str

    def canonical(self) -> str:
        return _join(
            ("IDEmisorFactura", self.issuer_tax_id),
            ("NumSerieFactura", self.number),
            ("FechaExpedicionFactura", self.issue_date),
            ("TipoFactura", self.invoice_type),
            ("CuotaTotal", self.tax_total),
            ("ImporteTotal", self.total),
            ("Huella", self.previous_hash),
            ("FechaHoraHusoGenRegistro", self.generated_at),
        )


@dataclass(frozen=True)
class AnulacionFields:
    """The fingerprinted fields of a cancellation record (RegistroAnulacion), as text."""

    issuer_tax_id: str
    number: str
    issue_date: str
    previous_hash: str
    generated_at: str

    def canonical(self) -> str:
        return _join(
            ("IDEmisorFacturaAnulada", self.issuer_tax_id),
            ("NumSerieFacturaAnulada", self.number),
            ("FechaExpedicionFacturaAnulada", self.issue_date),
            ("Huella", self.previous_hash),
            ("FechaHoraHusoGenRegistro", self.generated_at),
        )


def _join(*pairs: tuple[str, str]) -> str:
    return "&".join(f"{name}={value.strip()}" for name, value in pairs)


def fingerprint(fields: AltaFields | AnulacionFields) -> str:
    """SHA-256 of the record's canonical text, upper-case hex (64 characters)."""
    return hashlib.sha256(fields.canonical().encode("utf-8")).hexdigest().upper()
