"""Triage cost estimates come from genai-prices; unknown models cost nothing."""

from __future__ import annotations

from healer_agent.routing.pricing import estimate_cost


def test_a_known_model_is_priced_per_token() -> None:
    one = estimate_cost("anthropic:claude-sonnet-4-6", 1_000_000, 0)
    assert one > 0
    assert estimate_cost("anthropic:claude-sonnet-4-6", 2_000_000, 0) == round(2 * one, 6)
    assert estimate_cost("claude-sonnet-4-6", 0, 1_000_000) > one  # output costs more


def test_unknown_models_cost_nothing() -> None:
    assert estimate_cost("test", 1000, 1000) == 0.0
    assert estimate_cost("ollama:my-local-model", 1000, 1000) == 0.0
