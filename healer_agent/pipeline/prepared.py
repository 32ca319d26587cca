"""What a request derived from a delivery, handed to the same process's intake stage.

The request normalises the body and, for a security alert, takes its route (cipher's);
the intake stage, a moment later in a worker, used to parse the stored row and do both
again (~1% of the server's samples in the end-to-end benchmark). Both read the same body,
so the stage takes the request's results when this process has them and computes them from
the row otherwise (another replica's delivery, a restart, an entry dropped past the bound);
it redacts the incident either way before storing anything of it. Nothing here is needed
for durability: the row is.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

from healer_agent.models import Incident, RoutingDecision

BOUND = 4096
"""Entries kept; the oldest go first (their stage then parses the row, as without this)."""


class Derived(NamedTuple):
    """A delivery's incident, and its tentative route when the request took one.

    A named tuple: one is built for every request, and a frozen dataclass's ``__init__``
    costs about three times as much.
    """

    incident: Incident
    tentative: RoutingDecision | None
    routed: bool
    """Whether ``tentative`` is the route (False: the request did not take one)."""


class Prepared:
    """A bounded map from delivery id to what its request derived, each taken once."""

    def __init__(self, bound: int = BOUND) -> None:
        self._bound = bound
        # in the order put, the oldest first; an OrderedDict drops its oldest in O(1), where
        # a dict's first key, after many deletions at its front, is found by a scan past
        # their empty slots (~2% of a request's CPU while a worker lagged a burst)
        self._items: OrderedDict[str, Derived] = OrderedDict()

    def put(self, delivery_id: str, incident: Incident, tentative: RoutingDecision | None) -> None:
        """Keep what a request derived (``tentative`` None: it took no route)."""
        items = self._items
        items[delivery_id] = Derived(incident, tentative, tentative is not None)
        items.move_to_end(delivery_id)  # put again: now the newest
        while len(items) > self._bound:
            items.popitem(last=False)

    def take(self, delivery_id: str) -> Derived | None:
        """What the request derived, once; None when this process does not have it."""
        return self._items.pop(delivery_id, None)

    def __len__(self) -> int:
        return len(self._items)


__all__ = ["BOUND", "Derived", "Prepared"]
