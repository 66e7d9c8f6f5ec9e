"""A worker: the scheduler (claim + submit), the poller, recovery of dead workers' jobs,
a heartbeat, and wait reasons kept current. Runs inside `pixsim7 serve` (`embedded`) or
alone (`pixsim7 worker`, `run_process`); any number of them can share one PostgreSQL.

Stopping (SIGTERM, SIGINT) stops claiming at once, finishes the submit calls under way
(within `shutdown_grace_s`), then releases what it holds: processing jobs go back to the
pool of pollable jobs, and a submitting job it could not finish has its lease expired so
another worker recovers it at once. Renders of its own (`local`) end with the process;
whoever polls them next finds them lost and submits them again, without counting a
failed attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import secrets
import signal
import socket
from collections.abc import AsyncIterator, Callable
from typing import cast

import structlog
from fastapi import FastAPI
from sqlalchemy import Table, bindparam, delete, select, update

from pixsim7 import clock
from pixsim7.accounts import refresh
from pixsim7.accounts import service as accounts_service
from pixsim7.config import Settings
from pixsim7.db import Database, insert_ignore
from pixsim7.events import EventBus, create_bus
from pixsim7.jobs import claim, scheduler, service, waiting
from pixsim7.jobs.models import Job, Worker
from pixsim7.jobs.poller import Poller
from pixsim7.jobs.runtime import Runtime, WorkerConfig
from pixsim7.jobs.states import TERMINAL, JobStatus
from pixsim7.logging import get_logger
from pixsim7.logs import background as logs_background
from pixsim7.providers.registry import Registry
from pixsim7.scenes import fills

log = get_logger(__name__)
STALE_WORKER = dt.timedelta(hours=1)  # rows of workers gone this long are removed
# Credits added, an account created or back in service: pending jobs may now be served.
_ACCOUNT_CHANGES = ("account.created", "account.updated")
_ENDED = frozenset(s.value for s in TERMINAL)
FILL_BATCH = 50


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(3)}"


class JobWorker:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.poller = Poller(rt)
        self._stopping = asyncio.Event()
        self._submits: set[asyncio.Task[None]] = set()
        self._explain_after = 0
        self._unserved = 0  # claims in a row that found pending jobs but could serve none
        self._job_ended = asyncio.Event()  # wakes the settling of scene fills

    async def run(self) -> None:
        # Every line of this worker's loops (tasks copy the context) names it.
        structlog.contextvars.bind_contextvars(worker_id=self.rt.worker_id)
        await self._heartbeat()
        log.info("worker started", worker_id=self.rt.worker_id)
        loops = [
            asyncio.create_task(
                self._loop(
                    self._schedule_once,
                    self.rt.wake_scheduler,
                    self._claim_wait,
                    self.rt.config.claim_batch,
                )
            ),
            asyncio.create_task(
                self._loop(
                    self.poller.round,
                    self.rt.wake_poller,
                    self.rt.poll_wait,
                    self.rt.config.poll_batch,
                )
            ),
            asyncio.create_task(
                self._loop(
                    self._settle_fills,
                    self._job_ended,
                    lambda: self.rt.config.settle_every_s,
                    FILL_BATCH,
                )
            ),
            asyncio.create_task(self._every(self.rt.config.heartbeat_s, self._heartbeat)),
            asyncio.create_task(self._every(self.rt.config.explain_every_s, self._maintain)),
            asyncio.create_task(
                self._every(self.rt.config.account_events_s, self._publish_accounts)
            ),
            asyncio.create_task(self._every(self.rt.config.refresh_tick_s, self._refresh)),
            asyncio.create_task(self._listen()),
        ]
        try:
            await self._stopping.wait()
        finally:
            for task in loops:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self._drain()
            await self._release()
            await self._publish_accounts()
            log.info("worker stopped", worker_id=self.rt.worker_id)

    def stop(self) -> None:
        self._stopping.set()

    async def until_stopped(self) -> None:
        await self._stopping.wait()

    async def _loop(
        self, step: object, wake: asyncio.Event, idle: Callable[[], float], batch: int
    ) -> None:
        """Run `step` while it finds work; when idle, sleep until woken or `idle()` passes.

        A step costs a few statements whatever its size, so after one that took less than
        a full `batch` (it took all there was) the next waits `gather_s` for work to
        gather, woken or not: with work trickling in, every job ending or created woke a
        step for that one job, in every worker."""
        assert callable(step)
        while True:
            try:
                busy = await step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("worker step failed")
                busy = 0
            if busy:
                await asyncio.sleep(0 if busy >= batch else self.rt.config.gather_s)
                continue
            wake.clear()
            # Not asyncio.wait_for: on Python 3.11 a stop arriving as the wake-up does
            # was swallowed there, and this loop, then the worker's stop, ran on forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(idle()):
                    await wake.wait()

    async def _every(self, seconds: float, step: object) -> None:
        assert callable(step)
        while True:
            await asyncio.sleep(seconds)
            try:
                await step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("worker housekeeping failed")

    async def _schedule_once(self) -> int:
        if len(self._submits) >= self.rt.config.submit_concurrency:
            await asyncio.wait(self._submits, return_when=asyncio.FIRST_COMPLETED)
        due = await self.rt.due()
        if due.expired and await scheduler.recover(self.rt):
            return self.rt.config.claim_batch  # one at a time: more may be waiting
        if not due.pending:
            return 0
        room = self.rt.config.submit_concurrency - len(self._submits)
        attempts = await scheduler.claim_batch(self.rt, min(room, self.rt.config.claim_batch))
        # Back off only when nothing runs anywhere: while jobs run, one ending makes room,
        # and a worker not told of it (another process, no Redis) finds it at its tick.
        self._unserved = 0 if attempts or due.in_flight else self._unserved + 1
        for attempt in attempts:
            task = asyncio.create_task(scheduler.submit(self.rt, attempt))
            self._submits.add(task)
            task.add_done_callback(self._submit_done)
        return len(attempts)

    def _claim_wait(self) -> float:
        config = self.rt.config
        if not self._unserved:
            return config.tick_s
        return min(config.tick_s * 2 ** min(self._unserved, 16), config.unserved_wait_s)

    def _submit_done(self, task: asyncio.Task[None]) -> None:
        self._submits.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("submit failed", exc_info=task.exception())

    async def _listen(self) -> None:
        """New or changed jobs and accounts (from any process, through the bus) wake the
        scheduler; a job pending until a time (scheduled, or a retry's backoff) wakes it
        then too, as the scheduler may be in a long wait (`_claim_wait`)."""
        loop = asyncio.get_running_loop()
        async with self.rt.bus.subscribe() as queue:
            while True:
                event = await queue.get()
                # One job's event, or one for many (a queue selection: their statuses).
                if event.type == "job.batch":
                    statuses = set(event.data.get("statuses") or ())
                else:
                    statuses = {event.data.get("status")}
                pending = event.type.startswith("job.") and "pending" in statuses
                if pending or event.type in ("queue.updated", *_ACCOUNT_CHANGES):
                    self.rt.wake_scheduler.set()
                if event.type in ("job.updated", "job.batch") and statuses & _ENDED:
                    self._job_ended.set()
                if pending and event.data.get("scheduled_at"):
                    due = dt.datetime.fromisoformat(event.data["scheduled_at"])
                    delay = (due - clock.now()).total_seconds()
                    if delay > 0:
                        loop.call_later(delay, self.rt.wake_scheduler.set)

    async def _settle_fills(self) -> int:
        """Clips generated for scene nodes go into their nodes (scenes/fills.py)."""
        async with self.rt.db.sessionmaker() as session:
            return await fills.settle(
                session, settings=self.rt.settings, bus=self.rt.bus, limit=FILL_BATCH
            )

    async def _heartbeat(self) -> None:
        rt, now = self.rt, clock.now()
        async with rt.db.sessionmaker() as session:
            await insert_ignore(
                session,
                Worker,
                {
                    "id": rt.worker_id,
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": now,
                    "heartbeat_at": now,
                    "stopping": False,
                },
            )
            await session.execute(
                update(Worker)
                .where(Worker.id == rt.worker_id)
                .values(heartbeat_at=now, stopping=self._stopping.is_set())
            )
            # Submit calls still under way keep their lease.
            await claim.extend_leases(session, worker_id=rt.worker_id, lease_until=rt.lease_until())
            await session.execute(delete(Worker).where(Worker.heartbeat_at < now - STALE_WORKER))
            await session.commit()

    async def _maintain(self) -> None:
        """Cooled-down accounts come back; waiting jobs' reasons are refreshed, a batch at a
        time in id order, wrapping around."""
        rt = self.rt
        async with rt.db.sessionmaker() as session:
            restored = await accounts_service.restore_cooled_down(session)
            orphans = await service.fail_orphans(session)
            await session.commit()
            jobs = (
                await session.scalars(
                    select(Job)
                    .where(Job.status == JobStatus.PENDING.value, Job.id > self._explain_after)
                    .order_by(Job.id)
                    .limit(rt.config.explain_batch)
                )
            ).all()
            self._explain_after = jobs[-1].id if len(jobs) == rt.config.explain_batch else 0
            reasons = await waiting.reasons(session, jobs)
            await session.commit()
            # One short transaction for the batch (on SQLite, one write instead of one per
            # job queueing against the claims). Rows still pending and not locked by anyone
            # else: this never waits for a lock, so it cannot deadlock with a cancel or a
            # failing parent; a skipped job is explained next time.
            stale = {j.id: j for j in jobs if reasons[j.id] != j.wait_reason}
            changed = []
            if stale:
                free = (
                    select(Job.id)
                    .where(Job.id.in_(stale), Job.status == JobStatus.PENDING.value)
                    .order_by(Job.id)
                )
                if rt.db.dialect == "postgresql":
                    free = free.with_for_update(skip_locked=True)
                changed = [stale[i] for i in await session.scalars(free)]
                if changed:
                    jobs_table = cast(Table, Job.__table__)
                    await session.execute(
                        update(jobs_table)
                        .where(jobs_table.c.id == bindparam("job"))
                        .values(wait_reason=bindparam("why")),
                        [{"job": j.id, "why": reasons[j.id]} for j in changed],
                    )
                for job in changed:
                    job.wait_reason = reasons[job.id]
                await session.commit()
        for job in [*orphans, *changed]:
            await service.emit(rt.bus, job)
        rt.touch(*restored)
        if restored or changed:
            rt.wake_scheduler.set()

    async def _refresh(self) -> None:
        """Balances due for their periodic read (accounts/refresh.py)."""
        rt = self.rt
        if rt.settings.account_refresh_s > 0:
            read = await refresh.refresh(
                rt.db, rt.registry, rt.settings, every=rt.settings.account_refresh_s
            )
            rt.touch(*read)
            if read:
                rt.wake_scheduler.set()

    async def _publish_accounts(self) -> None:
        ids, self.rt.touched_accounts = sorted(self.rt.touched_accounts), set()
        if ids:
            async with self.rt.db.reader() as session:
                await accounts_service.publish(session, self.rt.bus, ids)

    async def _drain(self) -> None:
        if self._submits:
            # Bounded: a provider hanging on a create must not outlast the grace a process
            # manager gives (10 s in Docker). What is still under way is then cut off and
            # released (`_release`): the next worker asks the provider before submitting
            # again. Cut off, not left running: a call failing as the process closes its
            # clients would count as the job's failure.
            _, late = await asyncio.wait(self._submits, timeout=self.rt.config.shutdown_grace_s)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def _release(self) -> None:
        rt, now = self.rt, clock.now()
        async with rt.db.sessionmaker() as session:
            await session.execute(
                update(Job)
                .where(Job.lease_owner == rt.worker_id, Job.status == JobStatus.PROCESSING.value)
                .values(lease_owner=None, lease_until=None)
            )
            # A submit we could not finish: let the next worker recover it now.
            await session.execute(
                update(Job)
                .where(Job.lease_owner == rt.worker_id, Job.status == JobStatus.SUBMITTING.value)
                .values(lease_until=now)
            )
            await session.execute(delete(Worker).where(Worker.id == rt.worker_id))
            await session.commit()


@contextlib.asynccontextmanager
async def running(rt: Runtime) -> AsyncIterator[JobWorker]:
    worker = JobWorker(rt)
    task = asyncio.create_task(worker.run(), name=f"worker-{rt.worker_id}")
    try:
        yield worker
    finally:
        worker.stop()
        await task


@contextlib.asynccontextmanager
async def embedded(app: FastAPI, config: WorkerConfig | None = None) -> AsyncIterator[None]:
    """The background hook of `pixsim7 serve`: one worker inside the API process."""
    state = app.state
    async with state.db.session() as session:
        await accounts_service.ensure_builtin(session, state.settings)
    rt = Runtime(
        worker_id=new_worker_id(),
        db=state.db,
        bus=state.bus,
        registry=state.registry,
        settings=state.settings,
        config=config or WorkerConfig(shutdown_grace_s=state.settings.shutdown_grace_s),
    )
    async with running(rt) as worker:
        # The server's stop (app.stop) stops the worker at once, not once its connections
        # have closed and the lifespan ends.
        stopper = asyncio.create_task(_stop_with(state.stopping, worker))
        try:
            yield
        finally:
            stopper.cancel()


async def _stop_with(stopping: asyncio.Event, worker: JobWorker) -> None:
    await stopping.wait()
    worker.stop()


async def run_process(settings: Settings, config: WorkerConfig) -> None:
    """`pixsim7 worker`: own database pool, event bus and adapters; stops on SIGTERM/SIGINT."""
    # No test query before each transaction: that was a round trip per job. After a
    # database restart, a step that meets a dead connection fails and is run again on a
    # fresh one (the loops go on; `runtime.transaction` retries at once).
    db = Database(settings.effective_database_url, pre_ping=False)
    bus: EventBus = create_bus(settings.redis_url, channel=settings.events_channel)
    registry = Registry(settings)
    await bus.start()
    try:
        async with db.session() as session:
            await accounts_service.ensure_builtin(session, settings)
        rt = Runtime(new_worker_id(), db, bus, registry, settings, config)
        from pixsim7.automation import worker as automation

        async with (
            logs_background.running(db, settings, process="worker"),
            running(rt) as worker,
            automation.running(rt.worker_id, db, bus, registry, settings),
        ):
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, worker.stop)
            await worker.until_stopped()
    finally:
        await registry.aclose()
        await bus.stop()
        await db.dispose()
