"""The parties as an invoice shows them, frozen at issue: recipient, payment method, type.

Pure: rows in, values out. The recipient is the account owner's customer: a company's name
(customer type EMPRESA with a company name) or the person's names, the customer's identity
document, and the owner's address as the billing address.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from mascustomers.catalog import master_data
from mascustomers.kit.identity_documents import DocumentType

COMPANY_CUSTOMER_TYPE = 2
PERSON_CUSTOMER_TYPE = 1
# RD 1619/2012 art. 4.1: a simplified invoice up to 400 EUR, tax included.
SIMPLIFIED_LIMIT = Decimal("400.00")
_DOCUMENT_TYPES = {1: DocumentType.NIF, 2: DocumentType.NIE, 3: DocumentType.CIF}


@dataclass(frozen=True)
class Recipient:
    name: str
    document_type: str
    document: str
    address: str | None
    customer_type_id: int

    @property
    def has_nif(self) -> bool:
        """A Spanish NIF (DNI, NIE or CIF), as opposed to a passport."""
        return self.document_type in (DocumentType.NIF, DocumentType.NIE, DocumentType.CIF)


def recipient(
    *,
    customer_type_id: int,
    document_type_id: int,
    document_value: str,
    names: tuple[str | None, str | None, str | None],
    company: str | None,
    address: tuple[str | None, str | None, str | None, str | None, str | None, int | None],
) -> Recipient:
    """``names`` = first, middle, last; ``address`` = street, number, supplement, postal
    code, locality, province (INE id)."""
    person = " ".join(part.strip() for part in names if part and part.strip())
    name = company if customer_type_id == COMPANY_CUSTOMER_TYPE and company else person
    document_type = _DOCUMENT_TYPES.get(document_type_id, DocumentType.PASAPORTE)
    return Recipient(
        name=(name or document_value)[:120],
        document_type=document_type.value,
        document=document_value,
        address=billing_address(*address),
        customer_type_id=customer_type_id,
    )


def billing_address(  # noqa: PLR0917 - the address's parts, in the order it is written
    street: str | None,
    number: str | None,
    supplement: str | None,
    postal_code: str | None,
    locality: str | None,
    state_id: int | None,
) -> str | None:
    """``Calle Mayor 5, 2º B, 28013 Madrid (Madrid)``; None when no street is known."""
    if not street:
        return None
    parts = [" ".join(p for p in (street, number) if p)]
    if supplement:
        parts.append(supplement)
    province = _province_name(state_id) if state_id is not None else None
    place = " ".join(p for p in (postal_code, locality) if p)
    if province is not None and province != locality:
        place = f"{place} ({province})" if place else province
    if place:
        parts.append(place)
    return ", ".join(parts)[:300]


@cache
def _province_name(state_id: int) -> str | None:
    """Master data's province name (read once per id: a billing run asks per invoice)."""
    item = master_data.province(state_id)
    return item.value if item is not None else None


def payment_reference(
    method: str, *, iban: str | None, card_masked_number: str | None
) -> str | None:
    """What the invoice shows of the payment instrument: a masked IBAN or card number."""
    if iban:
        return mask_iban(iban)
    return card_masked_number


def mask_iban(iban: str) -> str:
    """``ES91 **** **** **** **** 1332``: country, check digits and the last four digits."""
    compact = iban.replace(" ", "").upper()
    hidden = "*" * (len(compact) - 8)
    masked = compact[:4] + hidden + compact[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


PAYMENT_METHODS = {
    "BANK_ACCOUNT": "Domiciliación bancaria",
    "BANK_TRANSFER": "Transferencia bancaria",
    "CREDIT_CARD": "Tarjeta",
    "RECURRING_CREDIT_CARD": "Tarjeta (cargo recurrente)",
    "ECI": "Tarjeta El Corte Inglés",
}


def payment_label(method: str | None) -> str:
    return PAYMENT_METHODS.get(method or "", method or "")


def invoice_type(*, simplified_allowed: bool, recipient: Recipient, total: Decimal) -> str:
    """F2 (simplified) for a consumer's invoice up to the limit where the org issues them;
    F1 (complete) otherwise. A company always gets a complete invoice."""
    if (
        simplified_allowed
        and recipient.customer_type_id == PERSON_CUSTOMER_TYPE
        and total <= SIMPLIFIED_LIMIT
    ):
        return "F2"
    return "F1"
