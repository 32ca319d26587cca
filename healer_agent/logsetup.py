"""Structured JSON logs (structlog) on stderr, and redaction of every log line.

Redaction is given as a function (``redact_logs(redact)``; this module sits below the
redaction code in the layers) and then applies to both kinds of log line: every string
value of a structlog event, exception text included, and every standard-library record
(uvicorn's, SQLAlchemy's, ...), its message and traceback, at the moment it is created.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, MutableMapping
from typing import Any

import structlog

QUIET = ("alembic", "httpx", "mcp", "asyncio")
"""Libraries whose INFO lines are noise at start-up; their warnings still show."""

Redactor = Callable[[str], str]
MAX_DEPTH = 8


class RedactEvent:
    """structlog processor: every string value of the event redacted, nested ones too.

    Values that are not JSON primitives are rendered to text first, so an object whose
    ``repr`` holds a secret is redacted like any string; exceptions must have been
    rendered by ``format_exc_info`` before this runs.
    """

    def __init__(self, redactor: Redactor | None = None) -> None:
        self.redactor = redactor

    def _clean(self, value: Any, depth: int) -> Any:
        assert self.redactor is not None
        if isinstance(value, str):
            return self.redactor(value)
        if value is None or isinstance(value, bool | int | float):
            return value
        if depth < MAX_DEPTH and isinstance(value, dict):
            return {
                self._clean(str(k), depth + 1): self._clean(v, depth + 1) for k, v in value.items()
            }
        if depth < MAX_DEPTH and isinstance(value, list | tuple | set | frozenset):
            return [self._clean(v, depth + 1) for v in value]
        return self.redactor(
            repr(value)
            if not isinstance(value, BaseException)
            else f"{type(value).__name__}: {value}"
        )

    def __call__(
        self, logger: Any, method: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        """The event with its values redacted (unchanged until a redactor is given)."""
        if self.redactor is None:
            return event
        return {key: self._clean(value, 0) for key, value in event.items()}


_EVENTS = RedactEvent()


def _record_factory(
    inner: Callable[..., logging.LogRecord], redactor: Redactor
) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = inner(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed %-format: keep its parts as text
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redactor(message), None
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = redactor(text)
        if record.stack_info:
            record.stack_info = redactor(record.stack_info)
        return record

    make.healer_redacts = True  # type: ignore[attr-defined]
    return make


def redact_logs(redactor: Redactor) -> None:
    """Pass every log line of this process through ``redactor`` from now on."""
    _EVENTS.redactor = redactor
    current = logging.getLogRecordFactory()
    if not getattr(current, "healer_redacts", False):
        logging.setLogRecordFactory(_record_factory(current, redactor))
    config = structlog.get_config()
    processors = list(config["processors"])
    if _EVENTS not in processors:  # structlog's defaults (not configured): redact before
        at = len(processors) - 1  # the renderer, exceptions rendered first
        processors[at:at] = [structlog.processors.format_exc_info, _EVENTS]
        structlog.configure(processors=processors)


def configure_logging(level: str = "INFO", *, redactor: Redactor | None = None) -> None:
    """JSON lines on stderr with ISO timestamps; stdout stays free for command output.

    With ``redactor`` every line is redacted (see :func:`redact_logs`).
    """
    logging.basicConfig(level=level.upper(), format="%(message)s", stream=sys.stderr)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _EVENTS,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    if redactor is not None:
        redact_logs(redactor)
