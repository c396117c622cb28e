"""The billing run against hand-computed invoices (cycle 2026-11: 30 days, Madrid time).

Every expected figure below is worked out by hand in the comments; the run must match it to
the cent. Catalogue (tests/catalogue_fixture.py): MAIN_10GB 10.00, MAIN_30GB 15.00,
MOBILE_ONLY_20GB 12.00, FTTH_600 30.00, BONUS_3GB 3.00, PROMO_LINE_50 50 % (subscription),
PROMO_BUNDLE 5.00 (bundle), PROMO_ACCOUNT 10 % (account).
"""

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mascustomers.auth import repository as auth_repository
from mascustomers.billing import jobs as billing_jobs
from mascustomers.billing.cycles import Cycle
from mascustomers.billing.errors import BillingCycleNotClosed
from mascustomers.billing.service import OrgRef
from mascustomers.models import Invoice, InvoiceLine, Org, PenaltyLine, SubscriptionTerminal
from mascustomers.subscriptions import service as subscriptions_service
from tests.billing.world import (
    add_bonus,
    add_penalty,
    add_promotion,
    add_terminal,
    madrid,
    make_account,
    make_bundle,
    make_line,
)
from tests.catalogue_fixture import (
    BONUS_3GB,
    FTTH_600,
    IPHONE,
    MAIN_10GB,
    MAIN_30GB,
    MOBILE_ONLY_20GB,
    PREPAID_5GB,
    PROMO_ACCOUNT,
    PROMO_BUNDLE,
    PROMO_LINE_50,
)

pytestmark = pytest.mark.usefixtures("catalogue")
NOVEMBER = Cycle(2026, 11)
CLOSED = madrid(2026, 12, 1)  # the cycle's close: it may be billed from then on
D = Decimal


@pytest.fixture
def org(session: Session, org_slug: str) -> Org:
    found = auth_repository.get_org_by_slug(session, org_slug)
    assert found is not None
    return found


def run(
    session: Session, org: Org, cycle: Cycle = NOVEMBER, **kwargs: object
) -> billing_jobs.BillingRun:
    now = kwargs.pop("now", CLOSED)
    assert isinstance(now, datetime)
    return billing_jobs.run_cycle(
        session,
        org=OrgRef.of(org),
        cycle=cycle,
        now=now,
        **kwargs,  # type: ignore[arg-type]
    )


def invoice_of(session: Session, account_id: int, cycle: str = "2026-11") -> Invoice:
    return session.scalars(
        select(Invoice).where(Invoice.account_id == account_id, Invoice.cycle == cycle)
    ).one()


def lines_of(session: Session, invoice: Invoice) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    rows = session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.id)
    ).all()
    return [(r.kind, r.net_amount, r.tax_rate, r.tax_amount) for r in rows]


def mainland_everything(session: Session, org: Org) -> int:
    """Tariff change, bonus, 50 % promotion, last installment and a penalty, IVA 21 %."""
    account = make_account(session, org=org)
    first = make_line(session, account=account, product_id=MAIN_10GB)
    subscriptions_service.start_tariff_period(
        session, subscription=first, product_id=MAIN_30GB, reason="CAMBIO", now=madrid(2026, 11, 11)
    )
    second = make_line(session, account=account, product_id=MOBILE_ONLY_20GB)
    add_bonus(session, line=second, bonus_id=BONUS_3GB, start=madrid(2026, 11, 16, 9), end=None)
    add_promotion(
        session,
        account=account,
        promotion_id=PROMO_LINE_50,
        level="subscription",
        line=second,
        start=madrid(2026, 11, 21, 17, 30),
        end=madrid(2027, 11, 21, 17, 30),
    )
    add_terminal(
        session,
        line=second,
        catalogue_id=IPHONE,
        monthly_fee="25.00",
        installments=3,
        last_fee="24.50",
        billed=2,
    )
    add_penalty(session, account=account, value="100.00")
    return account.id


def canarias_partial_month(session: Session, org: Org) -> int:
    """Activated at 00:30 Madrid on 10 Nov (still 9 Nov in UTC), IGIC 7 %, first installment."""
    account = make_account(session, org=org, state_id=35, tax=("IGIC", "7", "7"))
    line = make_line(
        session,
        account=account,
        product_id=MOBILE_ONLY_20GB,
        activated_at=madrid(2026, 11, 10, 0, 30),
    )
    add_terminal(
        session,
        line=line,
        catalogue_id=IPHONE,
        monthly_fee="25.00",
        installments=24,
        last_fee="25.00",
        billed=0,
    )
    return account.id


