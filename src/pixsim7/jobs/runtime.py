"""What a worker's loops share: its settings and the process-wide objects."""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from pixsim7 import clock
from pixsim7.accounts.models import SelectionStrategy
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.events import EventBus
from pixsim7.jobs import claim, outcomes, service
from pixsim7.jobs.models import Job
from pixsim7.providers.base import ErrorClass, Provider, ProviderError
from pixsim7.providers.registry import Registry


@dataclass
class WorkerConfig:
    lease_s: float = 60.0  # a dead worker's submitting jobs are recovered after this
    submit_concurrency: int = 32  # provider submit calls under way at once
    claim_batch: int = 16  # jobs claimed per transaction
    poll_batch: int = 500  # processing jobs taken per polling round
    poll_concurrency: int = 32  # poll calls under way at once
    tick_s: float = 0.5  # idle wait between claims when nothing woke us
    # When pending jobs cannot be served (no credits, every account busy), the idle wait
    # doubles from tick_s up to this: such a claim reads through every pending job. Changes
    # that can make room (a job ending, an account or job changed) still wake it at once.
    unserved_wait_s: float = 5.0
    # After a claim or polling round that took less than a full batch, the next waits this
    # long (worker._loop): work arriving meanwhile is taken together.
    gather_s: float = 0.05
    # A polling round that lists an account's jobs answers for all of them, due or not
    # (poller._whole_accounts); False polls only the due ones (bench/dispatch.py's "before").
    poll_whole_accounts: bool = True
    first_poll_s: float = 1.0  # first status check after submit (bounded by the provider's)
    max_poll_interval_s: float = 30.0
    heartbeat_s: float = 5.0
    explain_every_s: float = 2.0  # refresh pending jobs' wait reasons
    # Scene fills whose job ended unannounced (a worker died first) are settled by then;
    # a job's end wakes the settling at once.
    settle_every_s: float = 10.0
    explain_batch: int = 50
    account_events_s: float = 0.5  # how often changed accounts are published
    # How often the worker looks for accounts whose periodic balance read is due (the
    # interval itself is the setting `account_refresh_s`), and the least time between two
    # reads of an account's balance after its jobs end.
    refresh_tick_s: float = 5.0
    balance_after_jobs_s: float = 30.0
    shutdown_grace_s: float = 5.0  # on SIGTERM, submit calls under way get this long
    ingest: bool = True  # False: outputs stay at the provider's URL (dispatch benchmarks)
    retry: outcomes.RetryPolicy = field(default_factory=outcomes.RetryPolicy)
    strategies: dict[str, SelectionStrategy] = field(default_factory=dict)


