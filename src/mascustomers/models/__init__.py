"""All models, imported so that ``Base.metadata`` is complete."""

from mascustomers.models.account import Account, AccountBundle, AccountTax, Contract
from mascustomers.models.api_key import ApiKey
from mascustomers.models.billing import Invoice, InvoiceLine, OrgSequence
from mascustomers.models.catalogue import (
    CatalogueBonus,
    CatalogueBundle,
    CatalogueDevice,
    CatalogueProduct,
    CataloguePromotion,
    CatalogueService,
    CatalogueTaxRule,
    OrgCatalogue,
)
from mascustomers.models.commercial import AppliedPromotion, Commitment, SubscriptionTerminal
from mascustomers.models.customer import Customer, User
from mascustomers.models.event import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from mascustomers.models.inventory import Msisdn, SimCard
from mascustomers.models.invoicing import BillingRecord, BillingRecordSubmission, InvoiceIssuer
from mascustomers.models.order import Sell, WorkOrder, WorkOrderStatusChange, WorkOrderSubscription
from mascustomers.models.org import Org
from mascustomers.models.penalty import ComputedPenalty, PenaltyLine
from mascustomers.models.scheduling import IdempotentRequest, OrgClock, ScheduledOperation
from mascustomers.models.staff import StaffSession, StaffUser
from mascustomers.models.subscription import (
    Recharge,
    Subscription,
    SubscriptionBlock,
    SubscriptionBonus,
    SubscriptionProduct,
    SubscriptionService,
    SubscriptionServiceChange,
    SubscriptionStatusChange,
)

__all__ = [
    "Account",
    "AccountBundle",
    "AccountTax",
    "ApiKey",
    "AppliedPromotion",
    "BillingRecord",
    "BillingRecordSubmission",
    "CatalogueBonus",
    "CatalogueBundle",
    "CatalogueDevice",
    "CatalogueProduct",
    "CataloguePromotion",
    "CatalogueService",
    "CatalogueTaxRule",
    "Commitment",
    "ComputedPenalty",
    "Contract",
    "Customer",
    "Event",
    "IdempotentRequest",
    "Invoice",
    "InvoiceIssuer",
    "InvoiceLine",
    "Msisdn",
    "Org",
    "OrgCatalogue",
    "OrgClock",
    "OrgSequence",
    "PenaltyLine",
    "Recharge",
    "ScheduledOperation",
    "Sell",
    "SimCard",
    "StaffSession",
    "StaffUser",
    "Subscription",
    "SubscriptionBlock",
    "SubscriptionBonus",
    "SubscriptionProduct",
    "SubscriptionService",
    "SubscriptionServiceChange",
    "SubscriptionStatusChange",
    "SubscriptionTerminal",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WorkOrder",
    "WorkOrderStatusChange",
    "WorkOrderSubscription",
]
