"""runtime.Batched: calls made while a batch is written are written together next."""

from __future__ import annotations

import asyncio

import pytest

from pixsim7.jobs.runtime import Batched


async def test_calls_arriving_together_are_written_together_in_order() -> None:
    batches: list[list[int]] = []
    gate = asyncio.Event()

    async def write(items: list[int]) -> list[int]:
        batches.append(items)
        await gate.wait()
        return [i * 10 for i in items]

    batched = Batched(write)
    first = asyncio.create_task(batched(1))
    await asyncio.sleep(0.01)  # the first batch is being written
    later = [asyncio.create_task(batched(i)) for i in (2, 3, 4)]
    await asyncio.sleep(0.01)
    gate.set()
    assert await first == 10
    assert [await t for t in later] == [20, 30, 40]
    assert batches == [[1], [2, 3, 4]]


async def test_a_failed_write_fails_its_batch_only() -> None:
    async def write(items: list[int]) -> list[int]:
        if 2 in items:
            raise RuntimeError("refused")
        return items

    batched = Batched(write)
    with pytest.raises(RuntimeError, match="refused"):
        await asyncio.gather(batched(1), batched(2))
    assert await batched(3) == 3


async def test_a_cancelled_caller_does_not_cancel_the_write() -> None:
    written: list[list[int]] = []
    gate = asyncio.Event()

    async def write(items: list[int]) -> list[int]:
        await gate.wait()
        written.append(items)
        return items

    batched = Batched(write)
    gone = asyncio.create_task(batched(1))
    stays = asyncio.create_task(batched(2))
    await asyncio.sleep(0.01)
    gone.cancel()
    gate.set()
    assert await stays == 2
    assert written == [[1, 2]]
    assert gone.cancelled()
