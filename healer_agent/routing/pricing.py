"""An estimate of what an LLM triage call cost, from genai-prices' price data.

genai-prices (which pydantic-ai already depends on) keeps providers' list prices current;
the estimate is for dashboards and eval reports (cache discounts and batch pricing aside),
never a bill. A model it does not know (a local server, the scripted test model) costs 0.0.
"""

from __future__ import annotations

from genai_prices import Usage, calc_price


def estimate_cost(model: str, input_tokens: int, output_tokens: int) -> float:
    """Estimated USD for one run's tokens (``provider:name`` or a bare model name)."""
    provider, _, name = model.rpartition(":")
    try:
        price = calc_price(
            Usage(input_tokens=input_tokens, output_tokens=output_tokens),
            model_ref=name,
            provider_id=provider or None,
        )
    except LookupError:
        return 0.0
    return round(float(price.total_price), 6)


__all__ = ["estimate_cost"]
