"""Storing a convergent bundle: fixed access, main and additional mobile lines, TV and OTT."""

from typing import Any

from mascustomers.accounts import service as accounts_service
from mascustomers.accounts.errors import BundleDoesNotAllow
from mascustomers.catalog import service as catalog_service
from mascustomers.models import CatalogueBundle, Subscription
from mascustomers.signups.context import OrderContext, PendingFixedNumber
from mascustomers.signups.lines import add_bonuses, add_promotions, record, store_mobile_line
from mascustomers.signups.schemas import BundleOrder, Landline, Ott, Tv
from mascustomers.subscriptions import service as subscriptions_service
from mascustomers.subscriptions.service import NewLine
from mascustomers.subscriptions.states import Origin, SubscriptionStatus, SubscriptionType


def allowed(bundle: CatalogueBundle, component: str) -> list[int]:
    return [int(i) for i in bundle.components.get(component, [])]


def check_component(bundle: CatalogueBundle, component: str, product_id: int, field: str) -> None:
    if product_id not in allowed(bundle, component):
        raise BundleDoesNotAllow(
            f"{field}: product {product_id} is not a {component} product "
            f"of bundle {bundle.bundle_id}"
        )


def store_bundle(ctx: OrderContext, order: BundleOrder, *, field: str) -> None:
    """Every component of the bundle order, checked against the catalogue bundle."""
    bundle = catalog_service.bundle(
        ctx.session, org_id=ctx.org_id, bundle_id=order.bundle_id, field=f"{field}.bundle_id"
    )
    installation = (
        order.installation_info.model_dump(mode="json") if order.installation_info else None
    )
    ctx.account_bundle = accounts_service.open_bundle(
        ctx.uow,
        account=ctx.account,
        bundle_id=bundle.bundle_id,
        territory_owner=order.territory_owner,
        installation=installation,
        status_id=SubscriptionStatus.PENDIENTE_RIESGO
        if ctx.held
        else SubscriptionStatus.PENDIENTE_INSTALACION,
        now=ctx.now,
    )
    fixed_number = _store_fixed_access(ctx, bundle, order, field=field)
    max_additional = int(bundle.components.get("max_additional_lines", 0))
    if len(order.mobile_lines) - 1 > max_additional:
        raise BundleDoesNotAllow(
            f"{field}.mobile_lines: bundle {bundle.bundle_id} allows one main line and "
            f"{max_additional} additional lines"
        )
    for index, line in enumerate(order.mobile_lines):
        line_field = f"{field}.mobile_lines[{index}]"
        component = "main_mobile" if index == 0 else "additional_mobile"
        check_component(bundle, component, line.product_id, f"{line_field}.product_id")
        store_mobile_line(
            ctx, line, field=line_field, mobile_line_type="main" if index == 0 else "additional"
        )
    if order.tv is not None:
        store_tv(ctx, bundle, order.tv, fixed_number, field=f"{field}.tv")
    for index, ott in enumerate(order.ott):
        _store_ott(ctx, bundle, ott, field=f"{field}.ott[{index}]")
    add_promotions(
        ctx, None, list(order.promotions), levels=("bundle", "account"), field=f"{field}.promotions"
    )
    ctx.add_contract(
        signature_config="CONVERGENTE",
        signature_type=ctx.sale.signature_type,
        process_id=ctx.sale.signature_process_id,
        account_bundle_id=ctx.account_bundle.id,
    )


def _fixed_status(ctx: OrderContext) -> SubscriptionStatus:
    return (
        SubscriptionStatus.PENDIENTE_RIESGO
        if ctx.held
        else SubscriptionStatus.PENDIENTE_INSTALACION
    )


def _store_fixed_access(
    ctx: OrderContext, bundle: CatalogueBundle, order: BundleOrder, *, field: str
) -> str | None:
    """The landline, then the fibre or ADSL access that carries its number; the number (None
    while it is to be taken when the order finishes)."""
    fixed_number: str | None = None
    if order.landline is not None:
        fixed_number = _store_landline(ctx, bundle, order.landline, field=f"{field}.landline")
    for name, access, kind in (
        ("ftth", order.ftth, SubscriptionType.FTTH),
        ("adsl", order.adsl, SubscriptionType.ADSL),
    ):
        if access is None:
            continue
        check_component(bundle, "fixed", access.product_id, f"{field}.{name}.product_id")
        product = catalog_service.product(
            ctx.session,
            org_id=ctx.org_id,
            product_id=access.product_id,
            field=f"{field}.{name}.product_id",
        )
        subscription = _store_simple(
            ctx,
            kind,
            product.product_id,
            tuple(product.service_ids),
            associated_number=fixed_number,
            details=access.model_dump(mode="json", exclude={"promotions"}),
        )
        _hold_fixed_number(ctx, subscription, "associated_number")
        add_promotions(
            ctx,
            subscription,
            access.promotions,
            levels=("subscription",),
            field=f"{field}.{name}.promotions",
        )
        record(ctx, subscription, fixed_number=fixed_number)
        _hold_fixed_number(ctx, ctx.created[-1], "fixed_number")
        _hold_fixed_number(ctx, ctx.created[-1], "associated_number")
    return fixed_number


