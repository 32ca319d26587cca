"""Structured JSON logs (structlog) on stderr, configured once by the entry point."""

from __future__ import annotations

import logging
import sys

import structlog

QUIET = ("alembic", "httpx", "mcp", "asyncio")
"""Libraries whose INFO lines are noise at start-up; their warnings still show."""


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr with ISO timestamps; stdout stays free for command output."""
    logging.basicConfig(level=level.upper(), format="%(message)s", stream=sys.stderr)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(
            level.upper())))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
