"""The state one selling operation carries while it stores its lines."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from mascustomers.accounts import service as accounts_service
from mascustomers.catalog import inventory_service
from mascustomers.db.base import Base
from mascustomers.db.loaded_rows import insert_pending, update_loaded
from mascustomers.db.row_buffer import RowBuffer
from mascustomers.kit.clock import DEFAULT_TIMEZONE
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
from mascustomers.subscriptions import service as subscriptions_service


@dataclass
class PendingFixedNumber:
    """A new landline number, taken when the order finishes (see ``number_fixed_line``).

    ``holders`` are the (object, attribute) pairs that show it: the landline's
    ``identification_nr``, the access and TV ``associated_number``, the answer's lines.
    """

    state_id: int
    holders: list[tuple[object, str]] = field(default_factory=list)


@dataclass
class OrderContext:
    session: Session
    org_id: int
    actor: str
    now: datetime
    today: date
    held: bool
    billing_type_id: int
    customer: Customer
    owner: User
    account: Account
    sell: Sell
    dealer_id: str | None
    shop_id: str | None
    signature_type: str | None = None
    signature_process_id: int | None = None
    account_bundle: AccountBundle | None = None
    # The org's time zone: dates of the order (bonus ends, scheduled operations) are taken there.
    tz: str = DEFAULT_TIMEZONE
    line_users: dict[str, User] = field(default_factory=dict)
    created: list[SubscriptionInfo] = field(default_factory=list)
    subscription_ids: list[int] = field(default_factory=list)
    lines: list[Subscription] = field(default_factory=list)
    # Append-only rows of the order, written together (one INSERT per table).
    rows: RowBuffer = field(default_factory=RowBuffer)
    # Contract documents, named after the account number: built when the order finishes.
    contracts: list[dict[str, Any]] = field(default_factory=list)
    fixed_number: PendingFixedNumber | None = None
    # Catalogue rows loaded up front: the session's identity map only holds them weakly.
    catalogue: list[object] = field(default_factory=list)
    # Ids reserved for the order's new rows, by model (``db.ids``); none: rows are flushed.
    reserved: dict[type[Base], list[int]] = field(default_factory=dict)
    # (number, line id) and (ICCID, line id) to bind once the lines are written.
    line_numbers: list[tuple[str, int]] = field(default_factory=list)
    line_sims: list[tuple[str, int]] = field(default_factory=list)

    def user_for(self, msisdn: str | None) -> User:
        return self.line_users.get(msisdn or "", self.owner)

    def add_contract(self, **terms: Any) -> None:
        """A contract document of this order (``accounts_service.contract_values`` terms)."""
        self.contracts.append(terms)

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
        update_loaded(
            self.session,
            [
                (line, {a: number if a in attributes else getattr(line, a) for a in shown})
                for line, attributes in lines.items()
            ],
        )

    def name_contracts(self) -> None:
        """The lines' contract documents, set together: one batched UPDATE at the next flush
        (lines written with a reserved id were named when built)."""
        for line in self.lines:
            if line.contract_filename is None:
                subscriptions_service.name_contract(line)

    def reserved_id(self, model: type[Base]) -> int | None:
        """The next id reserved for ``model``, or None when the order reserved none."""
        ids = self.reserved.get(model)
        if ids is None:
            return None
        # Running out means the order built more rows than it counted: a bug, not a request
        # error (a flushed row would take the id of a pending one on SQLite).
        assert ids, f"no reserved {model.__name__} id left"
        return ids.pop(0)

    def write(self) -> None:
        """Write what the order built so far: its pending lines and terminals, then the
        numbers and SIM cards bound to them and every gathered row."""
        # New lines (reserved ids) in one INSERT; the flush then writes only what changed.
        insert_pending(self.session, self.lines)
        self.session.flush()
        numbers, self.line_numbers = self.line_numbers, []
        sims, self.line_sims = self.line_sims, []
        inventory_service.bind_to_lines(
            self.session, org_id=self.org_id, numbers=numbers, sims=sims
        )
        self.rows.write(self.session)

    def finish(self) -> None:
        """Write the contracts and everything else still pending."""
        for terms in self.contracts:
            self.rows.add(
                Contract,
                **accounts_service.contract_values(account=self.account, now=self.now, **terms),
            )
        self.contracts.clear()
        self.write()
