"""What every ``healer`` command shares: the one-line error, exit codes, settings loading.

Kept apart from ``cli.py`` so command modules (``evals/cli.py``, ``context/cli.py``) can
raise ``CliError`` without importing the application's command table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from healer_agent.config import Settings

EXIT_FAILED, EXIT_USAGE, EXIT_UNAVAILABLE = 1, 2, 3


class CliError(Exception):
    """An error to print as one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def settings_from_env(**overrides: Any) -> Settings:
    """Settings, with a validation error turned into one readable line."""
    from pydantic import ValidationError

    from healer_agent.config import load_settings

    try:
        return load_settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "__".join(str(p) for p in first["loc"])
        raise CliError(f"invalid setting HEALER_{where.upper()}: {first['msg']}") from None
