"""Logging as `pixsim7 serve` configures it (JSON lines, the database copy), for these
tests only: the structlog configuration of the others is put back after each."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import structlog
from fastapi import FastAPI

from pixsim7 import logging as plog
from pixsim7.logs import sink


@pytest.fixture
def db_logs() -> Iterator[None]:
    saved = structlog.get_config()
    root = logging.getLogger()
    level = root.level
    plog.configure("INFO", json=True)
    yield
    structlog.configure(**saved)
    root.setLevel(level)


async def stored(app: FastAPI) -> None:
    """Write what this process's sink holds now."""
    assert sink._active is not None
    await sink._active.flush()


# The jobs tests' worker and fake Pixverse, for the stages tests.
from tests.jobs.conftest import builtin, pixverse, worker  # noqa: E402

__all__ = ["builtin", "db_logs", "pixverse", "stored", "worker"]
