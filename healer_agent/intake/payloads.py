"""Unwrap the shapes a payload can arrive in (pure).

The sensor may send the raw GitHub body, ``{"body": <body>, "event": ..., "delivery_id":
...}`` (the trigger's ``dest: body``), the Argo Events data ``{"headers"|"header": ...,
"body": ...}``, a CloudEvents envelope ``{"context": ..., "data": ...}``, or the design's
``{workflow_run, repository}``. All come out as (event type, GitHub body, delivery id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from healer_agent.intake.normalize import PayloadError, sniff_event


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """A GitHub body with what the envelope said about it."""

    event: str
    body: Mapping[str, Any]
    delivery_id: str | None = None


def _header(headers: Any, name: str) -> str | None:
    if not isinstance(headers, Mapping):
        return None
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name.lower():
            if isinstance(value, list) and value:
                value = value[0]
            return value if isinstance(value, str) else None
    return None


def unwrap(payload: Mapping[str, Any]) -> Unwrapped:
    """Find the GitHub body inside whatever envelope carried it."""
    event: str | None = None
    delivery: str | None = None
    current: Mapping[str, Any] = payload
    for _ in range(4):  # envelopes nest at most context/data/body deep
        if isinstance(current.get("event"), str):
            event = event or current["event"]
        if isinstance(current.get("delivery_id"), str):
            delivery = delivery or current["delivery_id"]
        headers = current.get("headers", current.get("header"))
        event = event or _header(headers, "X-GitHub-Event")
        delivery = delivery or _header(headers, "X-GitHub-Delivery")
        if isinstance(current.get("data"), Mapping) and "context" in current:
            current = current["data"]
            continue
        if isinstance(current.get("body"), Mapping):
            current = current["body"]
            continue
        break
    sniffed = sniff_event(current)
    event = event or sniffed
    if event is None:
        raise PayloadError(
            "cannot tell the event type: expected a workflow_run, workflow_job or check_run "
            "body (raw, under 'body', or with an 'event' field)",
            ["workflow_run|workflow_job|check_run"],
        )
    return Unwrapped(event=event, body=current, delivery_id=delivery)


def event_of_case(case: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """The (event type, GitHub body) of a labelled case's ``event``."""
    event = case["event"]
    kind = str(event["type"])
    payload = event["payload"]
    if not isinstance(payload, Mapping):
        raise ValueError("event.payload must be a mapping")
    if kind == "sensor":
        unwrapped = unwrap(payload)
        return unwrapped.event, unwrapped.body
    return kind, payload
