"""A small, hand-known catalogue and inventory for tests (prices and ids tests can compute)."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.inventory.states import YOIGO_HOST_CFG, NumberStatus, SimStatus
from mascustomers.kit.line_numbers import iccid_with_check_digit
from mascustomers.models import (
    CatalogueBonus,
    CatalogueBundle,
    CatalogueDevice,
    CatalogueProduct,
    CataloguePromotion,
    CatalogueService,
    CatalogueTaxRule,
    InvoiceIssuer,
    Msisdn,
    Org,
    OrgCatalogue,
    SimCard,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
FTTH_600, LANDLINE, MAIN_10GB, MAIN_30GB, ADDITIONAL_5GB = 1001, 1002, 2001, 2002, 2003
MOBILE_ONLY_20GB, MOBILE_ONLY_30GB, PREPAID_5GB, TV_FUTBOL, NETFLIX = 2101, 2103, 2201, 3001, 3101
BUNDLE, BUNDLE_BIG = 500, 501
BONUS_3GB = 10
# No duration_days (renews monthly until removed); one day ("DIA ILIMITADO").
BONUS_CALLS, BONUS_DAY = 11, 12
PROMO_LINE_50, PROMO_BUNDLE, PROMO_ACCOUNT = 50, 51, 52
IPHONE = 7001
# The invoice issuer of the test org: a valid CIF of no real company.
ISSUER_TAX_ID = "A39200019"
ISSUER_NAME = "Telco Pruebas, S.A."
RISK_POLICY = {
    "scoring_reject_below": 200,
    "scoring_review_below": 400,
    "max_financed_without_scoring": "300.00",
    "sim_replacements_30d_review": 2,
    "overdue_invoices_reject": 1,
}


def _product(
    org_id: int,
    product_id: int,
    name: str,
    type_id: int,
    billing: list[int],
    price: str,
    **extra: Any,
) -> CatalogueProduct:
    return CatalogueProduct(
        org_id=org_id,
        product_id=product_id,
        name=name,
        subscription_type_id=type_id,
        billing_type_ids=billing,
        monthly_price=Decimal(price),
        bundle_only=extra.get("bundle_only", False),
        mobile_line_type=extra.get("mobile_line_type"),
        service_ids=extra.get("services", []),
        compatible_product_ids=extra.get("compatible", []),
    )


def load_test_catalogue(session: Session, org: Org, *, numbers: int = 100, sims: int = 60) -> None:
    o = org.id
    session.add_all(
        [
            _product(o, FTTH_600, "FIBRA 600Mb INDIRECTA", 4, [1], "30.00", bundle_only=True),
            _product(o, LANDLINE, "FIJO ILIMITADO", 3, [1], "0.00", bundle_only=True, services=[1]),
            _product(
                o,
                MAIN_10GB,
                "TARIFA MAS 10GB CONV",
                2,
                [1],
                "10.00",
                bundle_only=True,
                mobile_line_type="main",
                services=[1, 2, 3],
                compatible=[MAIN_30GB],
            ),
            _product(
                o,
                MAIN_30GB,
                "TARIFA MAS 30GB CONV",
                2,
                [1],
                "15.00",
                bundle_only=True,
                mobile_line_type="main",
                services=[1, 2, 3],
                compatible=[MAIN_10GB],
            ),
            _product(
                o,
                ADDITIONAL_5GB,
                "LINEA ADICIONAL 5GB",
                2,
                [1],
                "5.00",
                mobile_line_type="additional",
                services=[1, 2],
            ),
            _product(
                o,
                MOBILE_ONLY_20GB,
                "TARIFA MOVIL 20GB",
                2,
                [1],
                "12.00",
                services=[1, 2, 3],
                compatible=[MOBILE_ONLY_30GB],
            ),
            _product(
                o,
                MOBILE_ONLY_30GB,
                "TARIFA MOVIL 30GB",
                2,
                [1],
                "18.00",
                services=[1, 2, 3],
                compatible=[MOBILE_ONLY_20GB],
            ),
            _product(o, PREPAID_5GB, "PREPAGO 5GB", 1, [2], "5.00", services=[1, 2]),
            _product(o, TV_FUTBOL, "TV FUTBOL", 6, [1], "10.00", bundle_only=True),
            _product(o, NETFLIX, "NETFLIX", 12, [1], "8.99", bundle_only=True),
            CatalogueBundle(
                org_id=o,
                bundle_id=BUNDLE,
                name="FIBRA 600Mb INDIRECTA + TARIFA MÁS 10GB",
                components={
                    "fixed": [FTTH_600, LANDLINE],
                    "main_mobile": [MAIN_10GB, MAIN_30GB],
                    "additional_mobile": [ADDITIONAL_5GB],
                    "max_additional_lines": 4,
                    "tv": [TV_FUTBOL],
                    "ott": [NETFLIX],
                },
                allowed_migration_ids=[BUNDLE_BIG],
            ),
            CatalogueBundle(
                org_id=o,
                bundle_id=BUNDLE_BIG,
                name="FIBRA 600Mb INDIRECTA + TARIFA MÁS 30GB",
                components={
                    "fixed": [FTTH_600, LANDLINE],
                    "main_mobile": [MAIN_30GB],
                    "additional_mobile": [ADDITIONAL_5GB],
                    "max_additional_lines": 4,
                    "tv": [TV_FUTBOL],
                    "ott": [NETFLIX],
                },
                allowed_migration_ids=[BUNDLE],
            ),
            CatalogueBonus(
                org_id=o,
                bonus_id=BONUS_3GB,
                name="INTERNET 3GB TPILI",
                price=Decimal("3.00"),
                duration_days=30,
                compatible_product_ids=[MAIN_10GB, MAIN_30GB, MOBILE_ONLY_20GB],
            ),
            CatalogueBonus(
                org_id=o,
                bonus_id=BONUS_CALLS,
                name="LLAMADAS INTERNACIONALES 100 MIN",
                price=Decimal("5.00"),
                duration_days=None,
                compatible_product_ids=[MAIN_10GB, MAIN_30GB, MOBILE_ONLY_20GB],
            ),
            CatalogueBonus(
                org_id=o,
                bonus_id=BONUS_DAY,
                name="DIA ILIMITADO",
                price=Decimal("2.00"),
                duration_days=1,
                compatible_product_ids=[MAIN_10GB, MAIN_30GB, MOBILE_ONLY_20GB],
            ),
            CataloguePromotion(
                org_id=o,
                promotion_id=PROMO_LINE_50,
                name="MM_50% DTO 12 MESES",
                code="NTH_256",
                level="subscription",
                benefit_type="percentage",
                benefit_value=Decimal("50"),
                duration_months=12,
                commitment_months=12,
                penalty_amount=Decimal("150.00"),
                compatible_product_ids=[MAIN_10GB, MAIN_30GB, MOBILE_ONLY_20GB],
            ),
            CataloguePromotion(
                org_id=o,
                promotion_id=PROMO_BUNDLE,
                name="DTO CONVERGENCIA 5E",
                code="CONV_5",
                level="bundle",
                benefit_type="amount",
                benefit_value=Decimal("5.00"),
                duration_months=12,
                commitment_months=12,
                penalty_amount=Decimal("100.00"),
                compatible_product_ids=[],
            ),
            CataloguePromotion(
                org_id=o,
                promotion_id=PROMO_ACCOUNT,
                name="DTO CLIENTE",
                code="ACC_10",
                level="account",
                benefit_type="percentage",
                benefit_value=Decimal("10"),
                duration_months=6,
                commitment_months=None,
                penalty_amount=None,
                compatible_product_ids=[],
            ),
            CatalogueService(org_id=o, service_id=1, name="VOZ", changeable=False),
            CatalogueService(org_id=o, service_id=2, name="DATOS", changeable=True),
            CatalogueService(org_id=o, service_id=3, name="ROAMING", changeable=True),
            CatalogueDevice(
                org_id=o,
                catalogue_id=IPHONE,
                model_id=70,
                name="Apple iPhone 16",
                model="128GB Negro",
                category="SMARTPHONE",
                terminal_code="PV00016",
                price=Decimal("899.00"),
            ),
            CatalogueTaxRule(
                org_id=o,
                state_id=0,
                tax_name="IVA",
                tax_rate=Decimal("21"),
                terminal_tax_rate=Decimal("21"),
            ),
            CatalogueTaxRule(
                org_id=o,
                state_id=35,
                tax_name="IGIC",
                tax_rate=Decimal("7"),
                terminal_tax_rate=Decimal("7"),
            ),
            CatalogueTaxRule(
                org_id=o,
                state_id=38,
                tax_name="IGIC",
                tax_rate=Decimal("7"),
                terminal_tax_rate=Decimal("7"),
            ),
            CatalogueTaxRule(
                org_id=o,
                state_id=51,
                tax_name="IPSI",
                tax_rate=Decimal("10"),
                terminal_tax_rate=Decimal("10"),
            ),
            CatalogueTaxRule(
                org_id=o,
                state_id=52,
                tax_name="IPSI",
                tax_rate=Decimal("4"),
                terminal_tax_rate=Decimal("4"),
            ),
            InvoiceIssuer(
                org_id=o,
                legal_name=ISSUER_NAME,
                tax_id=ISSUER_TAX_ID,
                street="Paseo de la Castellana 100",
                postal_code="28046",
                locality="Madrid",
                province="Madrid",
                country_code="ES",
                series="MM",
                rectifying_series="MMR",
                simplified_invoices=False,
                payment_days=10,
                updated_at=NOW,
            ),
            OrgCatalogue(
                org_id=o, content_hash="test", document={"risk_policy": RISK_POLICY}, loaded_at=NOW
            ),
        ]
    )
    session.add_all(
        Msisdn(
            org_id=o,
            msisdn=f"6000{i:05d}",
            host_cfg_id=YOIGO_HOST_CFG,
            status=NumberStatus.AVAILABLE,
            status_at=NOW,
        )
        for i in range(numbers)
    )
    session.add_all(
        SimCard(
            org_id=o,
            iccid=sim_iccid(i),
            imsi=f"21404{i:010d}",
            status_id=SimStatus.DISPONIBLE,
            origin_id=1,
            fabrication_type_id=1,
            promotion_code=None,
            society_id="XFERA",
            initial_balance=Decimal("0"),
            created_at=NOW,
            last_status_at=NOW,
        )
        for i in range(sims)
    )
    session.flush()


def sim_iccid(index: int) -> str:
    return iccid_with_check_digit(f"893404{index:012d}")
