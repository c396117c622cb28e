"""Accounts: opening one (number, payment method, tax province), bundles and contracts."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mascustomers.accounts import repository
from mascustomers.accounts.states import AccountStatus
from mascustomers.catalog import service as catalog_service
from mascustomers.db import at_commit
from mascustomers.db.unit_of_work import UnitOfWork
from mascustomers.models import Account, AccountBundle, AccountTax, CatalogueTaxRule, Contract
from mascustomers.sequences import NumberFormat


def open_account(
    uow: UnitOfWork,
    *,
    org_id: int,
    customer_id: int,
    owner_user_id: int,
    billing_type_id: int,
    state_id: int,
    tax_rule: CatalogueTaxRule,
    iban: str | None,
    swift_bic: str | None,
    card: dict[str, Any] | None,
    status: AccountStatus,
    now: datetime,
) -> Account:
    """A new account in province ``state_id``, with its first tax period under ``tax_rule``
    (the province's, else the org's default); ``number_account`` numbers it. The caller reads
    the rule (``catalog.service.tax_rule``) before it writes: a read among an order's writes
    would end their run (``db.pipelining``).

    Until then it carries a unique provisional number that no other transaction ever sees.
    """
    method = "BANK_ACCOUNT" if iban else ("CREDIT_CARD" if card else "BANK_TRANSFER")
    account = Account(
        org_id=org_id,
        customer_id=customer_id,
        owner_user_id=owner_user_id,
        account_number=f"#{uuid.uuid4().hex[:19]}",
        billing_type_id=billing_type_id,
        status_id=status,
        state_id=state_id,
        activated_at=now if status == AccountStatus.ACTIVO else None,
        payment_method=method,
        iban=iban,
        swift_bic=swift_bic,
        card_reference=card.get("transaction_id") if card else None,
        card_type_id=1 if card else None,
        card_masked_number=card["card_number"] if card else None,
        card_validity=card.get("expiry_date") if card else None,
        delivery_mode="email",
        created_at=now,
    )
    uow.insert(account)
    uow.append(
        AccountTax,
        account_id=account.id,
        state_id=state_id,
        description=tax_rule.tax_name,
        tax_value=tax_rule.tax_rate,
        tax_terminal_value=tax_rule.terminal_tax_rate,
        start_at=now,
        end_at=None,
    )
    return account


# ``MM-`` and 7 digits (``MM-5000001``) from the org's ``account_number`` counter.
ACCOUNT_NUMBER = NumberFormat("MM-", 7, offset=5_000_000)


def number_account(uow: UnitOfWork, *, account: Account, account_number: str) -> None:
    """Give a new, written account its number (``ACCOUNT_NUMBER`` of the org's
    ``account_number`` counter, taken by the caller — maybe a stand-in replaced at commit,
    ``sequences.numbers_at_commit``) and contract document path: written now, or with a
    stand-in's replacement as the order commits (``at_commit.write_objects``)."""
    values = {
        "account_number": account_number,
        "contract_path": f"/contracts/{account.org_id}/{account_number}",
        "contract_filename": f"{account_number}.pdf",
    }
    if not at_commit.write_objects(uow.session, [(account, values)]):
        uow.update([(account, values)])


def open_bundle(
    uow: UnitOfWork,
    *,
    account: Account,
    bundle_id: int,
    territory_owner: str | None,
    installation: dict[str, Any] | None,
    status_id: int,
    now: datetime,
) -> AccountBundle:
    account_bundle = AccountBundle(
        org_id=account.org_id,
        account_id=account.id,
        bundle_id=bundle_id,
        territory_owner=territory_owner,
        installation=installation,
        status_id=status_id,
        created_at=now,
    )
    uow.insert(account_bundle)
    return account_bundle


@dataclass(frozen=True)
class ContractTerms:
    """What one operation's contract document says: its kind (``signature_config``), how it is
    signed, and what it covers."""

    signature_config: str
    signature_type: str | None
    process_id: int | None
    account_bundle_id: int | None = None
    subscription_id: int | None = None
    subscription_terminal_id: int | None = None
    iccid: str | None = None


def add_contract(
    session: Session, *, account: Account, terms: ContractTerms, now: datetime
) -> Contract:
    """The contract document of one operation (what ``GET .../contracts`` lists)."""
    contract = Contract(**contract_values(account=account, terms=terms, now=now))
    session.add(contract)
    session.flush()
    return contract


def contract_values(*, account: Account, terms: ContractTerms, now: datetime) -> dict[str, Any]:
    """The columns of a contract document (its file is named after the account number)."""
    contract_id = str(uuid.uuid4())
    config = terms.signature_config
    return dict(
        org_id=account.org_id,
        account_id=account.id,
        signature_config=config,
        contract_id=contract_id,
        document_id=str(uuid.uuid4()),
        pdf_file_name=f"{config.lower()}_{account.account_number}_{contract_id[:8]}.pdf",
        process_id=str(terms.process_id) if terms.process_id is not None else None,
        signature_type=terms.signature_type,
        status="PENDIENTE FIRMA" if terms.signature_type == "DIGITAL" else "FIRMADO",
        account_bundle_id=terms.account_bundle_id,
        subscription_id=terms.subscription_id,
        subscription_terminal_id=terms.subscription_terminal_id,
        iccid=terms.iccid,
        created_at=now,
    )


def get_account(session: Session, *, org_id: int, account_id: int) -> Account | None:
    return repository.get_account(session, org_id=org_id, account_id=account_id)


def current_bundle(session: Session, *, account_id: int) -> AccountBundle | None:
    return repository.current_bundle(session, account_id=account_id)


def move_tax_province(
    session: Session, *, account: Account, state_id: int, now: datetime
) -> AccountTax:
    """The customer moved: close the current tax period and open one for the new province."""
    current = repository.open_tax_period(session, account_id=account.id)
    if current is not None:
        if current.state_id == state_id:
            return current
        current.end_at = now
    rule = catalog_service.tax_rule(session, org_id=account.org_id, state_id=state_id)
    opened = AccountTax(
        account_id=account.id,
        state_id=state_id,
        description=rule.tax_name,
        tax_value=rule.tax_rate,
        tax_terminal_value=rule.terminal_tax_rate,
        start_at=now,
    )
    session.add(opened)
    account.state_id = state_id
    session.flush()
    return opened
