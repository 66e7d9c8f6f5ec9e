"""Background tasks tied to a block."""

from __future__ import annotations

import asyncio

from pixsim7 import tasks


async def test_a_failed_pass_does_not_end_the_loop_and_the_block_ends_it() -> None:
    passes: list[int] = []
    third = asyncio.Event()

    async def step() -> None:
        passes.append(len(passes))
        if len(passes) == 3:
            third.set()
        if len(passes) == 1:
            raise RuntimeError("the first pass fails")

    async with tasks.running(tasks.every(0, step, "test.step_failed"), "test-loop") as task:
        await asyncio.wait_for(third.wait(), 10)
    assert task.cancelled()
    seen = len(passes)
    await asyncio.sleep(0.01)
    assert len(passes) == seen  # nothing runs after the block