def _store_landline(
    ctx: OrderContext, bundle: CatalogueBundle, landline: Landline, *, field: str
) -> str | None:
    """The landline with its number: ported or asked for, else taken when the order finishes
    (so its counter is locked only until commit)."""
    check_component(bundle, "fixed", landline.product_id, f"{field}.product_id")
    product = catalog_service.product(
        ctx.session, org_id=ctx.org_id, product_id=landline.product_id, field=f"{field}.product_id"
    )
    ported = landline.portability_info is not None
    fixed_number = landline.number
    if fixed_number is None:
        ctx.fixed_number = PendingFixedNumber(state_id=ctx.account.state_id)
    details: dict[str, Any] | None = (
        {"portability": landline.portability_info.model_dump(mode="json")}
        if landline.portability_info
        else None
    )
    subscription = _store_simple(
        ctx,
        SubscriptionType.LANDLINE,
        product.product_id,
        tuple(product.service_ids),
        identification_nr=fixed_number,
        origin=Origin.PORTABILIDAD if ported else Origin.NUEVA,
        details=details,
    )
    _hold_fixed_number(ctx, subscription, "identification_nr")
    add_bonuses(ctx, subscription, [b.id for b in landline.bonuses], field=f"{field}.bonuses")
    add_promotions(
        ctx,
        subscription,
        landline.promotions,
        levels=("subscription",),
        field=f"{field}.promotions",
    )
    record(ctx, subscription, fixed_number=fixed_number)
    _hold_fixed_number(ctx, ctx.created[-1], "fixed_number")
    return fixed_number


def _hold_fixed_number(ctx: OrderContext, holder: object, attribute: str) -> None:
    """``holder.attribute`` shows the landline number still to be taken, if it is pending."""
    if ctx.fixed_number is not None:
        ctx.fixed_number.holders.append((holder, attribute))


def store_tv(
    ctx: OrderContext, bundle: CatalogueBundle, tv: Tv, fixed_number: str | None, *, field: str
) -> None:
    check_component(bundle, "tv", tv.product_id, f"{field}.product_id")
    product = catalog_service.product(
        ctx.session, org_id=ctx.org_id, product_id=tv.product_id, field=f"{field}.product_id"
    )
    subscription = _store_simple(
        ctx,
        SubscriptionType.TV,
        product.product_id,
        tuple(product.service_ids),
        associated_number=tv.number_associated or fixed_number,
        registration_email=tv.registration_email or ctx.owner.email,
        details=tv.model_dump(mode="json", exclude={"promotions", "registration_email"}),
    )
    if tv.number_associated is None:
        _hold_fixed_number(ctx, subscription, "associated_number")
    add_promotions(
        ctx, subscription, tv.promotions, levels=("subscription",), field=f"{field}.promotions"
    )
    record(ctx, subscription)
    if tv.number_associated is None:
        _hold_fixed_number(ctx, ctx.created[-1], "associated_number")


def _store_ott(ctx: OrderContext, bundle: CatalogueBundle, ott: Ott, *, field: str) -> None:
    check_component(bundle, "ott", ott.product_id, f"{field}.product_id")
    product = catalog_service.product(
        ctx.session, org_id=ctx.org_id, product_id=ott.product_id, field=f"{field}.product_id"
    )
    kind = SubscriptionType(product.subscription_type_id)
    subscription = _store_simple(
        ctx,
        kind,
        product.product_id,
        tuple(product.service_ids),
        registration_email=ott.email or ctx.owner.email,
        status=SubscriptionStatus.PENDIENTE_RIESGO if ctx.held else SubscriptionStatus.ACTIVO,
    )
    add_promotions(
        ctx, subscription, ott.promotions, levels=("subscription",), field=f"{field}.promotions"
    )
    record(ctx, subscription)


def _store_simple(
    ctx: OrderContext,
    kind: SubscriptionType,
    product_id: int,
    service_ids: tuple[int, ...],
    *,
    identification_nr: str | None = None,
    associated_number: str | None = None,
    registration_email: str | None = None,
    origin: Origin = Origin.NUEVA,
    status: SubscriptionStatus | None = None,
    details: dict[str, Any] | None = None,
) -> Subscription:
    return subscriptions_service.create(
        ctx.uow,
        org_id=ctx.org_id,
        account_id=ctx.account.id,
        account_bundle_id=ctx.account_bundle.id if ctx.account_bundle else None,
        sell_id=ctx.sell.id,
        line=NewLine(
            type=kind,
            product_id=product_id,
            status=status or _fixed_status(ctx),
            origin=origin,
            user_id=ctx.owner.id,
            identification_nr=identification_nr,
            associated_number=associated_number,
            registration_email=registration_email,
            service_ids=service_ids,
            details=details,
        ),
        dealer_id=ctx.sale.dealer_id,
        shop_id=ctx.sale.shop_id,
        actor=ctx.actor,
        now=ctx.now,
    )
