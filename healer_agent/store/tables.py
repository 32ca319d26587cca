"""Table definitions (SQLAlchemy Core). The migrations in ``migrations/`` create the same.

Uniqueness does the coordination: ``deliveries.delivery_id`` makes a redelivery a no-op,
``incidents.run_key`` makes one incident per failure, and ``claims.key`` (with an expiry)
makes one remediation per branch window and per active repo/branch/agent. No process
holds a lock, so any number of replicas can share the database.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("delivery_id", sa.String(200), nullable=False, unique=True),
    sa.Column("endpoint", sa.String(40), nullable=False),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("incident_id", sa.String(40), nullable=True, index=True),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("run_key", sa.String(400), nullable=True, index=True),
    # the run a delivery belongs to, so a later delivery of it is answered "existing"
    # before the worker has created the incident
)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("run_key", sa.String(400), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("repository", sa.String(200), nullable=False, index=True),
    sa.Column("branch", sa.String(300), nullable=False, server_default=""),
    sa.Column("head_sha", sa.String(64), nullable=False, server_default=""),
    sa.Column("workflow_name", sa.String(300), nullable=False, server_default=""),
    sa.Column("event_type", sa.String(80), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("dedup_status", sa.String(20), nullable=False),
    sa.Column("duplicate_of", sa.String(40), nullable=True),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("incident", sa.Text, nullable=False),
    sa.Column("agent", sa.String(20), nullable=True),
    sa.Column("failure_type", sa.String(40), nullable=True),
    sa.Column("decided_by", sa.String(20), nullable=True),
    sa.Column("confidence", sa.Float, nullable=True),
    sa.Column("obvious", sa.Boolean, nullable=True),
    sa.Column("decision", sa.Text, nullable=True),
    sa.Column("context_status", sa.Text, nullable=True),
    sa.Column("signature", sa.String(64), nullable=True, index=True),
    sa.Column("coderun_name", sa.String(120), nullable=True),
    sa.Column("prompt", sa.Text, nullable=True),
    sa.Column("attempt", sa.Integer, nullable=False, server_default="1"),
    sa.Column("outcome", sa.String(20), nullable=True),
    sa.Column("operator_agent", sa.String(20), nullable=True),
    sa.Column("operator_failure_type", sa.String(40), nullable=True),
    sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
    sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("work_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("tokens", sa.Integer, nullable=True),
    sa.Column("cost_usd", sa.Float, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("phase", sa.String(20), nullable=True),
    sa.Column("timeout_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("handoff_agent", sa.String(20), nullable=True),
    sa.Index("ix_incidents_status_created_at", "status", "created_at"),
    # a status's rows oldest first: the worker's claim reads the few oldest due ones
    # instead of every row awaiting routing (a backlog of hundreds in a burst), and
    # sorting them
)

incident_events = sa.Table(
    "incident_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.String(40), nullable=False, index=True),
    sa.Column("delivery_id", sa.String(200), nullable=False),
    sa.Column("incident", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False, server_default="delivery"),
    sa.Column("detail", sa.Text, nullable=True),
    sa.UniqueConstraint("incident_id", "delivery_id", name="uq_incident_event"),
)
"""A delivery's view of the incident (``kind`` ``delivery``), or one transition of its
lifecycle (``kind`` is the state entered, ``detail`` says why, as JSON)."""

claims = sa.Table(
    "claims",
    metadata,
    sa.Column("key", sa.String(500), primary_key=True),
    sa.Column("incident_id", sa.String(40), nullable=False, index=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

slot_counts = sa.Table(
    "slot_counts",
    metadata,
    sa.Column("prefix", sa.String(500), primary_key=True),
    sa.Column("held", sa.Integer, nullable=False),
)
"""How many admission slots (``claims`` keyed ``<prefix>:<n>``) were taken and not released
under each prefix: admission's count without reading every slot. It may count a slot that
expired unreleased; admission counts the slots themselves only when this says full."""

escalations = sa.Table(
    "escalations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.String(40), nullable=False, unique=True),
    sa.Column("repository", sa.String(200), nullable=False),
    sa.Column("branch", sa.String(300), nullable=False, server_default=""),
    sa.Column("signature", sa.String(64), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("channels", sa.Text, nullable=False, server_default="{}"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

route_memory = sa.Table(
    "route_memory",
    metadata,
    sa.Column("signature", sa.String(64), primary_key=True),
    sa.Column("agent", sa.String(20), nullable=False),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("count", sa.Integer, nullable=False, server_default="1"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.String(40), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("repository", sa.String(200), nullable=False),
    sa.Column("branch", sa.String(300), nullable=False, server_default=""),
    sa.Column("signature", sa.String(64), nullable=True),
    sa.Column("agent", sa.String(20), nullable=False),
    sa.Column("coderun_name", sa.String(120), nullable=False),
    sa.Column("head_sha", sa.String(64), nullable=False, server_default=""),
    sa.Column("phase", sa.String(20), nullable=True),
    sa.Column("outcome", sa.String(20), nullable=True),
    sa.Column("pr_url", sa.String(500), nullable=True),
    sa.Column("pushed_sha", sa.String(64), nullable=True),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint("incident_id", "attempt", name="uq_attempt"),
    sa.Index("ix_attempts_failure", "repository", "branch", "signature"),
)
"""One row per CodeRun: the real history a retry prompt states (agent, phase, PR, push)."""

commands = sa.Table(
    "commands",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(400), nullable=False, unique=True),
    sa.Column("repository", sa.String(200), nullable=False),
    sa.Column("verb", sa.String(20), nullable=False),
    sa.Column("incident", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("incident_id", sa.String(40), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
)
"""ChatOps commands and check-run buttons, recorded by intake and carried out by a worker
(GitHub calls never run inside the intake transaction). ``key`` is what GitHub signs: the
comment id and its ``updated_at``, so a replayed body is one command, not another."""

breakers = sa.Table(
    "breakers",
    metadata,
    sa.Column("repository", sa.String(200), primary_key=True),
    sa.Column("agent", sa.String(20), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
"""Failed fixes in a row per repository and agent; open (``opened_at`` set) past the limit."""

skip_commits = sa.Table(
    "skip_commits",
    metadata,
    sa.Column("repository", sa.String(200), primary_key=True),
    sa.Column("head_sha", sa.String(64), primary_key=True),
    sa.Column("marker", sa.String(40), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
"""Commits whose message (seen on a push or run event) asks Healer to stay away."""
