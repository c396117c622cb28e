"""The org's invoice issuer: read as a detached snapshot, required before issuing, replaced.

Settings come from the catalogue document's ``issuer`` section (``catalog.loader``) and are
edited through ``PUT …/ops/billing/issuer`` and ``mascustomers billing issuer``. Invoices copy
what they need at issue, so a later edit never changes an issued invoice.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from mascustomers.billing import invoice_repository
from mascustomers.billing.errors import BillingIssuerNotSet
from mascustomers.catalog.issuer_section import IssuerSection
from mascustomers.models import InvoiceIssuer


@dataclass(frozen=True)
class Issuer:
    """What an invoice copies of its issuer (detached from any session)."""

    org_id: int
    legal_name: str
    tax_id: str
    address: str
    series: str
    rectifying_series: str
    simplified_invoices: bool
    payment_days: int

    @classmethod
    def of(cls, row: InvoiceIssuer) -> "Issuer":
        return cls(
            org_id=row.org_id,
            legal_name=row.legal_name,
            tax_id=row.tax_id,
            address=fiscal_address(row),
            series=row.series,
            rectifying_series=row.rectifying_series,
            simplified_invoices=row.simplified_invoices,
            payment_days=row.payment_days,
        )

    def number(self, value: int, *, rectifying: bool = False) -> str:
        """Series and 8 digits: ``MM00000001``."""
        return f"{self.rectifying_series if rectifying else self.series}{value:08d}"

    def counter(self, *, rectifying: bool = False) -> str:
        """The org_sequence counter of the series (one gap-free counter per series)."""
        return f"invoice:{self.rectifying_series if rectifying else self.series}"


def fiscal_address(row: InvoiceIssuer) -> str:
    country = "" if row.country_code == "ES" else f", {row.country_code}"
    return f"{row.street}, {row.postal_code} {row.locality} ({row.province}){country}"


def find(session: Session, *, org_id: int) -> Issuer | None:
    row = invoice_repository.issuer(session, org_id=org_id)
    return None if row is None else Issuer.of(row)


def require(session: Session, *, org_id: int) -> Issuer:
    found = find(session, org_id=org_id)
    if found is None:
        raise BillingIssuerNotSet(
            "the org has no invoice issuer (legal name, NIF, fiscal address): set it with "
            "PUT ops/billing/issuer, `mascustomers billing issuer` or the catalogue's issuer"
        )
    return found


def settings(session: Session, *, org_id: int) -> InvoiceIssuer:
    row = invoice_repository.issuer(session, org_id=org_id)
    if row is None:
        require(session, org_id=org_id)  # raises
    assert row is not None
    return row


def replace(
    session: Session, *, org_id: int, values: IssuerSection, now: datetime
) -> InvoiceIssuer:
    """Store ``values`` as the org's issuer settings; flushes only."""
    row = invoice_repository.save_issuer(
        session, org_id=org_id, values=values.model_dump(), now=now
    )
    session.flush()
    return row
