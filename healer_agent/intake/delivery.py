"""The delivery id of a body whose sender gave none: derived from the body, in time order.

A delivery id is the inbox's unique key: a redelivery of the same body must find the row
stored before. Without a sender's id, the body's digest is that key; on its own a digest
is random, and a random key lands on a different page of the unique index for every row,
so each commit rewrote one whole index page per delivery (SQLite's WAL frames;
PostgreSQL's full-page images after a checkpoint). Put after the run's id, which GitHub
hands out in time order across every repository, new keys land at the index's end: the
same body still derives the same id, and a burst dirties a few pages, not one each.
"""

from __future__ import annotations

from dataclasses import dataclass

from healer_agent.models import Incident


@dataclass(frozen=True, slots=True)
class BodyDigest:
    """The SHA-256 (hex) of an event's name and raw body, sent without a delivery id."""

    hex: str


def derived_delivery_id(incident: Incident, digest: BodyDigest) -> str:
    """The body's own key, after the run or check it reports when it names one."""
    if incident.run_id is not None:
        return f"run:{incident.run_id}:{incident.run_attempt}:sha256:{digest.hex}"
    if incident.check_run_id is not None:
        return f"check:{incident.check_run_id}:sha256:{digest.hex}"
    return f"sha256:{digest.hex}"
