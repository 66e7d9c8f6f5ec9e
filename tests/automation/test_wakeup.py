"""The in-process wake-ups of the agent relay: a notify wakes every watcher of its key (from
another thread too), nobody else, and a watch leaves nothing behind."""

from __future__ import annotations

import asyncio
import threading

from pixsim7.automation.wakeup import Wakeups, wait


async def test_notify_wakes_the_watchers_of_its_key_only() -> None:
    hub = Wakeups()
    with hub.watch(1) as one, hub.watch(1) as also_one, hub.watch(2) as two:
        hub.notify(1)
        await asyncio.sleep(0)  # call_soon_threadsafe runs on the next turn
        assert one.is_set() and also_one.is_set() and not two.is_set()
        await wait(one, 10.0)  # already set: returns at once, cleared
        assert not one.is_set()
        hub.notify(3)  # nobody watches: nothing happens
    assert hub._waiters == {}


async def test_a_notify_from_another_thread_wakes_a_waiter() -> None:
    hub = Wakeups()
    with hub.watch("answer") as event:
        thread = threading.Timer(0.05, hub.notify, args=("answer",))
        thread.start()
        await asyncio.wait_for(event.wait(), timeout=30)
        thread.join()


async def test_wait_gives_up_after_its_time_when_nobody_notifies() -> None:
    hub = Wakeups()
    with hub.watch(1) as event:
        await wait(event, 0.01)
        assert not event.is_set()
