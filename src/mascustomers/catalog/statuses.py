"""Named constants for the master-data ids the code branches on.

The ids and labels are data (``data/master_data.yaml``); these enums name the ones the rules
need, and ``tests/catalog/test_statuses.py`` checks that both say the same. ``label`` is the
value the API returns (``{"id": 82, "value": "PENDIENTE A DESACTIVAR"}``).

The reference fixes a few ids itself: subscription status 1 INSTALADO and 82 PENDIENTE A
DESACTIVAR, account status 3 ACTIVO, work-order status 32 PENDIENTE CREAR OT, work-order type
1 ALTA, billing type 1 POSPAGO, sector 1 RESIDENCIAL, customer type 1 PARTICULAR, invoice
status 2 PAGADO, subscription types 11 (device insurance), 12 (Netflix) and 13 (Apple Watch),
blocks 1 and 2. The others are this implementation's, stable once shipped.
"""

from enum import IntEnum, StrEnum


class MasterDataEnum(IntEnum):
    """An id of a master-data list; the label defaults to the name with spaces."""

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


class SubscriptionStatus(MasterDataEnum):
    INSTALADO = 1
    PENDIENTE_ALTA = 2
    ACTIVO = 3
    PENDIENTE_INSTALACION = 4
    PENDIENTE_RIESGO = 5
    CANCELADO = 6
    BAJA = 7
    # Unpaid invoices: traffic barred by the operator, the line is kept.
    SUSPENDIDO = 8
    # Theft or loss block asked for by the customer.
    BLOQUEADO = 9
    PENDIENTE_A_DESACTIVAR = 82

    @property
    def is_ended(self) -> bool:
        """The line is over: its number and SIM may serve another line."""
        return self in (SubscriptionStatus.CANCELADO, SubscriptionStatus.BAJA)

    @property
    def is_in_service(self) -> bool:
        return self in (SubscriptionStatus.ACTIVO, SubscriptionStatus.INSTALADO)


class AccountStatus(MasterDataEnum):
    PENDIENTE_ALTA = 2
    ACTIVO = 3
    PENDIENTE_RIESGO = 5
    CANCELADO = 6
    BAJA = 7


class WorkOrderStatus(MasterDataEnum):
    PENDIENTE_RIESGO = 5
    CANCELADA = 6
    PENDIENTE_CREAR_OT = 32
    EN_CURSO = 33
    COMPLETADA = 34

    @property
    def is_final(self) -> bool:
        return self in (WorkOrderStatus.CANCELADA, WorkOrderStatus.COMPLETADA)


class InvoiceStatus(MasterDataEnum):
    PENDIENTE = 1
    PAGADO = 2
    DEVUELTO = 3
    ANULADO = 4


class SimCardStatus(MasterDataEnum):
    DISPONIBLE = 1
    RESERVADA = 2
    ACTIVA = 3
    SUSTITUIDA = 4
    BAJA = 5


class SubscriptionType(MasterDataEnum):
    PREPAID_MOBILE = 1
    POSTPAID_MOBILE = 2
    LANDLINE = 3
    FTTH = 4
    ADSL = 5
    TV = 6
    OTT = 7
    DEVICE_INSURANCE = 11
    NETFLIX = 12
    APPLE_WATCH = 13

    @property
    def label(self) -> str:
        return _SUBSCRIPTION_TYPE_LABELS[self.value]

    @property
    def is_mobile(self) -> bool:
        return self in (SubscriptionType.PREPAID_MOBILE, SubscriptionType.POSTPAID_MOBILE)

    @property
    def is_fixed_access(self) -> bool:
        """Whether it is the access of a bundle (fibre or ADSL)."""
        return self in (SubscriptionType.FTTH, SubscriptionType.ADSL)

    def line_number(
        self, identification_nr: str | None, associated_number: str | None
    ) -> str | None:
        """The number the line is known by, in every answer that shows one.

        A line's own number (MSISDN, the landline's fixed number) — or, for a bundle's fixed
        access (fibre, ADSL), which has none of its own, the landline number it is associated
        with (stored as its ``associated_number``: the landline holds the number itself).
        """
        if identification_nr is None and self.is_fixed_access:
            return associated_number
        return identification_nr


# Keyed by int: IntEnum members of different enums compare equal when their ints do.
_SUBSCRIPTION_TYPE_LABELS: dict[int, str] = {
    1: "PRE-PAGO",
    2: "POST-PAGO",
    3: "FIJO",
    4: "FTTH",
    5: "ADSL",
    6: "TV",
    7: "OTT",
    11: "SEGURO DISPOSITIVO",
    12: "NETFLIX",
    13: "APPLE WATCH",
}


class SubscriptionOrigin(MasterDataEnum):
    NUEVA = 1
    PORTABILIDAD = 2
    MIGRACION = 3


class CustomerType(MasterDataEnum):
    PARTICULAR = 1
    EMPRESA = 2
    AUTONOMO = 3


class WorkOrderType(MasterDataEnum):
    ALTA = 1
    BAJA = 2
    CAMBIO_TARIFA = 3
    MIGRACION = 4
    CAMBIO_SIM = 5
    VENTA_TERMINAL = 6
    AMPLIACION = 7


class BlockType(MasterDataEnum):
    ROBO = 1
    PERDIDA = 2


class BillingType(MasterDataEnum):
    POSPAGO = 1
    PREPAGO = 2


class Sector(MasterDataEnum):
    RESIDENCIAL = 1
    SOHO = 2
    EMPRESA = 3


class DocumentTypeId(MasterDataEnum):
    """Ids of ``document_types``; the label is the kit's ``DocumentType`` value."""

    NIF = 1
    NIE = 2
    CIF = 3
    PASAPORTE = 4


class MobileLineType(StrEnum):
    """A mobile line's place in an account bundle.

    ``main`` is the bundle's main line; ``additional`` and ``extra`` lines are further lines
    on their own tariffs (a bundle's ``max_additional_lines`` counts both). The reference also
    shows ``"mobile"`` (users/tree, signup ``mobile_line.type``) for a line outside a bundle.
    """

    MAIN = "main"
    ADDITIONAL = "additional"
    EXTRA = "extra"


# Where each enum's rows live in master_data.yaml ("a.b" = key b under top-level key a).
ENUM_SOURCES: dict[str, type[MasterDataEnum]] = {
    "status_catalogues.subscription_statuses": SubscriptionStatus,
    "status_catalogues.account_statuses": AccountStatus,
    "status_catalogues.work_order_statuses": WorkOrderStatus,
    "status_catalogues.invoice_statuses": InvoiceStatus,
    "status_catalogues.sim_card_statuses": SimCardStatus,
    "type_catalogues.subscription_types": SubscriptionType,
    "type_catalogues.subscription_origins": SubscriptionOrigin,
    "type_catalogues.customer_types": CustomerType,
    "type_catalogues.work_order_types": WorkOrderType,
    "type_catalogues.block_types": BlockType,
    "billing_types": BillingType,
    "sectors": Sector,
    "document_types": DocumentTypeId,
}
