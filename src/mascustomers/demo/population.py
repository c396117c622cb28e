"""A realistic, consistent customer base generated in bulk (``mascustomers demo --customers N``).

Rows are built in Python with ids assigned up front and written with Core executemany in
chunks, so a million customers do not mean a million HTTP calls. The generator must be the
only writer while it runs (it takes id ranges from the current maxima). It reads products and
bundles from the org's loaded catalogue, so any catalogue works.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from mascustomers.catalog.statuses import SubscriptionStatus, SubscriptionType
from mascustomers.kit.identity_documents import make_nif
from mascustomers.kit.line_numbers import iccid_with_check_digit
from mascustomers.models import (
    Account,
    AccountBundle,
    AccountTax,
    AppliedPromotion,
    CatalogueBundle,
    CatalogueDevice,
    CatalogueProduct,
    CataloguePromotion,
    Commitment,
    Customer,
    Msisdn,
    Recharge,
    Sell,
    SimCard,
    Subscription,
    SubscriptionBlock,
    SubscriptionProduct,
    SubscriptionService,
    SubscriptionStatusChange,
    SubscriptionTerminal,
    User,
    WorkOrder,
)
from mascustomers.sequences import advance_to, current_value

FIRST_NAMES = [
    "Lucía",
    "Hugo",
    "Martina",
    "Mateo",
    "Sofía",
    "Leo",
    "Julia",
    "Daniel",
    "Paula",
    "Álvaro",
]
LAST_NAMES = [
    "García",
    "Rodríguez",
    "González",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
]
STREETS = [
    "CALLE MAYOR",
    "AVENIDA DE LA CONSTITUCION",
    "CALLE REAL",
    "PASEO DEL PRADO",
    "CALLE NUEVA",
]
PROVINCES = [28, 8, 46, 41, 29, 48, 35, 38, 50, 15, 51, 52]
TAX = {35: ("IGIC", "7"), 38: ("IGIC", "7"), 51: ("IPSI", "10"), 52: ("IPSI", "4")}
NUMBER_BASE = 610_000_000
ICCID_BASE = 1_000_000_000_000
MODELS = (  # parents before children
    Customer,
    User,
    Account,
    AccountTax,
    AccountBundle,
    Sell,
    Subscription,
    SubscriptionStatusChange,
    SubscriptionProduct,
    SubscriptionService,
    Msisdn,
    SimCard,
    SubscriptionTerminal,
    AppliedPromotion,
    Commitment,
    SubscriptionBlock,
    Recharge,
    WorkOrder,
)


@dataclass
class Offer:
    """What the loaded catalogue lets the generator sell."""

    fibre_bundles: list[tuple[int, int, int, int | None]]  # bundle, fibre, main, additional
    postpaid: list[CatalogueProduct]
    prepaid: list[CatalogueProduct]
    bundle_promotion: CataloguePromotion | None
    devices: list[CatalogueDevice]


@dataclass
class Batch:
    """Rows of one chunk, per table, and the id counters shared by all chunks."""

    next_ids: dict[str, int]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, model: Any, **values: Any) -> int:
        table = model.__tablename__
        new_id = self.next_ids[table]
        self.next_ids[table] = new_id + 1
        self.rows.setdefault(table, []).append({"id": new_id, **values})
        return new_id

    def add_keyless(self, model: Any, **values: Any) -> None:
        self.rows.setdefault(model.__tablename__, []).append(values)


def load_offer(session: Session, org_id: int) -> Offer:
    products = {
        p.product_id: p
        for p in session.scalars(select(CatalogueProduct).where(CatalogueProduct.org_id == org_id))
    }
    bundles = []
    for bundle in session.scalars(select(CatalogueBundle).where(CatalogueBundle.org_id == org_id)):
        c = bundle.components
        fibre = [
            p
            for p in c.get("fixed", [])
            if products[p].subscription_type_id == SubscriptionType.FTTH
        ]
        if fibre and c.get("main_mobile"):
            extra = c.get("additional_mobile") or [None]
            bundles.append((bundle.bundle_id, fibre[0], c["main_mobile"][0], extra[0]))
    standalone = [p for p in products.values() if not p.bundle_only]
    promotion = session.scalars(
        select(CataloguePromotion).where(
            CataloguePromotion.org_id == org_id, CataloguePromotion.level == "bundle"
        )
    ).first()
    return Offer(
        fibre_bundles=bundles,
        postpaid=[
            p for p in standalone if p.subscription_type_id == SubscriptionType.POSTPAID_MOBILE
        ],
        prepaid=[
            p for p in standalone if p.subscription_type_id == SubscriptionType.PREPAID_MOBILE
        ],
        bundle_promotion=promotion,
        devices=list(
            session.scalars(select(CatalogueDevice).where(CatalogueDevice.org_id == org_id))
        ),
    )


def _start_ids(session: Session) -> dict[str, int]:
    return {
        m.__tablename__: int(session.scalar(select(func.coalesce(func.max(m.id), 0))) or 0) + 1
        for m in MODELS
    }


class Generator:
    def __init__(self, session: Session, *, org_id: int, seed: int, now: datetime) -> None:
        self.session = session
        self.org_id = org_id
        self.random = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
        self.now = now
        self.offer = load_offer(session, org_id)
        if not (self.offer.fibre_bundles and self.offer.postpaid and self.offer.prepaid):
            raise ValueError(
                "the org's catalogue needs fibre bundles, postpaid and prepaid tariffs"
            )
        self.services = {
            p.product_id: p.service_ids for p in self.offer.postpaid + self.offer.prepaid
        }
        self.ids = _start_ids(session)
        self.line_serial = current_value(session, org_id=org_id, name="demo_line")
        self.account_serial = current_value(session, org_id=org_id, name="account_number")

    def run(
        self, customers: int, *, chunk: int = 2000, progress: Callable[[int], None] = lambda _: None
    ) -> None:
        done = 0
        while done < customers:
            size = min(chunk, customers - done)
            batch = Batch(self.ids)
            for _ in range(size):
                self._customer(batch)
            self._write(batch)
            done += size
            progress(size)
        self._advance_sequences()

    def _write(self, batch: Batch) -> None:
        tables: dict[str, Table] = {m.__tablename__: m.__table__ for m in MODELS}  # type: ignore[misc]
        for model in MODELS:  # parents before children
            rows = batch.rows.get(model.__tablename__)
            if rows:
                self.session.execute(insert(tables[model.__tablename__]), rows)
        self.session.commit()

    def _advance_sequences(self) -> None:
        for name, value in (
            ("demo_line", self.line_serial),
            ("account_number", self.account_serial),
        ):
            advance_to(self.session, org_id=self.org_id, name=name, value=value)
        if self.session.get_bind().dialect.name == "postgresql":
            for model in MODELS:
                table = model.__tablename__
                self.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                        f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                    )
                )
        self.session.commit()

    def _customer(self, b: Batch) -> None:
        r = self.random
        since = self.now - timedelta(days=r.randint(30, 1500))
        state = r.choice(PROVINCES)
        customer_id, user_id = self._person(b, since=since, state=state)
        kind = r.random()
        prepaid = kind >= 0.75
        context = self._account(
            b, customer_id=customer_id, user_id=user_id, state=state, since=since, prepaid=prepaid
        )
        if kind < 0.40:
            self._convergent(b, context)
        elif prepaid:
            self._prepaid(b, context)
        else:
            self._line(
                b,
                context,
                product_id=r.choice(self.offer.postpaid).product_id,
                kind=SubscriptionType.POSTPAID_MOBILE,
                bundle=None,
                line_type=None,
            )

    def _person(self, b: Batch, *, since: datetime, state: int) -> tuple[int, int]:
        """A new customer and its owner user: their ids."""
        r = self.random
        customer_id = b.next_ids["customer"]
        b.add(
            Customer,
            org_id=self.org_id,
            uuid=str(uuid.UUID(int=r.getrandbits(128))),
            type_id=1,
            sector_id=1,
            document_type_id=1,
            document_value=make_nif(10_000_000 + customer_id),
            special_treatment_id=None,
            special_treatment_value=None,
            login_blocked=False,
            created_at=since,
        )
        user_id = b.add(
            User,
            org_id=self.org_id,
            customer_id=customer_id,
            role="owner",
            document_type_id=1,
            document_value=make_nif(10_000_000 + customer_id),
            first_name=r.choice(FIRST_NAMES),
            last_name=f"{r.choice(LAST_NAMES)} {r.choice(LAST_NAMES)}",
            gender=r.choice("MF"),
            email=f"cliente{customer_id}@example.es",
            phone=f"6{r.randint(10**7, 10**8 - 1)}",
            nationality_id=724,
            language_id=1,
            street_type_id=1,
            street_name=r.choice(STREETS),
            street_number=str(r.randint(1, 200)),
            state_id=state,
            locality="LOCALIDAD",
            postal_code=f"{state:02d}{r.randint(0, 999):03d}",
            created_at=since,
        )
        return customer_id, user_id

    def _account(
        self,
        b: Batch,
        *,
        customer_id: int,
        user_id: int,
        state: int,
        since: datetime,
        prepaid: bool,
    ) -> tuple[int, int, int, datetime]:
        """The customer's account with its tax, its signup sell and completed ALTA order."""
        self.account_serial += 1
        account_id = b.add(
            Account,
            org_id=self.org_id,
            customer_id=customer_id,
            owner_user_id=user_id,
            account_number=f"MM-{5_000_000 + self.account_serial:07d}",
            billing_type_id=2 if prepaid else 1,
            status_id=3,
            state_id=state,
            activated_at=since,
            payment_method="BANK_TRANSFER" if prepaid else "BANK_ACCOUNT",
            iban=None if prepaid else "ES9121000418450200051332",
            delivery_mode="email",
            created_at=since,
        )
        tax_name, rate = TAX.get(state, ("IVA", "21"))
        b.add(
            AccountTax,
            account_id=account_id,
            state_id=state,
            description=tax_name,
            tax_value=Decimal(rate),
            tax_terminal_value=Decimal(rate),
            start_at=since,
            end_at=None,
        )
        sell_id = self._signup_order(b, customer_id=customer_id, account_id=account_id, since=since)
        return (account_id, user_id, sell_id, since)

    def _signup_order(self, b: Batch, *, customer_id: int, account_id: int, since: datetime) -> int:
        """The account's signup sell and its completed ALTA work order: the sell's id."""
        sell_id = b.add(
            Sell,
            org_id=self.org_id,
            kind="SIGNUP",
            status="COMPLETED",
            risk_decision="a",
            customer_id=customer_id,
            account_id=account_id,
            channel="demo",
            request={},
            created_at=since,
            created_by="demo",
            decided_at=since,
        )
        b.add(
            WorkOrder,
            org_id=self.org_id,
            work_order_id=f"DEMO{sell_id:010d}",
            account_id=account_id,
            sell_id=sell_id,
            type_id=1,
            status_id=34,
            created_at=since,
        )
        return sell_id

    def _prepaid(self, b: Batch, context: tuple[int, int, int, datetime]) -> None:
        """A prepaid line with a few recharges."""
        r = self.random
        since = context[3]
        product = r.choice(self.offer.prepaid)
        line = self._line(
            b,
            context,
            product_id=product.product_id,
            kind=SubscriptionType.PREPAID_MOBILE,
            bundle=None,
            line_type=None,
        )
        for _ in range(r.randint(0, 4)):
            b.add(
                Recharge,
                org_id=self.org_id,
                subscription_id=line,
                amount=Decimal(r.choice(["5", "10", "15", "20"])),
                movement_type_id=1,
                origin_id=1,
                recharged_at=since + timedelta(days=r.randint(0, 28)),
            )

    def _convergent(self, b: Batch, context: tuple[int, int, int, datetime]) -> None:
        account_id, _, _, since = context
        bundle_id, fibre, main, additional = self.random.choice(self.offer.fibre_bundles)
        bundle = b.add(
            AccountBundle,
            org_id=self.org_id,
            account_id=account_id,
            bundle_id=bundle_id,
            territory_owner="MASMOVIL",
            installation=None,
            status_id=SubscriptionStatus.INSTALADO,
            created_at=since,
        )
        self._line(
            b, context, product_id=fibre, kind=SubscriptionType.FTTH, bundle=bundle, line_type=None
        )
        self._line(
            b,
            context,
            product_id=main,
            kind=SubscriptionType.POSTPAID_MOBILE,
            bundle=bundle,
            line_type="main",
        )
        if additional is not None:
            for _ in range(self.random.choice([0, 0, 1, 2])):
                self._line(
                    b,
                    context,
                    product_id=additional,
                    kind=SubscriptionType.POSTPAID_MOBILE,
                    bundle=bundle,
                    line_type="additional",
                )
        self._bundle_promotion(b, account_id=account_id, bundle=bundle, since=since)

    def _bundle_promotion(self, b: Batch, *, account_id: int, bundle: int, since: datetime) -> None:
        """Now and then, the catalogue's bundle promotion (and its commitment)."""
        promotion = self.offer.bundle_promotion
        if promotion is not None and self.random.random() < 0.3:
            applied = b.add(
                AppliedPromotion,
                org_id=self.org_id,
                promotion_id=promotion.promotion_id,
                level="bundle",
                account_id=account_id,
                account_bundle_id=bundle,
                subscription_id=None,
                value=None,
                start_at=since,
                end_at=None,
            )
            if promotion.commitment_months:
                self._commitment(
                    b,
                    account_id=account_id,
                    bundle=bundle,
                    line=None,
                    associated="promotion",
                    months=promotion.commitment_months,
                    penalty=promotion.penalty_amount or Decimal("0"),
                    start=since.date(),
                    applied_promotion_id=applied,
                    promotion_id=promotion.promotion_id,
                )

    def _line(
        self,
        b: Batch,
        context: tuple[int, int, int, datetime],
        *,
        product_id: int,
        kind: SubscriptionType,
        bundle: int | None,
        line_type: str | None,
    ) -> int:
        account_id, user_id, sell_id, since = context
        mobile = kind.is_mobile
        status = SubscriptionStatus.ACTIVO if mobile else SubscriptionStatus.INSTALADO
        number = iccid = imsi = None
        if mobile:
            self.line_serial += 1
            number = str(NUMBER_BASE + self.line_serial)
            iccid = iccid_with_check_digit(f"893404{ICCID_BASE + self.line_serial:013d}")
            imsi = f"21404{self.line_serial:010d}"
        line = b.add(
            Subscription,
            org_id=self.org_id,
            uuid=str(uuid.UUID(int=self.random.getrandbits(128))),
            account_id=account_id,
            account_bundle_id=bundle,
            sell_id=sell_id,
            type_id=kind,
            status_id=status,
            origin_id=1,
            mobile_line_type=line_type,
            identification_nr=number,
            iccid=iccid,
            imsi=imsi,
            user_id=user_id,
            expedition_user_id=user_id,
            product_id=product_id,
            dealer_id="DEMO",
            sell_at=since,
            activated_at=since,
            ended_at=None,
        )
        self._history(b, line, status=status, product_id=product_id, since=since)
        if mobile:
            self._inventory(b, line, number=number, iccid=iccid, imsi=imsi, since=since)
            self._extras(b, account_id=account_id, bundle=bundle, line=line, kind=kind, since=since)
        return line

    def _history(
        self, b: Batch, line: int, *, status: int, product_id: int, since: datetime
    ) -> None:
        """A line's first status, tariff period and services."""
        b.add(
            SubscriptionStatusChange,
            subscription_id=line,
            status_id=status,
            changed_at=since,
            modified_by="demo",
        )
        b.add(
            SubscriptionProduct,
            subscription_id=line,
            product_id=product_id,
            started_at=since,
            ended_at=None,
            reason="ALTA",
        )
        for service_id in self.services.get(product_id, []):
            b.add(
                SubscriptionService,
                subscription_id=line,
                service_id=service_id,
                active=True,
                modified_at=since,
            )

    def _inventory(
        self, b: Batch, line: int, *, number: Any, iccid: Any, imsi: Any, since: datetime
    ) -> None:
        b.add(
            Msisdn,
            org_id=self.org_id,
            msisdn=number,
            host_cfg_id=1,
            status="ASSIGNED",
            subscription_id=line,
            status_at=since,
        )
        b.add(
            SimCard,
            org_id=self.org_id,
            iccid=iccid,
            imsi=imsi,
            status_id=3,
            origin_id=1,
            fabrication_type_id=1,
            promotion_code=None,
            society_id="XFERA",
            initial_balance=Decimal("0"),
            subscription_id=line,
            created_at=since,
            last_status_at=since,
        )

    def _extras(
        self,
        b: Batch,
        *,
        account_id: int,
        bundle: int | None,
        line: int,
        kind: SubscriptionType,
        since: datetime,
    ) -> None:
        r = self.random
        if kind == SubscriptionType.POSTPAID_MOBILE and self.offer.devices and r.random() < 0.15:
            device = r.choice(self.offer.devices)
            monthly = (device.price / 24).quantize(Decimal("0.01"))
            terminal = b.add(
                SubscriptionTerminal,
                org_id=self.org_id,
                subscription_id=line,
                catalogue_id=device.catalogue_id,
                imei=None,
                serial_number=None,
                reservation_id=str(uuid.UUID(int=r.getrandbits(128))),
                status_id=3,
                request_type="captacion",
                price=device.price,
                upfront_fee=Decimal("0.00"),
                financed=True,
                financed_by="XFERA",
                monthly_fee=monthly,
                installments=24,
                last_installment_fee=device.price - monthly * 23,
                installments_billed=0,
                created_at=since,
            )
            self._commitment(
                b,
                account_id=account_id,
                bundle=bundle,
                line=line,
                associated="terminal",
                months=24,
                penalty=Decimal("150.00"),
                start=since.date(),
                subscription_terminal_id=terminal,
            )
        if r.random() < 0.01:
            b.add(
                SubscriptionBlock,
                subscription_id=line,
                block_id=r.choice([1, 2]),
                reason="A PETICION DE CLIENTE",
                start_at=since + timedelta(days=1),
                end_at=None,
                modified_by="demo",
            )

    def _commitment(
        self,
        b: Batch,
        *,
        account_id: int,
        bundle: int | None,
        line: int | None,
        associated: str,
        months: int,
        penalty: Decimal,
        start: date,
        **links: Any,
    ) -> None:
        b.add(
            Commitment,
            org_id=self.org_id,
            uuid=str(uuid.UUID(int=self.random.getrandbits(128))),
            account_id=account_id,
            account_bundle_id=bundle,
            subscription_id=line,
            associated_type=associated,
            months=months,
            start_date=start,
            end_date=start + relativedelta(months=months),
            penalty_amount=penalty,
            **{
                "applied_promotion_id": None,
                "promotion_id": None,
                "subscription_terminal_id": None,
                **links,
            },
        )


def populate(
    session: Session,
    *,
    org_id: int,
    customers: int,
    now: datetime,
    seed: int = 7,
    progress: Callable[[int], None] = lambda _: None,
) -> None:
    """Add ``customers`` generated customers to the org (the catalogue must be loaded)."""
    generator = Generator(session, org_id=org_id, seed=seed, now=now)
    generator.run(customers, progress=progress)
