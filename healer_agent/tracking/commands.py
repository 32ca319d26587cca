"""ChatOps commands and the "Remediate" button, carried out by a worker after intake.

Intake records a command in its transaction (``record``), keyed by what GitHub signs: a
comment's id and ``updated_at``, a button press's check run, completion time and user. The
same signed body posted again under a new delivery id hits the unique key and is not run
again. A worker takes the command with a lease and runs it in three steps, none of which
holds a transaction across an HTTP call: GitHub's permission check (the button), then one
transaction that requeues or creates the incident and marks the command done, then the
reply comment. Retries and fixes count against the attempt cap like any other attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from healer_agent.metrics import Metrics
from healer_agent.models import Incident
from healer_agent.store import incidents, queue
from healer_agent.store.dialect import insert_ignore, utcnow
from healer_agent.store.tables import commands
from healer_agent.store.wakeup import notify_work
from healer_agent.tracking import history, records
from healer_agent.tracking.notify import Notifier

log = structlog.get_logger("healer.chatops")
WRITE = frozenset({"admin", "write"})


def key_of(incident: Incident) -> str:
    """What GitHub signs about the command, as a unique key."""
    command = incident.command
    assert command is not None
    info = incident.lifecycle
    if command.verb == "remediate":
        return (
            f"{incident.repository}#check:{incident.check_run_id}:action:"
            f"{info.get('completed_at', '')}:{command.author}"
        )[:400]
    return (f"{incident.repository}#comment:{command.comment_id}:{info.get('updated_at', '')}")[
        :400
    ]


async def record(conn: AsyncConnection, key: str, incident: Incident) -> bool:
    """Store a command once; False when its key was seen (a replay)."""
    assert incident.command is not None
    inserted = (
        await conn.execute(
            insert_ignore(conn, commands)
            .values(
                key=key,
                repository=incident.repository,
                verb=incident.command.verb,
                incident=incident.model_dump_json(),
                status="pending",
                created_at=utcnow(),
            )
            .returning(commands.c.id)
        )
    ).first()
    return inserted is not None


async def pending(conn: AsyncConnection) -> int:
    """Commands waiting for a worker."""
    return int(
        await conn.scalar(
            sa.select(sa.func.count()).select_from(commands).where(commands.c.status == "pending")
        )
        or 0
    )


@dataclass(frozen=True, slots=True)
class Done:
    """A command's result, and the reply to post once it is committed."""

    result: str
    incident_id: str | None = None
    reply: str | None = None
    outcome: str = "done"


_PENDING = (commands.c.status == "pending",)
"""``run_once``'s condition, built once (a worker asks every turn, mostly finding none)."""


