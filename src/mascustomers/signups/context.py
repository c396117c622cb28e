"""The state one selling operation carries while it stores its lines."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.service import ContractTerms
from mascustomers.auth.caller import Caller
from mascustomers.db import at_commit
from mascustomers.db.pipelining import pipelined
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.inventory import service as inventory_service
from mascustomers.models import (
    Account,
    AccountBundle,
    Contract,
    Customer,
    Sell,
    Subscription,
    User,
)
from mascustomers.signups.schemas import SubscriptionInfo


@dataclass
class PendingFixedNumber:
    """A new landline number, taken when the order finishes (see ``number_fixed_line``).

    ``holders`` are the (object, attribute) pairs that show it: the landline's
    ``identification_nr``, the access and TV ``associated_number``, the answer's lines.
    """

    state_id: int
    holders: list[tuple[object, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SaleTerms:
    """What the channel's ``sales_info`` says about every line of the order."""

    dealer_id: str | None = None
    shop_id: str | None = None
    signature_type: str | None = None
    signature_process_id: int | None = None

    @classmethod
    def of(cls, sales: Any) -> "SaleTerms":
        return cls(
            dealer_id=getattr(sales, "dealer_id", None),
            shop_id=getattr(sales, "shop_id", None),
            signature_type=getattr(sales, "signature_type", None),
            signature_process_id=getattr(sales, "signature_process_id", None),
        )


@dataclass
class OrderContext:
    """One selling operation while it stores its lines: who sells to whom, and what it built.

    Its rows are written through ``uow`` (``db.unit_of_work``): gathered, and written by
    ``write`` and ``finish``.
    """

    uow: UnitOfWork
    caller: Caller
    held: bool
    billing_type_id: int
    customer: Customer
    owner: User
    account: Account
    sell: Sell
    sale: SaleTerms
    account_bundle: AccountBundle | None = None
    line_users: dict[str, User] = field(default_factory=dict)
    # The answer's lines, and the lines themselves.
    created: list[SubscriptionInfo] = field(default_factory=list)
    lines: list[Subscription] = field(default_factory=list)
    # Contract documents, named after the account number: built when the order finishes.
    contracts: list[ContractTerms] = field(default_factory=list)
    fixed_number: PendingFixedNumber | None = None
    # Catalogue rows loaded up front: the session's identity map only holds them weakly.
    catalogue: list[object] = field(default_factory=list)
    # (number, line id) and (ICCID, line id) to bind once the lines are written.
    line_numbers: list[tuple[str, int]] = field(default_factory=list)
    line_sims: list[tuple[str, int]] = field(default_factory=list)

    @property
    def session(self) -> Session:
        return self.uow.session

    @property
    def org_id(self) -> int:
        return self.caller.org_id

    @property
    def tz(self) -> str:
        """The org's time zone: the order's dates (bonus ends, scheduled operations) are its."""
        return self.caller.tz

    @property
    def actor(self) -> str:
        return self.caller.actor

    @property
    def now(self) -> datetime:
        return self.caller.now

    @property
    def today(self) -> date:
        return self.caller.today

    @property
    def subscription_ids(self) -> list[int]:
        return [line.id for line in self.lines]

    def user_for(self, msisdn: str | None) -> User:
        return self.line_users.get(msisdn or "", self.owner)

    def add_contract(self, **terms: Any) -> None:
        """A contract document of this order (``accounts_service.ContractTerms``)."""
        self.contracts.append(ContractTerms(**terms))

    def number_fixed_line(self, sequence: int | None) -> None:
        """Number the pending landline (geographic: 8, province, ``sequence``: the value the
        caller took from the org's ``fixed_number`` counter)."""
        pending, self.fixed_number = self.fixed_number, None
        if pending is None:
            return
        assert sequence is not None, "advance the fixed_number counter first"
        number = f"8{pending.state_id:02d}{sequence:06d}"
        # The written lines that show it are updated at once, in one statement.
        lines: dict[Subscription, set[str]] = {}
        for holder, attribute in pending.holders:
            if isinstance(holder, Subscription) and inspect(holder).persistent:
                lines.setdefault(holder, set()).add(attribute)
            else:
                setattr(holder, attribute, number)
        shown = sorted({attribute for attributes in lines.values() for attribute in attributes})
        self.uow.update(
            [
                (line, {a: number if a in attributes else getattr(line, a) for a in shown})
                for line, attributes in lines.items()
            ],
        )

    def write(self) -> None:
        """Write what the order built so far, then bind its numbers and SIM cards to its
        lines."""
        with pipelined(self.session):
            self.uow.write()
            numbers, self.line_numbers = self.line_numbers, []
            sims, self.line_sims = self.line_sims, []
            inventory_service.bind_to_lines(
                self.session, org_id=self.org_id, numbers=numbers, sims=sims
            )

    def finish(self) -> None:
        """Write the contracts (their file names show the account number, which may be a
        stand-in replaced at commit: ``db.at_commit``) and everything else still pending."""
        for terms in self.contracts:
            self.uow.append(
                Contract,
                **accounts_service.contract_values(account=self.account, terms=terms, now=self.now),
            )
        written, self.contracts = bool(self.contracts), []
        self.write()
        if written:
            at_commit.fix_rows(
                self.session,
                table="contract",
                where="account_id = %(account)s",
                params={"account": self.account.id},
                columns=["pdf_file_name"],
            )
