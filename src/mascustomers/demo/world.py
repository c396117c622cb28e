"""The demo org as the working examples see it: its customers by role, found again by document.

One ``DemoWorld`` per OpenAPI document served; every lookup is cached for its lifetime, so
an example naming a customer's line and another naming the same customer's account share
one read of each.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy.orm import Session

from mascustomers.demo import repository
from mascustomers.demo.customers import PEOPLE, Person, Role
from mascustomers.inventory.states import YOIGO_HOST_CFG
from mascustomers.kit.identity_documents import make_nif
from mascustomers.models import Account, Customer, Org, Sell, Subscription, WorkOrder
from mascustomers.scheduler import clocks
from mascustomers.subscriptions.states import SubscriptionType

# The working examples that take a card or a number from stock, each its own.
SPARE_ICCIDS = ("signup", "added line", "sim replacement")
SPARE_NUMBERS = ("signup", "added line")
# New customers' NIFs are looked for from here (the demo's own are below it).
NEW_CUSTOMER_NUMBERS = range(70_000_000, 70_000_200)


@dataclass(frozen=True)
class Party:
    """A demo customer with its first account, that account's lines and orders."""

    person: Person
    customer: Customer
    account: Account | None
    lines: tuple[Subscription, ...]
    work_orders: tuple[WorkOrder, ...]
    sells: tuple[Sell, ...]

    def line(self, keep: Callable[[Subscription], bool]) -> Subscription | None:
        return next((line for line in self.lines if keep(line)), None)

    def mobile_line(self, slot: str | None = None) -> Subscription | None:
        return self.line(
            lambda s: (
                SubscriptionType(s.type_id).is_mobile
                and (slot is None or s.mobile_line_type == slot)
            )
        )

    def line_of_type(self, kind: SubscriptionType) -> Subscription | None:
        return self.line(lambda s: s.type_id == kind)


class DemoWorld:
    def __init__(self, session: Session, org: Org) -> None:
        self.session = session
        self.org = org
        self._parties: dict[Role, Party | None] = {}

    @cached_property
    def now(self) -> datetime:
        """The org's time (its test clock when it has one)."""
        return clocks.org_now(self.session, org_id=self.org.id)

    def party(self, role: Role) -> Party | None:
        if role not in self._parties:
            self._parties[role] = self._find(role)
        return self._parties[role]

    def _find(self, role: Role) -> Party | None:
        person = PEOPLE[role]
        customer = repository.customer_by_document(
            self.session, org_id=self.org.id, document=person.document
        )
        if customer is None:
            return None
        accounts = repository.accounts_of(self.session, customer_id=customer.id)
        account = accounts[0] if accounts else None
        lines = repository.lines_of(self.session, account_id=account.id) if account else ()
        orders = repository.work_orders_of(self.session, account_id=account.id) if account else ()
        return Party(
            person=person,
            customer=customer,
            account=account,
            lines=tuple(lines),
            work_orders=tuple(orders),
            sells=tuple(repository.sells_of(self.session, customer_id=customer.id)),
        )

    @cached_property
    def _spare_iccids(self) -> dict[str, str]:
        found = repository.last_free_iccids(
            self.session, org_id=self.org.id, limit=len(SPARE_ICCIDS)
        )
        return dict(zip(SPARE_ICCIDS, found, strict=False))

    @cached_property
    def _spare_numbers(self) -> dict[str, str]:
        found = repository.last_free_numbers(
            self.session, org_id=self.org.id, host_cfg_id=YOIGO_HOST_CFG, limit=len(SPARE_NUMBERS)
        )
        return dict(zip(SPARE_NUMBERS, found, strict=False))

    def spare_iccid(self, use: str) -> str | None:
        """A card in stock that no other working example names."""
        return self._spare_iccids.get(use)

    def spare_number(self, use: str) -> str | None:
        """A free number of the pool that no other working example names."""
        return self._spare_numbers.get(use)

    @cached_property
    def new_customer_number(self) -> int | None:
        """The first of ``NEW_CUSTOMER_NUMBERS`` whose NIF no customer of the org has."""
        for number in NEW_CUSTOMER_NUMBERS:
            found = repository.customer_by_document(
                self.session, org_id=self.org.id, document=make_nif(number)
            )
            if found is None:
                return number
        return None
