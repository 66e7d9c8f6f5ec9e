"""Background tasks tied to a block: started on entry, cancelled and awaited on exit."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from pixsim7.logging import get_logger

log = get_logger(__name__)


@contextlib.asynccontextmanager
async def running(coro: Coroutine[Any, Any, None], name: str) -> AsyncIterator[asyncio.Task[None]]:
    """Run `coro` as a task while the block runs; on exit it is cancelled and awaited."""
    task = asyncio.create_task(coro, name=name)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def every(seconds: float, step: Callable[[], Awaitable[object]], failed: str) -> None:
    """Run `step` now and then every `seconds`, for ever; a failed pass is logged as the
    event `failed` and does not end the loop."""
    while True:
        try:
            await step()
        except Exception:
            log.exception(failed)
        await asyncio.sleep(seconds)
