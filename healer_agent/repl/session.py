"""REPL state: the Healer it works with and the incident under investigation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from rich.console import Console

from healer_agent.compose import Healer
from healer_agent.models import ContextBundle, Incident, RoutingDecision

Confirm = Callable[[str], Awaitable[bool]]


@dataclass
class Session:
    """One operator's session."""

    healer: Healer
    console: Console
    confirm: Confirm
    incident: Incident | None = None
    context: ContextBundle | None = None
    decision: RoutingDecision | None = None
    signature: str = ""
    incident_id: str | None = None
    """Set once the current incident is stored (dispatched or found)."""
    seen_ids: list[str] = field(default_factory=list)

    def require(self) -> tuple[Incident, ContextBundle, RoutingDecision]:
        """The current triage, or a one-line error."""
        if self.incident is None or self.context is None or self.decision is None:
            raise CommandError("nothing triaged yet: /triage <case.yaml | log | run URL>")
        return self.incident, self.context, self.decision


class CommandError(Exception):
    """A command failed; the message is the one line the operator sees."""