def bundle_with_promotions(session: Session, org: Org) -> int:
    """Fibre + main line in a bundle, 5.00 bundle discount and 10 % account discount."""
    account = make_account(session, org=org)
    bundle = make_bundle(session, account=account, bundle_id=500)
    make_line(session, account=account, product_id=FTTH_600, type_id=4, account_bundle_id=bundle.id)
    make_line(session, account=account, product_id=MAIN_10GB, account_bundle_id=bundle.id)
    for promotion_id, level in ((PROMO_BUNDLE, "bundle"), (PROMO_ACCOUNT, "account")):
        add_promotion(
            session,
            account=account,
            promotion_id=promotion_id,
            level=level,
            account_bundle_id=bundle.id,
            start=madrid(2026, 10, 5),
            end=madrid(2027, 4, 5),
        )
    return account.id


def test_hand_computed_invoices(session: Session, org: Org) -> None:
    everything = mainland_everything(session, org)
    canarias = canarias_partial_month(session, org)
    bundled = bundle_with_promotions(session, org)
    session.commit()

    result = run(session, org)

    assert (result.invoices, result.accounts) == (3, 3)
    first = invoice_of(session, everything)
    assert lines_of(session, first) == [
        # MAIN_10GB 1-10 Nov: 10.00 × 10/30 = 3.333… → 3.33; tax 0.6993 → 0.70
        ("PRODUCT", D("3.33"), D("21.00"), D("0.70")),
        # MAIN_30GB from the change on 11 Nov: 15.00 × 20/30 = 10.00; tax 2.10
        ("PRODUCT", D("10.00"), D("21.00"), D("2.10")),
        # MOBILE_ONLY_20GB whole month 12.00; tax 2.52
        ("PRODUCT", D("12.00"), D("21.00"), D("2.52")),
        # bonus from 16 Nov: 3.00 × 15/30 = 1.50; tax 0.315 → 0.32
        ("BONUS", D("1.50"), D("21.00"), D("0.32")),
        # 50 % of 12.00 over 21-30 Nov: 12.00 × 10/30 × 0.5 = 2.00; tax -0.42
        ("DISCOUNT", D("-2.00"), D("21.00"), D("-0.42")),
        # 3rd and last installment: 24.50 (not 25.00); tax 5.145 → 5.15
        ("INSTALLMENT", D("24.50"), D("21.00"), D("5.15")),
        # confirmed penalty 100.00; tax 21.00
        ("PENALTY", D("100.00"), D("21.00"), D("21.00")),
    ]
    # 3.33 + 10 + 12 + 1.50 - 2 + 24.50 + 100 = 149.33; tax 31.37; total 180.70
    assert (first.value, first.value_total) == (D("149.33"), D("180.70"))

    second = invoice_of(session, canarias)
    assert lines_of(session, second) == [
        # 10-30 Nov = 21 days: 12.00 × 21/30 = 8.40; IGIC 7 %: 0.588 → 0.59
        ("PRODUCT", D("8.40"), D("7.00"), D("0.59")),
        # first installment 25.00 at the terminal rate 7 %: 1.75
        ("INSTALLMENT", D("25.00"), D("7.00"), D("1.75")),
    ]
    assert (second.value, second.value_total) == (D("33.40"), D("35.74"))

    third = invoice_of(session, bundled)
    assert lines_of(session, third) == [
        ("PRODUCT", D("30.00"), D("21.00"), D("6.30")),
        ("PRODUCT", D("10.00"), D("21.00"), D("2.10")),
        # bundle amount 5.00 for the whole month
        ("DISCOUNT", D("-5.00"), D("21.00"), D("-1.05")),
        # account 10 % of the product lines 40.00
        ("DISCOUNT", D("-4.00"), D("21.00"), D("-0.84")),
    ]
    # 40 - 5 - 4 = 31.00; tax 6.30 + 2.10 - 1.05 - 0.84 = 6.51; total 37.51
    assert (third.value, third.value_total) == (D("31.00"), D("37.51"))

    for invoice in (first, second, third):
        assert invoice.status_id == 1  # PENDIENTE until paid
        assert (invoice.cycle_start.isoformat(), invoice.cycle_end.isoformat()) == (
            "2026-11-01",
            "2026-11-30",
        )
        assert invoice.path == f"/v2/orgs/telco/ops/invoices/{invoice.number}.pdf"
    assert result.value_total == D("180.70") + D("35.74") + D("37.51")


