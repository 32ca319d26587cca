"""deliveries.run_key: intake answers for a run before its incident exists

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("run_key", sa.String(length=400), nullable=True))
    op.create_index("ix_deliveries_run_key", "deliveries", ["run_key"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_run_key", table_name="deliveries")
    op.drop_column("deliveries", "run_key")
