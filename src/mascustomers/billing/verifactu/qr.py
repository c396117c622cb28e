"""The invoice's QR code: the AEAT's verification ("cotejo") URL of the invoice.

Source: Orden HAC/1177/2024, art. 21, and the AEAT's "Características del QR y
especificaciones del servicio de cotejo": the URL of the ``ValidarQR`` service (records sent
in the VERI*FACTU way) with exactly four parameters, in this order — ``nif`` (the issuer's
NIF), ``numserie`` (series and number), ``fecha`` (issue date ``dd-mm-yyyy``) and ``importe``
(the total with tax, a point as decimal separator) — each URL-encoded as UTF-8. The code is
printed 30×30 to 40×40 mm with error correction level M, "QR tributario:" above it and the
legend "VERI*FACTU" (or "Factura verificable en la sede electrónica de la AEAT") near it.

Sandbox orgs point at the AEAT's test environment, the others at production.
"""

from datetime import date
from decimal import Decimal
from urllib.parse import quote

from mascustomers.billing.verifactu.fingerprint import record_amount, record_date

PRODUCTION_URL = "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR"
TEST_URL = "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
LEGEND = "VERI*FACTU"
HEADING = "QR tributario:"


def verification_url(
    *, issuer_tax_id: str, number: str, issue_date: date, total: Decimal, test: bool
) -> str:
    """The AEAT verification URL the invoice's QR code encodes."""
    parameters = (
        ("nif", issuer_tax_id),
        ("numserie", number),
        ("fecha", record_date(issue_date)),
        ("importe", record_amount(total)),
    )
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in parameters)
    return f"{TEST_URL if test else PRODUCTION_URL}?{query}"
