"""The one place time is read, so tests can move it."""

from __future__ import annotations

import datetime as dt

_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Current UTC time (timezone-aware), shifted by `advance` in tests."""
    if _frozen is not None:
        return _frozen + _offset
    return dt.datetime.now(dt.UTC) + _offset


def advance(delta: dt.timedelta) -> None:
    """Move the clock forward (tests only)."""
    global _offset
    _offset += delta


def freeze(at: dt.datetime | None = None) -> None:
    """Stop the clock where it is (or at `at`) until `reset` (tests only): for checks of
    exact waits, which a loaded machine would otherwise shorten while the test runs."""
    global _frozen
    _frozen = at or now()


def reset() -> None:
    global _offset, _frozen
    _offset = dt.timedelta(0)
    _frozen = None
