"""The automation side of a worker process: executions claimed and run, lost ones
recovered, loops stepped, the local ADB server scanned, silent agents marked offline, old
screenshots deleted.

It runs beside the job worker, in `pixsim7 serve` (embedded) and in `pixsim7 worker`; any
number of them can share one database (claims and steps are conditional updates).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from fastapi import FastAPI

from pixsim7 import tasks
from pixsim7.automation import agents, devices, executions, loops, runner
from pixsim7.automation.runner import Context
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.events import EventBus
from pixsim7.logging import get_logger
from pixsim7.providers.registry import Registry

log = get_logger(__name__)


@dataclass
class AutomationConfig:
    tick_s: float = 1.0  # idle wait between looks for queued executions and due loops
    heartbeat_s: float = 5.0  # leases renewed, cancels seen, lost executions recovered
    scan_s: float = 30.0  # the local ADB server asked for its devices
    prune_s: float = 3600.0  # old executions' screenshots deleted (the retention setting)
    max_running: int = 8  # executions under way at once in this worker


class AutomationWorker:
    def __init__(self, ctx: Context, config: AutomationConfig) -> None:
        self.ctx, self.config = ctx, config
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        loops_ = [
            asyncio.create_task(self._claim_loop()),
            asyncio.create_task(self._every(self.config.heartbeat_s, self._maintain)),
            asyncio.create_task(self._every(self.config.scan_s, self._scan, first=0.0)),
            asyncio.create_task(self._listen()),
            asyncio.create_task(self._every(self.config.prune_s, self._prune, first=60.0)),
        ]
        try:
            await asyncio.Event().wait()
        finally:
            for task in loops_:
                task.cancel()
            await asyncio.gather(*loops_, return_exceptions=True)
            # Executions under way stop with the process; their leases lapse and another
            # worker (or this one, restarted) marks them failed.
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _claim_loop(self) -> None:
        while True:
            busy = False
            try:
                await loops.tick(self.ctx.db, self.ctx.bus)
                while len(self._tasks) < self.config.max_running:
                    claimed = await runner.claim(self.ctx)
                    if claimed is None:
                        break
                    busy = True
                    task = asyncio.create_task(self._run(claimed))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("automation claim failed")
            if not busy:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.config.tick_s):
                        await self._wake.wait()

    async def _run(self, claimed: runner.Claimed) -> None:
        try:
            await runner.run(self.ctx, claimed)
        except Exception:
            log.exception("execution run failed", execution_id=claimed.execution_id)
        self._wake.set()  # a device is free again

    async def _every(
        self, seconds: float, step: Callable[[], Awaitable[object]], first: float | None = None
    ) -> None:
        await asyncio.sleep(seconds if first is None else first)
        while True:
            try:
                await step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("automation housekeeping failed")
            await asyncio.sleep(seconds)

    async def _maintain(self) -> None:
        if await runner.recover(self.ctx):
            self._wake.set()
        async with self.ctx.db.reader() as reader:  # mostly nothing to do: no write lock
            if not await agents.anything_silent(reader, self.ctx.settings):
                return
        async with self.ctx.db.session() as session:
            await agents.mark_silent(session, self.ctx.settings)

    async def _scan(self) -> None:
        async with self.ctx.db.session() as session:
            if await devices.scan_local(session, self.ctx.settings.adb_address):
                self._wake.set()

    async def _prune(self) -> None:
        async with self.ctx.db.session() as session:
            pruned = await executions.prune_screenshots(session, self.ctx.settings)
        if pruned:
            log.info("old automation screenshots deleted", count=pruned)

    async def _listen(self) -> None:
        async with self.ctx.bus.subscribe() as queue:
            while True:
                event = await queue.get()
                # Queued or ended (a device freed), not each step's progress.
                step = event.type == "execution.updated" and "step" in event.data
                if event.type in ("execution.updated", "loop.updated") and not step:
                    self._wake.set()


@contextlib.asynccontextmanager
async def running(
    worker_id: str,
    db: Database,
    bus: EventBus,
    registry: Registry,
    settings: Settings,
    config: AutomationConfig | None = None,
) -> AsyncIterator[AutomationWorker]:
    config = config or AutomationConfig()
    ctx = Context(worker_id, db, bus, registry, settings, heartbeat_s=config.heartbeat_s)
    worker = AutomationWorker(ctx, config)
    async with tasks.running(worker.run(), f"automation-{worker_id}"):
        yield worker


@contextlib.asynccontextmanager
async def embedded(app: FastAPI) -> AsyncIterator[None]:
    """The background hook of `pixsim7 serve`."""
    from pixsim7.jobs.worker import new_worker_id

    state = app.state
    async with running(new_worker_id(), state.db, state.bus, state.registry, state.settings):
        yield
