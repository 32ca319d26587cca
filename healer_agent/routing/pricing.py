"""An estimate of what an LLM triage call cost, from a small per-family price table.

The numbers are list prices in USD per million tokens, as published by the providers when
this table was written; they are an *estimate* for dashboards and eval reports (cached and
batched tokens, regional pricing and discounts are ignored), never a bill. A model the
table does not know (a local server, the scripted test model) costs 0.0.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million input and output tokens."""

    input_per_mtok: float
    output_per_mtok: float


# First match wins, so more specific names come before their family.
PRICES: tuple[tuple[str, Price], ...] = (
    ("claude-opus-4-5", Price(5.0, 25.0)),
    ("claude-opus-4-6", Price(5.0, 25.0)),
    ("claude-opus", Price(15.0, 75.0)),
    ("claude-sonnet", Price(3.0, 15.0)),
    ("claude-3-7-sonnet", Price(3.0, 15.0)),
    ("claude-3-5-sonnet", Price(3.0, 15.0)),
    ("claude-haiku-4", Price(1.0, 5.0)),
    ("claude-3-5-haiku", Price(0.8, 4.0)),
    ("claude-3-haiku", Price(0.25, 1.25)),
    ("gpt-4o-mini", Price(0.15, 0.6)),
    ("gpt-4o", Price(2.5, 10.0)),
    ("gpt-4.1-nano", Price(0.1, 0.4)),
    ("gpt-4.1-mini", Price(0.4, 1.6)),
    ("gpt-4.1", Price(2.0, 8.0)),
    ("gpt-5-nano", Price(0.05, 0.4)),
    ("gpt-5-mini", Price(0.25, 2.0)),
    ("gpt-5", Price(1.25, 10.0)),
)


def price_for(model: str) -> Price | None:
    """The table entry for ``model`` (``provider:name`` or a bare name), if any."""
    name = model.rsplit(":", 1)[-1].lower()
    for prefix, price in PRICES:
        if prefix in name:
            return price
    return None


def estimate_cost(model: str, input_tokens: int, output_tokens: int) -> float:
    """Estimated USD for one run's tokens; 0.0 for a model the table does not know."""
    price = price_for(model)
    if price is None:
        return 0.0
    cost = input_tokens * price.input_per_mtok + output_tokens * price.output_per_mtok
    return round(cost / 1_000_000, 6)


__all__ = ["PRICES", "Price", "estimate_cost", "price_for"]
