"""invoices a tax inspector accepts: frozen parties, series, types, rectifying invoices and
VERI*FACTU billing records

``invoice`` keeps both parties as issued (issuer legal name, NIF, fiscal address; recipient
name, document and billing address), its series, type (F1, F2, R1-R5), tax name, due date and
payment method; a rectifying invoice points at the invoice it corrects and has no cycle
(``cycle`` becomes nullable: the ``(account_id, cycle)`` uniqueness stays for cycle invoices).
``invoice_line.credited_line_id``: the line a rectifying line credits.

``invoice_issuer``: each org's issuer settings. ``billing_record``: the VERI*FACTU records,
append-only — triggers make the database refuse UPDATE and DELETE (and, on PostgreSQL,
TRUNCATE) of them. ``billing_record_submission``: hand-offs of records (file drops).

The invoice counter ``invoice`` (series MM) becomes ``invoice:MM``: counters are per series.

Revision ID: 4e8b1c6a9d27
Revises: 9e1d4c6a2b80
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mascustomers.db.base

revision: str = "4e8b1c6a9d27"
down_revision: str | None = "9e1d4c6a2b80"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TIME = mascustomers.db.base.UtcDateTime()
_MONEY = sa.Numeric(precision=14, scale=2)
_JSON = sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql")
_REFUSAL = "billing records are append-only"


def _invoice_columns() -> list[sa.Column[object]]:
    """Made anew for each use: a Column object belongs to one table."""
    return [
        sa.Column("series", sa.String(length=10), nullable=True),
        sa.Column("invoice_type", sa.String(length=2), server_default="F1", nullable=False),
        sa.Column("tax_name", sa.String(length=10), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("issuer_name", sa.String(length=120), nullable=True),
        sa.Column("issuer_tax_id", sa.String(length=9), nullable=True),
        sa.Column("issuer_address", sa.String(length=300), nullable=True),
        sa.Column("recipient_name", sa.String(length=120), nullable=True),
        sa.Column("recipient_document_type", sa.String(length=10), nullable=True),
        sa.Column("recipient_document", sa.String(length=20), nullable=True),
        sa.Column("recipient_address", sa.String(length=300), nullable=True),
        sa.Column("payment_method", sa.String(length=24), nullable=True),
        sa.Column("payment_reference", sa.String(length=40), nullable=True),
        sa.Column("rectified_invoice_id", _ID, nullable=True),
        sa.Column("rectification_reason", sa.String(length=20), nullable=True),
        sa.Column("rectification_note", sa.String(length=500), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        for column in _invoice_columns():
            batch_op.add_column(column)
        batch_op.alter_column("cycle", existing_type=sa.String(length=7), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_invoice_rectified_invoice_id_invoice"),
            "invoice",
            ["rectified_invoice_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_rectified_invoice_id"), ["rectified_invoice_id"], unique=False
        )
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credited_line_id", _ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invoice_line_credited_line_id_invoice_line"),
            "invoice_line",
            ["credited_line_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_line_credited_line_id"), ["credited_line_id"], unique=False
        )
    _create_issuer()
    _create_records()
    _create_submissions()
    _refuse_record_changes()
    op.execute("UPDATE org_sequence SET name = 'invoice:MM' WHERE name = 'invoice'")


def _create_issuer() -> None:
    op.create_table(
        "invoice_issuer",
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("legal_name", sa.String(length=120), nullable=False),
        sa.Column("tax_id", sa.String(length=9), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("locality", sa.String(length=100), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("rectifying_series", sa.String(length=10), nullable=False),
        sa.Column("simplified_invoices", sa.Boolean(), nullable=False),
        sa.Column("payment_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_invoice_issuer_org_id_org")),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_invoice_issuer")),
    )


def _create_records() -> None:
    op.create_table(
        "billing_record",
        sa.Column("issuer_tax_id", sa.String(length=9), nullable=False),
        sa.Column("chain_seq", _ID, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("invoice_id", _ID, nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("invoice_type", sa.String(length=2), nullable=True),
        sa.Column("tax_total", _MONEY, nullable=True),
        sa.Column("total", _MONEY, nullable=True),
        sa.Column("previous_hash", sa.String(length=64), nullable=True),
        sa.Column("generated_at", _TIME, nullable=False),
        sa.Column("generated_at_text", sa.String(length=32), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("details", _JSON, nullable=False),
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoice.id"], name=op.f("fk_billing_record_invoice_id_invoice")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["org.id"], name=op.f("fk_billing_record_org_id_org")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_record")),
        sa.UniqueConstraint(
            "org_id", "issuer_tax_id", "chain_seq", name=op.f("uq_billing_record_org_id")
        ),
    )
    with op.batch_alter_table("billing_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_billing_record_invoice_id"), ["invoice_id"])
        batch_op.create_index(batch_op.f("ix_billing_record_org_id"), ["org_id"])


def _create_submissions() -> None:
    op.create_table(
        "billing_record_submission",
        sa.Column("issuer_tax_id", sa.String(length=9), nullable=False),
        sa.Column("first_seq", _ID, nullable=False),
        sa.Column("last_seq", _ID, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("submitted_at", _TIME, nullable=False),
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org.id"], name=op.f("fk_billing_record_submission_org_id_org")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_record_submission")),
    )
    with op.batch_alter_table("billing_record_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_billing_record_submission_org_id"), ["org_id"])


def _refuse_record_changes() -> None:
    """The database itself keeps the records append-only, whatever the code above it does."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION billing_record_refuse_change() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{_REFUSAL}' "
            "USING ERRCODE = 'restrict_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER billing_record_append_only BEFORE UPDATE OR DELETE ON billing_record "
            "FOR EACH ROW EXECUTE FUNCTION billing_record_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER billing_record_no_truncate BEFORE TRUNCATE ON billing_record "
            "FOR EACH STATEMENT EXECUTE FUNCTION billing_record_refuse_change()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER billing_record_no_{event.lower()} BEFORE {event} ON billing_record "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END"
        )


def downgrade() -> None:
    op.execute("UPDATE org_sequence SET name = 'invoice' WHERE name = 'invoice:MM'")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER billing_record_no_truncate ON billing_record")
        op.execute("DROP TRIGGER billing_record_append_only ON billing_record")
        op.execute("DROP FUNCTION billing_record_refuse_change()")
    else:
        op.execute("DROP TRIGGER billing_record_no_delete")
        op.execute("DROP TRIGGER billing_record_no_update")
    op.drop_table("billing_record_submission")
    op.drop_table("billing_record")
    op.drop_table("invoice_issuer")
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_line_credited_line_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_invoice_line_credited_line_id_invoice_line"), type_="foreignkey"
        )
        batch_op.drop_column("credited_line_id")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_rectified_invoice_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_invoice_rectified_invoice_id_invoice"), type_="foreignkey"
        )
        batch_op.alter_column("cycle", existing_type=sa.String(length=7), nullable=False)
        for column in reversed(_invoice_columns()):
            batch_op.drop_column(column.name)
