"""Unwrap the shapes a payload can arrive in (pure).

The sensor may send the raw GitHub body, ``{"body": <body>, "event": ..., "delivery_id":
...}`` (the trigger's ``dest: body``), the Argo Events data ``{"headers"|"header": ...,
"body": ...}``, a CloudEvents envelope ``{"context": ..., "data": ...}``, or the design's
``{workflow_run, repository}``. All come out as (event type, GitHub body, delivery id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from healer_agent.intake.fields import is_mapping
from healer_agent.intake.normalize import PayloadError, sniff_event


class Unwrapped(NamedTuple):
    """A GitHub body with what the envelope said about it.

    A named tuple: every sensor request unwraps its body (twice), and a frozen
    dataclass's ``__init__`` costs about three times as much.
    """

    event: str
    body: Mapping[str, Any]
    delivery_id: str | None = None


def _header(headers: Any, name: str) -> str | None:
    """``name`` (lowercase) from a headers mapping, any case of its key."""
    if not is_mapping(headers):
        return None
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name:
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
        value = current.get("event")
        if isinstance(value, str):
            event = event or value
        value = current.get("delivery_id")
        if isinstance(value, str):
            delivery = delivery or value
        headers = current.get("headers", current.get("header"))
        if headers is not None:
            event = event or _header(headers, "x-github-event")
            delivery = delivery or _header(headers, "x-github-delivery")
        if "context" in current and is_mapping(data := current.get("data")):
            current = data
            continue
        if is_mapping(body := current.get("body")):
            current = body
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
