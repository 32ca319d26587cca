"""incidents: the status index ordered by created_at, for the worker's claim

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:20:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # replaces the status index rather than joining it: beside it, SQLite's planner
    # (without statistics) keeps taking the narrower one
    op.create_index("ix_incidents_status_created_at", "incidents", ["status", "created_at"])
    op.drop_index("ix_incidents_status", table_name="incidents")


def downgrade() -> None:
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.drop_index("ix_incidents_status_created_at", table_name="incidents")
