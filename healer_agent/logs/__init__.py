"""Log analysis: clean, split into steps, find errors, excerpt, sign, redact (no I/O)."""

from healer_agent.logs.clean import Step, clean_line, clean_lines, find_failing_step, split_steps
from healer_agent.logs.errors import ErrorHit, classify, find_errors
from healer_agent.logs.excerpt import Excerpt, estimate_tokens, excerpt, excerpt_text
from healer_agent.logs.redact import redact, redact_lines
from healer_agent.logs.signature import normalize_line, signature

__all__ = [
    "ErrorHit",
    "Excerpt",
    "Step",
    "classify",
    "clean_line",
    "clean_lines",
    "estimate_tokens",
    "excerpt",
    "excerpt_text",
    "find_errors",
    "find_failing_step",
    "normalize_line",
    "redact",
    "redact_lines",
    "signature",
    "split_steps",
]
