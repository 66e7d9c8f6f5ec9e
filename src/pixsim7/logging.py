"""Structured logs: JSON lines through the standard library, secrets redacted, and a copy
of each line in the database (`pixsim7.logs.sink`).

Request id and user id are bound per request with `structlog.contextvars`, so every
line logged while serving a request carries them.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(
    r"pass(word)?|secret|token|api[_-]?key|authorization|cookie|jwt|credential|hash", re.I
)
# Values that look like secrets wherever they appear: JWTs and bearer headers.
_SECRET_VALUE = re.compile(
    r"eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}|Bearer\s+\S+|\$argon2\w*\$\S+", re.I
)
# Libraries whose debug lines carry SQL parameters or full URLs (hashes, tokens in
# query strings): they never log below WARNING, whatever the root level.
_QUIET = ("aiosqlite", "asyncpg", "sqlalchemy.engine", "httpx", "httpcore", "multipart")


def redact(value: Any, key: str = "") -> Any:
    if key and _SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, str):
        return _SECRET_VALUE.sub(REDACTED, value)
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def _redact_processor(
    _logger: Any, _name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        event_dict[key] = redact(event_dict[key], "" if key == "event" else key)
    return event_dict


def configure(level: str = "INFO", *, json: bool = True) -> None:
    from pixsim7.logs import sink

    processors: list[Any] = [
        # Lines below the level end here, before any work is spent on them.
        structlog.stdlib.filter_by_level,
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _redact_processor,
        sink.processor,  # the database copy (logs/sink.py), redacted like the printed one
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(),
    ]
    structlog.configure(
        processors=processors,
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    if not any(getattr(h, "_pixsim7", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._pixsim7 = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
