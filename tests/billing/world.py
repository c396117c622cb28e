"""Keyword-only factories for billing scenarios: rows with exactly the dates a test needs."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from mascustomers.models import (
    Account,
    AccountBundle,
    AccountTax,
    AppliedPromotion,
    ComputedPenalty,
    Customer,
    Org,
    PenaltyLine,
    Sell,
    Subscription,
    SubscriptionBonus,
    SubscriptionProduct,
    SubscriptionStatusChange,
    SubscriptionTerminal,
    User,
)

MADRID = ZoneInfo("Europe/Madrid")
OPENED = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
_counter = iter(range(1, 10**9))


def madrid(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Madrid wall-clock time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=MADRID).astimezone(UTC)


def make_account(
    session: Session,
    *,
    org: Org,
    state_id: int = 28,
    tax: tuple[str, str, str] = ("IVA", "21", "21"),
    billing_type_id: int = 1,
    status_id: int = 3,
) -> Account:
    n = next(_counter)
    customer = Customer(
        org_id=org.id,
        uuid=str(uuid.uuid4()),
        type_id=1,
        sector_id=1,
        document_type_id=1,
        document_value=f"{n:08d}Z",
        created_at=OPENED,
    )
    session.add(customer)
    session.flush()
    user = User(
        org_id=org.id, customer_id=customer.id, role="owner", first_name="Ana", created_at=OPENED
    )
    session.add(user)
    session.flush()
    account = Account(
        org_id=org.id,
        customer_id=customer.id,
        owner_user_id=user.id,
        account_number=f"MM-{9_000_000 + n:07d}",
        billing_type_id=billing_type_id,
        status_id=status_id,
        state_id=state_id,
        activated_at=OPENED,
        payment_method="BANK_ACCOUNT",
        delivery_mode="email",
        created_at=OPENED,
    )
    session.add(account)
    session.flush()
    session.add(
        AccountTax(
            account_id=account.id,
            state_id=state_id,
            description=tax[0],
            tax_value=Decimal(tax[1]),
            tax_terminal_value=Decimal(tax[2]),
            start_at=OPENED,
        )
    )
    session.flush()
    return account


def make_bundle(session: Session, *, account: Account, bundle_id: int) -> AccountBundle:
    bundle = AccountBundle(
        org_id=account.org_id,
        account_id=account.id,
        bundle_id=bundle_id,
        status_id=3,
        created_at=OPENED,
    )
    session.add(bundle)
    session.flush()
    return bundle


def make_line(
    session: Session,
    *,
    account: Account,
    product_id: int,
    activated_at: datetime | None = OPENED,
    ended_at: datetime | None = None,
    type_id: int = 2,
    status_id: int = 3,
    account_bundle_id: int | None = None,
) -> Subscription:
    n = next(_counter)
    sell = Sell(
        org_id=account.org_id,
        kind="SIGNUP",
        status="COMPLETED",
        risk_decision="a",
        account_id=account.id,
        request={},
        created_at=OPENED,
        created_by="test",
    )
    session.add(sell)
    session.flush()
    line = Subscription(
        org_id=account.org_id,
        uuid=str(uuid.uuid4()),
        account_id=account.id,
        account_bundle_id=account_bundle_id,
        sell_id=sell.id,
        type_id=type_id,
        status_id=status_id,
        origin_id=1,
        identification_nr=f"6{n:08d}",
        user_id=account.owner_user_id,
        product_id=product_id,
        sell_at=OPENED,
        activated_at=activated_at,
        ended_at=ended_at,
    )
    session.add(line)
    session.flush()
    session.add(
        SubscriptionStatusChange(
            subscription_id=line.id, status_id=status_id, changed_at=OPENED, modified_by="test"
        )
    )
    session.add(
        SubscriptionProduct(
            subscription_id=line.id, product_id=product_id, started_at=OPENED, reason="ALTA"
        )
    )
    session.flush()
    return line


def add_bonus(
    session: Session, *, line: Subscription, bonus_id: int, start: datetime, end: datetime | None
) -> None:
    session.add(
        SubscriptionBonus(
            subscription_id=line.id, bonus_id=bonus_id, start_at=start, end_at=end, created_at=start
        )
    )
    session.flush()


def add_terminal(
    session: Session,
    *,
    line: Subscription,
    catalogue_id: int,
    monthly_fee: str,
    installments: int,
    last_fee: str,
    billed: int,
) -> SubscriptionTerminal:
    terminal = SubscriptionTerminal(
        org_id=line.org_id,
        subscription_id=line.id,
        catalogue_id=catalogue_id,
        reservation_id=str(uuid.uuid4()),
        status_id=3,
        request_type="captacion",
        price=Decimal("600.00"),
        upfront_fee=Decimal("0.00"),
        financed=True,
        monthly_fee=Decimal(monthly_fee),
        installments=installments,
        last_installment_fee=Decimal(last_fee),
        installments_billed=billed,
        created_at=OPENED,
    )
    session.add(terminal)
    session.flush()
    return terminal


def add_promotion(
    session: Session,
    *,
    account: Account,
    promotion_id: int,
    level: str,
    start: datetime,
    end: datetime | None,
    line: Subscription | None = None,
    account_bundle_id: int | None = None,
) -> AppliedPromotion:
    applied = AppliedPromotion(
        org_id=account.org_id,
        promotion_id=promotion_id,
        level=level,
        account_id=account.id,
        account_bundle_id=account_bundle_id,
        subscription_id=line.id if line else None,
        start_at=start,
        end_at=end,
    )
    session.add(applied)
    session.flush()
    return applied


def add_penalty(
    session: Session, *, account: Account, value: str, confirmed: bool = True
) -> PenaltyLine:
    penalty = ComputedPenalty(
        org_id=account.org_id,
        account_id=account.id,
        reason="unsubscribe",
        status="CONFIRMED" if confirmed else "COMPUTED",
        mobile_operator_id=1,
        computed_at=OPENED,
        confirmed_at=OPENED if confirmed else None,
    )
    session.add(penalty)
    session.flush()
    line = PenaltyLine(
        computed_penalty_id=penalty.id,
        type="commitment",
        value=Decimal(value),
        description="Penalización permanencia 12 MESES",
        mandatory=True,
        confirmed=confirmed,
    )
    session.add(line)
    session.flush()
    return line
