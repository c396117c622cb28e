"""The catalogue's ``issuer`` section: checked with the document, written to the org's issuer."""

import pytest
from sqlalchemy.orm import Session

from mascustomers.catalog.file_checks import InvalidCatalogueDocument
from mascustomers.catalog.file_format import parse_catalogue
from mascustomers.catalog.loader import load_catalogue
from mascustomers.models import InvoiceIssuer
from tests.catalog.shipped import NOW, raw_shipped
from tests.factories import make_org


def test_loading_the_shipped_catalogue_sets_the_issuer(session: Session) -> None:
    org = make_org(session, slug="issuer-load")
    load_catalogue(session, org_id=org.id, document=parse_catalogue(raw_shipped()), now=NOW)
    issuer = session.get(InvoiceIssuer, org.id)
    assert issuer is not None
    assert (issuer.legal_name, issuer.tax_id, issuer.series) == (
        "Telco Demo Comunicaciones, S.L.",
        "B12345674",
        "MM",
    )
    changed = raw_shipped()
    changed["issuer"]["locality"] = "Alcobendas"
    changed["version"] = "2026.11.2"
    load_catalogue(session, org_id=org.id, document=parse_catalogue(changed), now=NOW)
    assert issuer.locality == "Alcobendas"


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("tax_id", "B12345670", "issuer.tax_id"),
        ("rectifying_series", "MM", "issuer"),
        ("series", "mm-1", "issuer.series"),
        ("postal_code", "2801", "issuer.postal_code"),
    ],
)
def test_a_bad_issuer_section_refuses_the_document(field: str, value: str, problem: str) -> None:
    raw = raw_shipped()
    raw["issuer"][field] = value
    with pytest.raises(InvalidCatalogueDocument) as refused:
        parse_catalogue(raw)
    assert problem in str(refused.value)
