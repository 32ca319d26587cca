"""slot_counts: admission's count of slots per prefix; claims indexed by incident and expiry

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slot_counts",
        sa.Column("prefix", sa.String(length=500), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix"),
    )
    # the slots held now, counted once: "slot:global:3" belongs to "slot:global"; expired
    # ones are counted too, as admission counts them until it finds the count full
    rows = op.get_bind().execute(
        sa.text("SELECT key FROM claims WHERE key >= 'slot:' AND key < 'slot;'")
    )
    held: dict[str, int] = {}
    for (key,) in rows:
        prefix = key.rsplit(":", 1)[0]
        held[prefix] = held.get(prefix, 0) + 1
    if held:
        op.bulk_insert(
            sa.table("slot_counts", sa.column("prefix", sa.String), sa.column("held", sa.Integer)),
            [{"prefix": prefix, "held": n} for prefix, n in held.items()],
        )
    op.create_index("ix_claims_incident_id", "claims", ["incident_id"])
    op.create_index("ix_claims_expires_at", "claims", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_claims_expires_at", table_name="claims")
    op.drop_index("ix_claims_incident_id", table_name="claims")
    op.drop_table("slot_counts")
