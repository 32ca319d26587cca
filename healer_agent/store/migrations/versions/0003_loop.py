"""loop: attempts, commands, breakers, skipped commits, transitions in incident_events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("incidents", sa.Column("phase", sa.String(length=20), nullable=True))
    op.add_column("incidents", sa.Column("timeout_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("incidents", sa.Column("handoff_agent", sa.String(length=20), nullable=True))
    op.add_column(
        "incident_events",
        sa.Column("kind", sa.String(length=20), server_default="delivery", nullable=False),
    )
    op.add_column("incident_events", sa.Column("detail", sa.Text(), nullable=True))
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.String(length=40), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("repository", sa.String(length=200), nullable=False),
        sa.Column("branch", sa.String(length=300), server_default="", nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=True),
        sa.Column("agent", sa.String(length=20), nullable=False),
        sa.Column("coderun_name", sa.String(length=120), nullable=False),
        sa.Column("head_sha", sa.String(length=64), server_default="", nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("pr_url", sa.String(length=500), nullable=True),
        sa.Column("pushed_sha", sa.String(length=64), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", "attempt", name="uq_attempt"),
    )
    op.create_index(
        "ix_attempts_failure", "attempts", ["repository", "branch", "signature"], unique=False
    )
    op.create_table(
        "commands",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("repository", sa.String(length=200), nullable=False),
        sa.Column("verb", sa.String(length=20), nullable=False),
        sa.Column("incident", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("incident_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(op.f("ix_commands_status"), "commands", ["status"], unique=False)
    op.create_table(
        "breakers",
        sa.Column("repository", sa.String(length=200), nullable=False),
        sa.Column("agent", sa.String(length=20), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("repository", "agent"),
    )
    op.create_table(
        "skip_commits",
        sa.Column("repository", sa.String(length=200), nullable=False),
        sa.Column("head_sha", sa.String(length=64), nullable=False),
        sa.Column("marker", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("repository", "head_sha"),
    )


def downgrade() -> None:
    op.drop_table("skip_commits")
    op.drop_table("breakers")
    op.drop_index(op.f("ix_commands_status"), table_name="commands")
    op.drop_table("commands")
    op.drop_index("ix_attempts_failure", table_name="attempts")
    op.drop_table("attempts")
    with op.batch_alter_table("incident_events") as batch:
        batch.drop_column("detail")
        batch.drop_column("kind")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("handoff_agent")
        batch.drop_column("timeout_at")
        batch.drop_column("phase")
