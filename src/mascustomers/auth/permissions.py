"""API-key permissions: the reference's permissions table plus consumption, operations and
events."""

from enum import StrEnum


class Permission(StrEnum):
    SIGNUPS = "signups"
    USERS = "users"
    ACCOUNTS = "accounts"
    INVOICES = "invoices"
    TERMS = "terms"
    PAYMENT_INFO = "payment_info"
    ACCOUNT_MIGRATIONS = "account_migrations"
    SUBSCRIPTIONS = "subscriptions"
    PRODUCTS = "products"
    SERVICES = "services"
    BONUSES = "bonuses"
    PROMOTIONS = "promotions"
    BARRINGS = "barrings"
    WORKORDERS = "workorders"
    PENALTIES = "penalties"
    CONSUMPTION = "consumption"
    OPERATIONS = "operations"
    EVENTS = "events"


# The reference's operation tags name the permission each operation needs.
PERMISSION_BY_TAG: dict[str, Permission] = {
    "Signups": Permission.SIGNUPS,
    "Users": Permission.USERS,
    "Accounts": Permission.ACCOUNTS,
    "Invoices": Permission.INVOICES,
    "Terms": Permission.TERMS,
    "Payment info": Permission.PAYMENT_INFO,
    "Account migrations": Permission.ACCOUNT_MIGRATIONS,
    "Subscriptions": Permission.SUBSCRIPTIONS,
    "Products": Permission.PRODUCTS,
    "Services": Permission.SERVICES,
    "Bonuses": Permission.BONUSES,
    "Promotions": Permission.PROMOTIONS,
    "Barrings": Permission.BARRINGS,
    "Workorders": Permission.WORKORDERS,
    "Penalties": Permission.PENALTIES,
    "Consumption": Permission.CONSUMPTION,
}


def parse_permissions(text: str) -> frozenset[Permission]:
    """Parse a comma/space separated list; ``all`` means every permission."""
    names = {part.strip().lower() for part in text.replace(",", " ").split() if part.strip()}
    if "all" in names:
        return frozenset(Permission)
    unknown = sorted(names - {p.value for p in Permission})
    if unknown:
        raise ValueError(f"unknown permissions: {', '.join(unknown)}")
    return frozenset(Permission(name) for name in names)