def test_installments_and_penalties_move_on(session: Session, org: Org) -> None:
    account_id = mainland_everything(session, org)
    session.commit()
    run(session, org)
    terminal = session.scalars(select(SubscriptionTerminal)).one()
    assert terminal.installments_billed == 3
    penalty = session.scalars(select(PenaltyLine)).one()
    assert penalty.invoice_id == invoice_of(session, account_id).id

    run(session, org, Cycle(2026, 12), now=madrid(2027, 1, 1))
    december = invoice_of(session, account_id, "2026-12")
    kinds = [kind for kind, *_ in lines_of(session, december)]
    assert "INSTALLMENT" not in kinds  # the plan is paid off
    assert "PENALTY" not in kinds  # charged once
    # 15.00 + 12.00 + bonus 3.00 - 50 % of 12.00 = 24.00; tax 5.04
    assert (december.value, december.value_total) == (D("24.00"), D("29.04"))


def test_rerun_adds_nothing_and_numbers_have_no_gaps(session: Session, org: Org) -> None:
    for _ in range(5):
        account = make_account(session, org=org)
        make_line(session, account=account, product_id=MOBILE_ONLY_20GB)
    session.commit()

    first = run(session, org, batch_size=2)
    assert (first.invoices, first.batches) == (5, 3)
    again = run(session, org, batch_size=2)
    assert (again.invoices, again.accounts) == (0, 0)
    assert session.scalar(select(func.count()).select_from(Invoice)) == 5

    later = make_account(session, org=org)
    make_line(session, account=later, product_id=MOBILE_ONLY_20GB)
    session.commit()
    run(session, org)
    run(session, org, Cycle(2026, 12), now=madrid(2027, 1, 1))
    numbers = sorted(session.scalars(select(Invoice.number)).all())
    assert numbers == [f"MM{n:08d}" for n in range(1, 13)]


def test_who_is_billed(session: Session, org: Org) -> None:
    prepaid = make_account(session, org=org, billing_type_id=2)
    make_line(session, account=prepaid, product_id=PREPAID_5GB, type_id=1)
    never_active = make_account(session, org=org)
    make_line(session, account=never_active, product_id=MOBILE_ONLY_20GB, activated_at=None)
    ended = make_account(session, org=org)
    make_line(
        session,
        account=ended,
        product_id=MOBILE_ONLY_20GB,
        ended_at=madrid(2026, 11, 20, 10),
        status_id=7,
    )
    held = make_account(session, org=org, status_id=5)
    make_line(session, account=held, product_id=MOBILE_ONLY_20GB)
    session.commit()

    result = run(session, org)

    assert result.invoices == 1
    invoice = invoice_of(session, ended.id)
    # billed 1-19 Nov (the end day is not): 12.00 × 19/30 = 7.60; tax 1.596 → 1.60
    assert lines_of(session, invoice) == [("PRODUCT", D("7.60"), D("21.00"), D("1.60"))]


def test_tax_follows_the_province_at_the_cycle_close(session: Session, org: Org) -> None:
    from mascustomers.models import AccountTax

    account = make_account(session, org=org)
    make_line(session, account=account, product_id=MOBILE_ONLY_20GB)
    mainland = session.scalars(select(AccountTax).where(AccountTax.account_id == account.id)).one()
    mainland.end_at = madrid(2026, 11, 15)
    session.add(
        AccountTax(
            account_id=account.id,
            state_id=38,
            description="IGIC",
            tax_value=D("7"),
            tax_terminal_value=D("7"),
            start_at=madrid(2026, 11, 15),
        )
    )
    session.commit()
    run(session, org)
    invoice = invoice_of(session, account.id)
    assert (invoice.value, invoice.value_total) == (D("12.00"), D("12.84"))


def test_an_open_cycle_is_refused(session: Session, org: Org) -> None:
    with pytest.raises(BillingCycleNotClosed):
        run(session, org, now=madrid(2026, 11, 30, 23, 59))