class CommandRunner:
    """Runs recorded commands; handed the engine, the notifier and the attempt cap only."""

    def __init__(
        self,
        engine: AsyncEngine,
        notifier: Notifier,
        metrics: Metrics,
        *,
        max_attempts: int,
        lease_s: float,
        max_tries: int = 5,
    ) -> None:
        self._engine = engine
        self._notifier = notifier
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._lease = timedelta(seconds=lease_s)
        self._max_tries = max_tries

    async def run_once(self) -> bool:
        """Take one pending command and run it; False when none was waiting."""
        async with self._engine.begin() as conn:
            rows = await queue.claim(
                conn,
                commands,
                _PENDING,
                "attempts",
                self._lease,
                utcnow(),
                1,
                commands.c.id,
                name="pending",
            )
        if not rows:
            return False
        row = rows[0]
        incident = Incident.model_validate_json(row.incident)
        try:
            done = await self._run(row.id, incident)
        except Exception as exc:  # a command must end, not loop: park it after its tries
            log.warning("chatops.failed", command=row.key, error=str(exc))
            async with self._engine.begin() as conn:
                await conn.execute(
                    sa.update(commands)
                    .where(commands.c.id == row.id)
                    .values(
                        status="dead" if row.attempts >= self._max_tries else "pending",
                        result=f"{type(exc).__name__}: {exc}"[:2000],
                    )
                )
            return True
        assert incident.command is not None
        self._metrics.commands.labels(verb=incident.command.verb, outcome=done.outcome).inc()
        if done.reply:
            await self._notifier.comment(incident, done.reply)
        return True

    async def _run(self, command_id: int, incident: Incident) -> Done:
        command = incident.command
        assert command is not None
        refusal = None
        if command.verb == "remediate":
            permission = await self._notifier.permission(incident.repository, command.author)
            if permission not in WRITE:
                refusal = f"{command.author} may not trigger remediation (permission: {permission})"
        async with self._engine.begin() as conn:
            if refusal is not None:
                done = Done(refusal, outcome="refused")
            else:
                done = await self._apply(conn, command_id, incident)
            await conn.execute(
                sa.update(commands)
                .where(commands.c.id == command_id)
                .values(
                    status="done",
                    result=done.result[:2000],
                    incident_id=done.incident_id,
                    done_at=utcnow(),
                    lease_until=None,
                )
            )
        log.info(
            "chatops.done",
            verb=command.verb,
            author=command.author,
            repository=incident.repository,
            result=done.result,
        )
        return done

    async def _apply(self, conn: AsyncConnection, command_id: int, incident: Incident) -> Done:
        command = incident.command
        assert command is not None
        target = await self._target(conn, incident)
        if target is None and command.verb == "remediate":
            return await self._create(conn, command_id, incident)
        if target is None:
            return Done(
                "no Healer incident found for this pull request or branch", outcome="no_target"
            )
        if command.verb == "status":
            text = (
                f"Healer incident `{target['id']}`: {target['status']}, agent "
                f"{target['agent']}, CodeRun {target['coderun_name'] or '-'}"
            )
            return Done(text, target["id"], reply=text)
        used = await self._attempts(conn, target)
        if used >= self._max_attempts:
            text = (
                f"/healer {command.verb} refused: {used} attempt(s) at this failure "
                f"already (cap {self._max_attempts}); a person needs to look"
            )
            return Done(text, target["id"], reply=text, outcome="over_cap")
        agent = command.agent
        await records.requeue(conn, target["id"], agent)
        await history.transition(
            conn,
            self._metrics,
            target["id"],
            "routing",
            reason=f"/healer {command.verb} by {command.author}",
            agent=agent.value if agent else None,
        )
        await notify_work(conn)
        return Done(
            f"{command.verb} by {command.author} ({command.author_association}): "
            f"incident {target['id']} queued for attempt {int(target['attempt']) + 1}"
            + (f" with {agent.value}" if agent else ""),
            target["id"],
        )

    async def _target(self, conn: AsyncConnection, incident: Incident) -> dict[str, Any] | None:
        """The check run's own incident (button), else the newest of the PR or branch."""
        if incident.command is not None and incident.command.verb == "remediate":
            return await records.find_by_run_key(
                conn, f"{incident.repository}#check:{incident.check_run_id}"
            )
        return await records.latest_for(
            conn, incident.repository, pr_numbers=incident.pr_numbers, branch=incident.branch
        )

    async def _attempts(self, conn: AsyncConnection, target: dict[str, Any]) -> int:
        """Attempts at the target's failure since its last fix (its own, if unrouted)."""
        row = await incidents.get(conn, target["id"])
        assert row is not None
        if not row.get("signature"):
            return int(row.get("attempt") or 1) if row.get("coderun_name") else 0
        return len(
            await history.since_last_fix(conn, row["repository"], row["branch"], row["signature"])
        )

    async def _create(self, conn: AsyncConnection, command_id: int, incident: Incident) -> Done:
        """The button on a check Healer never saw: the check run becomes the incident."""
        failure = incident.model_copy(
            update={
                "kind": "ci_failure",
                "run_key": f"{incident.repository}#check:{incident.check_run_id}",
                "conclusion": "failure",
                "command": None,
                "lifecycle": {"requested_by": incident.command.author if incident.command else ""},
            }
        )
        incident_id, created = await incidents.create_or_get(
            conn,
            failure,
            status="routing",
            dedup_status="new",
            not_before=utcnow(),
            reason=f"Remediate pressed by {failure.lifecycle['requested_by']}",
        )
        await incidents.add_event(conn, incident_id, f"command:{command_id}", failure)
        if created:
            await history.transition(
                conn,
                self._metrics,
                incident_id,
                "routing",
                reason="Remediate button on a check Healer had not seen",
            )
        await notify_work(conn)
        return Done(
            f"incident {incident_id} created from check run {incident.check_run_id}", incident_id
        )


def result_of(row: Any) -> dict[str, Any]:
    """A command row as JSON-ready data."""
    return {
        "key": row.key,
        "verb": row.verb,
        "status": row.status,
        "result": row.result,
        "incident_id": row.incident_id,
    }


__all__ = ["CommandRunner", "Done", "key_of", "pending", "record", "result_of"]
