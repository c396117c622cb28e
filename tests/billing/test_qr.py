"""The QR code's verification URL (the QR itself is decoded from a rendered invoice page in
``test_issued_invoices``).

The expected URLs are written out from the AEAT's QR specification ("Características del QR y
especificaciones del servicio de cotejo"): the ValidarQR service with nif, numserie, fecha
(dd-mm-yyyy) and importe, values URL-encoded (``&`` in a series is ``%26``).
"""

from datetime import date
from decimal import Decimal

from mascustomers.billing.verifactu.qr import verification_url


def test_verification_url_test_environment() -> None:
    url = verification_url(
        issuer_tax_id="89890001K",
        number="12345678&G33",
        issue_date=date(2024, 1, 1),
        total=Decimal("241.4"),
        test=True,
    )
    assert url == (
        "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
        "?nif=89890001K&numserie=12345678%26G33&fecha=01-01-2024&importe=241.40"
    )


def test_verification_url_production() -> None:
    url = verification_url(
        issuer_tax_id="A39200019",
        number="MMR00000001",
        issue_date=date(2026, 12, 15),
        total=Decimal("-10.7"),
        test=False,
    )
    assert url == (
        "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR"
        "?nif=A39200019&numserie=MMR00000001&fecha=15-12-2026&importe=-10.70"
    )
