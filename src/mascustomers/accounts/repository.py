"""All SQL about accounts, their tax history, bundles and contracts."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from mascustomers.models import Account, AccountBundle, AccountTax


def get_account(session: Session, *, org_id: int, account_id: int) -> Account | None:
    account = session.get(Account, account_id)
    return account if account is not None and account.org_id == org_id else None


def current_bundle(session: Session, *, account_id: int) -> AccountBundle | None:
    return session.scalars(
        select(AccountBundle)
        .where(AccountBundle.account_id == account_id, AccountBundle.ended_at.is_(None))
        .order_by(AccountBundle.id.desc())
        .limit(1)
    ).first()


def current_tax(session: Session, *, account_id: int) -> AccountTax | None:
    return session.scalars(
        select(AccountTax).where(AccountTax.account_id == account_id, AccountTax.end_at.is_(None))
    ).first()
