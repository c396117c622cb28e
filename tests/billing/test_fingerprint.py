"""Fingerprints (huella) against worked examples computed outside the code under test.

The first three are the AEAT's own examples in "Detalle de las especificaciones técnicas para
generación de la huella o hash de los registros de facturación" (v0.1.2): the canonical text
and the SHA-256 the document prints. The last two were written by hand from the same
definition (Orden HAC/1177/2024 art. 13; field=value pairs in the document's order joined
with ``&``) and hashed with ``printf '%s' '<text>' | sha256sum`` (upper-cased). Each test
checks the canonical text the code builds and its fingerprint against those constants.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from mascustomers.billing.verifactu.fingerprint import (
    AltaFields,
    AnulacionFields,
    fingerprint,
    record_amount,
    record_date,
    record_instant,
)
from mascustomers.billing.verifactu.records import Chain as RecordChain
from mascustomers.billing.verifactu.records import InvoiceRecordFacts

AEAT_FIRST_TEXT = (
    "IDEmisorFactura=89890001K&NumSerieFactura=12345678/G33&FechaExpedicionFactura=01-01-2024"
    "&TipoFactura=F1&CuotaTotal=12.35&ImporteTotal=123.45&Huella="
    "&FechaHoraHusoGenRegistro=2024-01-01T19:20:30+01:00"
)
AEAT_FIRST_HASH = "3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"
AEAT_SECOND_TEXT = (
    "IDEmisorFactura=89890001K&NumSerieFactura=12345679/G34&FechaExpedicionFactura=01-01-2024"
    "&TipoFactura=F1&CuotaTotal=12.35&ImporteTotal=123.45"
    "&Huella=3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"
    "&FechaHoraHusoGenRegistro=2024-01-01T19:20:35+01:00"
)
AEAT_SECOND_HASH = "F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"
AEAT_CANCELLATION_TEXT = (
    "IDEmisorFacturaAnulada=89890001K&NumSerieFacturaAnulada=12345679/G34"
    "&FechaExpedicionFacturaAnulada=01-01-2024"
    "&Huella=F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"
    "&FechaHoraHusoGenRegistro=2024-01-01T19:20:40+01:00"
)
AEAT_CANCELLATION_HASH = "177547C0D57AC74748561D054A9CEC14B4C4EA23D1BEFD6F2E69E3A388F90C68"
# By hand: a rectifying invoice with negative amounts, chained after AEAT's second record.
RECTIFYING_TEXT = (
    "IDEmisorFactura=A39200019&NumSerieFactura=MMR00000001&FechaExpedicionFactura=15-12-2026"
    "&TipoFactura=R1&CuotaTotal=-0.70&ImporteTotal=-10.70"
    "&Huella=F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"
    "&FechaHoraHusoGenRegistro=2026-12-15T10:30:00+01:00"
)
RECTIFYING_HASH = "9172806723833EBE4A504405F8F631EB64177814BD3A04371EC8B7F2683E56AC"
# By hand: the first record of a chain, generated at midnight in Madrid's summer time.
SUMMER_TEXT = (
    "IDEmisorFactura=A39200019&NumSerieFactura=MM00000007&FechaExpedicionFactura=01-07-2026"
    "&TipoFactura=F1&CuotaTotal=2.10&ImporteTotal=12.10&Huella="
    "&FechaHoraHusoGenRegistro=2026-07-01T00:00:00+02:00"
)
SUMMER_HASH = "D74FD8166EE0A7CDD759A7A5D882EE35147D02DADE96639244B2110D619FA5E7"


def _alta(number: str, previous: str, generated: str) -> AltaFields:
    return AltaFields(
        issuer_tax_id="89890001K",
        number=number,
        issue_date=record_date(date(2024, 1, 1)),
        invoice_type="F1",
        tax_total=record_amount(Decimal("12.35")),
        total=record_amount(Decimal("123.45")),
        previous_hash=previous,
        generated_at=generated,
    )


def test_aeat_first_record_of_a_chain() -> None:
    fields = _alta("12345678/G33", "", "2024-01-01T19:20:30+01:00")
    assert fields.canonical() == AEAT_FIRST_TEXT
    assert fingerprint(fields) == AEAT_FIRST_HASH


def test_aeat_second_record_chains_the_first() -> None:
    fields = _alta("12345679/G34", AEAT_FIRST_HASH, "2024-01-01T19:20:35+01:00")
    assert fields.canonical() == AEAT_SECOND_TEXT
    assert fingerprint(fields) == AEAT_SECOND_HASH


def test_aeat_cancellation_record() -> None:
    fields = AnulacionFields(
        issuer_tax_id="89890001K",
        number="12345679/G34",
        issue_date="01-01-2024",
        previous_hash=AEAT_SECOND_HASH,
        generated_at="2024-01-01T19:20:40+01:00",
    )
    assert fields.canonical() == AEAT_CANCELLATION_TEXT
    assert fingerprint(fields) == AEAT_CANCELLATION_HASH


def test_a_rectifying_record_with_negative_amounts() -> None:
    """Built the way the records module builds it: from an invoice's values and a chain."""
    facts = InvoiceRecordFacts(
        invoice_id=1,
        number="MMR00000001",
        issue_date=date(2026, 12, 15),
        invoice_type="R1",
        tax_total=Decimal("-0.7"),
        total=Decimal("-10.70"),
        description="",
        breakdown=[],
        recipient=None,
    )
    chain = RecordChain(org_id=1, issuer_tax_id="A39200019", issuer_name="X", timezone="UTC")
    generated = record_instant(datetime(2026, 12, 15, 9, 30, tzinfo=UTC), "Europe/Madrid")
    fields = facts.fields(chain, AEAT_SECOND_HASH, generated)
    assert fields.canonical() == RECTIFYING_TEXT
    assert fingerprint(fields) == RECTIFYING_HASH


def test_summer_time_offset_and_first_record() -> None:
    generated = record_instant(datetime(2026, 6, 30, 22, 0, tzinfo=UTC), "Europe/Madrid")
    fields = AltaFields(
        issuer_tax_id="A39200019",
        number="MM00000007",
        issue_date=record_date(date(2026, 7, 1)),
        invoice_type="F1",
        tax_total=record_amount(Decimal("2.1")),
        total=record_amount(Decimal("12.10")),
        previous_hash="",
        generated_at=generated,
    )
    assert fields.canonical() == SUMMER_TEXT
    assert fingerprint(fields) == SUMMER_HASH


@pytest.mark.parametrize(
    ("amount", "text"),
    [("0", "0.00"), ("12.3", "12.30"), ("-0.5", "-0.50"), ("1234567.891", "1234567.89")],
)
def test_amounts_are_written_with_two_decimals(amount: str, text: str) -> None:
    assert record_amount(Decimal(amount)) == text


def test_any_changed_field_changes_the_fingerprint() -> None:
    base = _alta("12345678/G33", "", "2024-01-01T19:20:30+01:00")
    changed = AltaFields(**{**base.__dict__, "total": "123.46"})
    assert fingerprint(changed) != fingerprint(base)
    padded = AltaFields(**{**base.__dict__, "number": " 12345678/G33 "})
    assert fingerprint(padded) == AEAT_FIRST_HASH  # values are trimmed