@dataclass
class Runtime:
    """What a worker's loops share."""

    worker_id: str
    db: Database
    bus: EventBus
    registry: Registry
    settings: Settings
    config: WorkerConfig
    wake_poller: asyncio.Event = field(default_factory=asyncio.Event)
    wake_scheduler: asyncio.Event = field(default_factory=asyncio.Event)
    # Accounts whose slots, status or credits changed: published as account.updated in
    # batches (worker._publish_accounts), not once per job.
    touched_accounts: set[int] = field(default_factory=set)
    # Providers' acceptances of submit calls, written together (scheduler._accept): a
    # claim's batch is submitted at once and its answers come back close together.
    accepts: Batched[outcomes.Accept, Job | None] = field(init=False)
    # Status checks this worker scheduled (its accepted submits, its polling rounds): the
    # poller sleeps until the next one rather than a whole tick (`poll_wait`).
    _checks: list[dt.datetime] = field(default_factory=list)

    def __post_init__(self) -> None:
        async def write(items: list[outcomes.Accept]) -> list[Job | None]:
            async def work(tx: AsyncSession) -> list[Job | None]:
                return await outcomes.accepted_many(tx, items)

            return await transaction(self, work)

        self.accepts = Batched(write)

    def touch(self, *account_ids: int | None) -> None:
        self.touched_accounts.update(i for i in account_ids if i is not None)

    @property
    def strategies(self) -> dict[str, SelectionStrategy]:
        """Per-provider account choice: the settings', overridden by this worker's config."""
        chosen = {p: SelectionStrategy(s) for p, s in self.settings.account_strategies.items()}
        return {**chosen, **self.config.strategies}

    async def due(self) -> claim.Due:
        """What there is to do, read without the write lock."""
        async with self.db.reader() as session:
            return await claim.anything_to_do(
                session, clock.now(), worker_id=self.worker_id, silent_for=self.silent_for
            )

    @property
    def silent_for(self) -> dt.timedelta:
        """How long a worker may go without a heartbeat before others take over its work."""
        return dt.timedelta(seconds=self.config.lease_s)

    def lease_until(self) -> dt.datetime:
        return clock.now() + dt.timedelta(seconds=self.config.lease_s)

    def provider(self, provider_id: str) -> Provider:
        provider = self.registry.get(provider_id)
        if provider is None:
            raise ProviderError(f"provider {provider_id} missing", error_class=ErrorClass.INVALID)
        return provider

    def first_check(self, provider: Provider) -> dt.datetime:
        delay = min(self.config.first_poll_s, provider.info.poll_interval_s)
        return self.check_at(clock.now() + dt.timedelta(seconds=delay))

    def check_at(self, when: dt.datetime) -> dt.datetime:
        """Note a status check scheduled for `when` (returned as is)."""
        heapq.heappush(self._checks, when)
        return when

    def poll_wait(self) -> float:
        """How long the idle poller sleeps: until the next check it knows of (a little past
        it, so it is due), at most a tick (checks scheduled by other workers)."""
        now = clock.now()
        while self._checks and self._checks[0] <= now:
            heapq.heappop(self._checks)
        tick = self.config.tick_s
        if not self._checks:
            return tick
        # Not below 50 ms: a clock a test froze just short of a check must not spin.
        return min(tick, max(0.05, (self._checks[0] - now).total_seconds() + 0.005))

    async def emit(self, jobs: list[Job]) -> None:
        for job in jobs:
            await service.emit(self.bus, job)


T = TypeVar("T")
R = TypeVar("R")


class Batched(Generic[T, R]):
    """Calls that arrive while a batch is being written wait and are written together in
    the next one: `write` takes the items and returns one result per item, in order."""

    def __init__(self, write: Callable[[list[T]], Awaitable[list[R]]]) -> None:
        self._write = write
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def __call__(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._run())
        # Shielded: a caller cancelled meanwhile must not lose the others' write.
        return await asyncio.shield(future)

    async def _run(self) -> None:
        try:
            await asyncio.sleep(0)  # calls made in the same turn of the loop join in
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    results = await self._write([item for item, _ in batch])
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._writer = None


_RETRY_CODES = ("40P01", "40001")  # PostgreSQL deadlock_detected, serialization_failure


async def transaction(
    rt: Runtime, work: Callable[[AsyncSession], Awaitable[T]], *, attempts: int = 5
) -> T:
    """Run `work` in a fresh session and commit; run it again when PostgreSQL picked this
    transaction as a deadlock victim, or its connection had died (the work is conditional
    updates, so it is safe)."""
    for attempt in range(1, attempts + 1):
        async with rt.db.sessionmaker() as session:
            try:
                result = await work(session)
                await session.commit()
                return result
            except DBAPIError as exc:
                await session.rollback()
                orig = exc.orig
                cause = getattr(orig, "__cause__", None)
                code = getattr(orig, "pgcode", None) or getattr(cause, "sqlstate", None)
                # A connection found dead (the server restarted) is dropped from the
                # pool: the next attempt gets a fresh one.
                again = code in _RETRY_CODES or exc.connection_invalidated
                if not again or attempt == attempts:
                    raise
        await asyncio.sleep(0.01 * attempt)
    raise AssertionError("unreachable")
