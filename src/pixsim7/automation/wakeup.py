"""Wake-ups inside one process: a relayed ADB command for an agent's long poll, an answer
for the worker waiting on it. Both sides also poll the database (they may be in different
processes); when they share one (`pixsim7 serve` runs the worker), this wakes them at once
instead of at their next poll. Thread-safe: uvicorn and a worker may run different loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Hashable, Iterator


class Wakeups:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[Hashable, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    @contextlib.contextmanager
    def watch(self, key: Hashable) -> Iterator[asyncio.Event]:
        """An event set (on this loop) whenever `notify(key)` is called, while in the block."""
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters.setdefault(key, set()).add(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                waiters = self._waiters.get(key)
                if waiters is not None:
                    waiters.discard(entry)
                    if not waiters:
                        del self._waiters[key]

    def notify(self, key: Hashable) -> None:
        with self._lock:
            waiters = list(self._waiters.get(key, ()))
        for loop, event in waiters:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(event.set)


async def wait(event: asyncio.Event, seconds: float) -> None:
    """Until `event` is set or `seconds` pass; clears it."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
    event.clear()


commands = Wakeups()  # key: agent id (a command for it was queued)
answers = Wakeups()  # key: command id (the agent answered it)
