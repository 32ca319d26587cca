"""The answer Healer gives for an event (the HTTP contract of ARCHITECTURE.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from healer_agent.models import DedupStatus, RoutingState


class IntakeResult(BaseModel):
    """What ``POST /api/remediate/*`` and ``/api/github/webhook`` answer with a 202.

    ``reason`` is kept from the platform's Rust Healer so its callers keep working.
    """

    status: Literal["accepted", "skipped", "ignored"]
    incident_id: str | None = None
    coderun_name: str | None = None
    agent: str | None = None
    failure_type: str | None = None
    dedup_status: DedupStatus
    routing: RoutingState
    reason: str | None = None
    delivery_id: str | None = None

    def json_bytes(self) -> bytes:
        """The compact JSON body ``model_dump_json`` writes, as the bytes a response sends.

        ``model_dump_json`` decodes the serializer's bytes to a string that the response
        then encodes again (~0.5 us of every 202).
        """
        return self.__pydantic_serializer__.to_json(self)
