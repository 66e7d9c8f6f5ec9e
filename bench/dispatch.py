"""Dispatch throughput: jobs/s from creation to completed against a zero-latency fake Pixverse.

50 web accounts of concurrency 5, N jobs (default 5,000), on SQLite with the embedded worker
and on PostgreSQL with 1 and 2 `pixsim7 worker` processes; then the same number of bare
create+status calls through the Pixverse adapter at the same concurrency (250), and the
ratio. Outputs stay at the fake (`--no-ingest`): this measures the scheduler, not media
processing (the asset pipeline has its own bench, bench/assets.py).

Run: .venv/bin/python bench/dispatch.py [--jobs 5000] [--pg postgresql://postgres@127.0.0.1/x]
    [--only sqlite|pg1|pg2|bare] [--creators K] [--batch B]
    [--log-level INFO] [--db-logs off|on|both] [--rounds R]
Scheduler time per job = CPU seconds of the worker(s) / jobs. Jobs are created one after
another by default; `--creators K` creates them K at a time, as K API clients would;
`--batch B` creates B per request, as POST /jobs/batch does. Machine CPU per job counts
every process (this one's creating, the workers, the fake, PostgreSQL): on a machine with
C cores the rate cannot pass C / that.

Logging: by default processes log at WARNING (next to nothing per job). `--log-level
INFO` logs each job's stages (created, claimed, submitting, submitted, polled, completed:
six lines or more a job), printed to /dev/null here instead of a terminal. `--db-logs on`
also stores them in the database through the log sink (logs/sink.py), as every process
does by default; `both` runs each database leg with it off and on, alternating, `--rounds`
times, and prints the cost of storing them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import func, select, update

from pixsim7 import logging as plog
from pixsim7 import migrate
from pixsim7.accounts import credentials
from pixsim7.accounts import service as accounts_service
from pixsim7.accounts.models import ProviderAccount
from pixsim7.config import Settings, async_url
from pixsim7.db import Database
from pixsim7.events import EventBus
from pixsim7.jobs import service as jobs_service
from pixsim7.jobs.models import Job
from pixsim7.jobs.runtime import Runtime, WorkerConfig
from pixsim7.jobs.schemas import JobCreate
from pixsim7.jobs.worker import new_worker_id, running
from pixsim7.logs import background as logs_background
from pixsim7.logs.models import LogEntry
from pixsim7.providers.base import AccountContext, OperationType, SubmitRequest
from pixsim7.providers.registry import Registry
from pixsim7.users import service as users_service
from pixsim7.users.models import User

ACCOUNTS, PER_ACCOUNT = 50, 5
SECRET = "bench-secret-key-that-is-long-enough-for-hkdf"
CLI = Path(sys.executable).parent / "pixsim7"
FAST = ["--first-poll", "0", "--tick", "0.02", "--heartbeat", "1", "--no-ingest"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_fake() -> tuple[subprocess.Popen[bytes], str]:
    """The fake in its own process, so it does not share our CPU time accounting."""
    port = _free_port()
    proc = subprocess.Popen(
        [str(CLI), "fake-provider", "pixverse", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.post(f"{url}/_fake/control", json={"job_seconds": 0}).raise_for_status()
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    # Credits at the fake too: completed jobs reconcile our balances from the fake's, and
    # its default runs out after a few thousand jobs (every leg shares this fake).
    for i in range(ACCOUNTS):
        httpx.post(
            f"{url}/_fake/control",
            json={"key": f"bench-{i}", "limit": PER_ACCOUNT, "credits": {"web": 1e12}},
        )
    return proc, url


# How the legs log (set from the command line): the level, and whether lines are stored.
LOGGING = {"level": "WARNING", "db": False}


def settings_for(url: str, data: Path, fake: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data,
        database_url=url,
        secret_key=SECRET,  # type: ignore[arg-type]
        pixverse_base_url=fake,
        log_level=LOGGING["level"],
        log_db=LOGGING["db"],
        default_max_jobs_per_day=10**7,
        default_max_concurrent_jobs=10**7,
    )


async def seed(settings: Settings, fake: str) -> int:
    """A user with 50 accounts of concurrency 5 and plenty of web credits."""
    db = Database(settings.effective_database_url)
    box = credentials.box(settings)
    async with db.session() as session:
        user = await users_service.create(
            session, settings=settings, email="bench@example.com", password="bench password 1"
        )
        for i in range(ACCOUNTS):
            account = ProviderAccount(
                provider_id="pixverse",
                owner_id=user.id,
                nickname=f"bench {i}",
                provider_user_id=f"bench-{i}",
                base_url=fake,
                max_concurrent_jobs=PER_ACCOUNT,
                max_concurrent_jobs_ceiling=PER_ACCOUNT,
                credit_pool="web",
            )
            credentials.store(account, box, jwt_token=f"bench-{i}")
            session.add(account)
            await session.flush()
            await accounts_service.set_credit(session, account.id, "web", 1e9)
        await session.execute(
            update(User).values(max_jobs_per_day=10**7, max_concurrent_jobs=10**7)
        )
        await session.commit()
        user_id = user.id
    await db.dispose()
    return user_id


async def create_and_wait(
    settings: Settings, user_id: int, n: int, creators: int, batch: int
) -> tuple[float, float]:
    """Create n jobs through the service (validated, costed, quota-checked), `creators` at a
    time as API requests would, `batch` per request, and wait until all are completed;
    returns the seconds from the first creation to the last completion, and the machine's
    busy CPU seconds then."""
    db = Database(settings.effective_database_url)
    registry = Registry(settings)
    bus = EventBus()
    busy = machine_busy()
    start = time.perf_counter()

    def request(i: int) -> JobCreate:
        return JobCreate(
            provider_id="pixverse",
            operation_type="text_to_video",
            params={"prompt": f"bench job {i}", "duration": 5},
        )

    async def create(share: range) -> None:
        async with db.session() as session:
            user = await session.get(User, user_id)
            assert user is not None
            if batch == 1:  # as POST /jobs
                for i in share:
                    await jobs_service.create(
                        session, user, request(i), registry=registry, settings=settings, bus=bus
                    )
                return
            for start in range(0, len(share), batch):  # as POST /jobs/batch
                items = [request(i) for i in share[start : start + batch]]
                await jobs_service.create_many(
                    session, user, items, registry=registry, settings=settings, bus=bus
                )

    await asyncio.gather(*(create(range(k, n, creators)) for k in range(creators)))
    print(f"  (created in {time.perf_counter() - start:.1f} s)", flush=True)
    while True:
        async with db.reader() as session:
            done = await session.scalar(
                select(func.count()).where(Job.status.in_(["completed", "failed"]))
            )
            await session.commit()
        if done == n:
            break
        await asyncio.sleep(0.05)
    elapsed, busy = time.perf_counter() - start, machine_busy() - busy
    async with db.session() as session:
        failed = await session.scalar(select(func.count()).where(Job.status == "failed"))
    assert not failed, f"{failed} jobs failed"
    await registry.aclose()
    await db.dispose()
    return elapsed, busy


def _spawn(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    # At INFO the printed copy of each line goes nowhere (a terminal would be the cost).
    out = subprocess.DEVNULL if LOGGING["level"] != "WARNING" else None
    return subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=out)


STORED = {"lines": 0}  # log lines the last leg stored in its database


async def stored_lines(db: Database) -> int:
    async with db.reader() as session:
        return int(await session.scalar(select(func.count()).select_from(LogEntry)) or 0)


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy (every process: ours, the workers, the
    fake, PostgreSQL), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_sqlite(
    n: int, fake: str, tmp: Path, creators: int, batch: int
) -> tuple[float, float, float]:
    data = tmp / "sqlite"
    url = f"sqlite+aiosqlite:///{data / 'pixsim7.db'}"
    data.mkdir()
    migrate.upgrade(url)
    settings = settings_for(url, data, fake)
    user_id = await seed(settings, fake)
    db, registry, bus = Database(url), Registry(settings), EventBus()
    config = WorkerConfig(first_poll_s=0.0, tick_s=0.02, heartbeat_s=1.0, ingest=False)
    rt = Runtime(new_worker_id(), db, bus, registry, settings, config)
    before = resource.getrusage(resource.RUSAGE_SELF)
    # The sink (when on) stores every process's lines: here, this one's, the jobs' creation
    # included, as the API process's with its embedded worker would be.
    async with logs_background.running(db, settings, process="api"), running(rt):
        elapsed, busy = await create_and_wait(settings, user_id, n, creators, batch)
    after = resource.getrusage(resource.RUSAGE_SELF)
    STORED["lines"] = await stored_lines(db)
    await registry.aclose()
    await db.dispose()
    # Our process also created the jobs: its CPU covers API-side work too (an upper bound).
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, cpu, busy


async def run_pg(
    n: int, fake: str, tmp: Path, pg: str, workers: int, creators: int, batch: int
) -> tuple[float, float, float]:
    name = f"pixsim7_bench_{os.getpid()}_{workers}"
    admin = pg.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await conn.execute(f'CREATE DATABASE "{name}"')
    url = async_url(admin.rsplit("/", 1)[0] + "/" + name)
    data = tmp / f"pg{workers}"
    data.mkdir()
    try:
        migrate.upgrade(url)
        settings = settings_for(url, data, fake)
        user_id = await seed(settings, fake)
        env = {
            **os.environ,
            "PIXSIM7_DATABASE_URL": url,
            "PIXSIM7_DATA_DIR": str(data),
            "PIXSIM7_SECRET_KEY": SECRET,
            "PIXSIM7_PIXVERSE_BASE_URL": fake,
            "PIXSIM7_LOG_LEVEL": str(LOGGING["level"]),
            "PIXSIM7_LOG_DB": "true" if LOGGING["db"] else "false",
        }
        env.pop("PIXSIM7_REDIS_URL", None)
        command = [str(CLI), "worker", *FAST]
        procs = [_spawn(command, env, data) for _ in range(workers)]
        await asyncio.sleep(3)  # let them start (migrations are already done)
        cpu0 = sum(_cpu_of(p.pid) for p in procs)
        elapsed, busy = await create_and_wait(settings, user_id, n, creators, batch)
        cpu = sum(_cpu_of(p.pid) for p in procs) - cpu0
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=30)
        db = Database(url)
        STORED["lines"] = await stored_lines(db)
        await db.dispose()
        return elapsed, cpu, busy
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


async def run_bare(n: int, fake: str) -> float:
    """The same number of create+status call pairs through the adapter, 250 at a time."""
    settings = settings_for("sqlite://", Path(tempfile.gettempdir()), fake)
    provider = Registry(settings).get("pixverse")
    assert provider is not None
    params = provider.validate(OperationType.TEXT_TO_VIDEO, {"prompt": "bare", "duration": 5})
    limit = asyncio.Semaphore(ACCOUNTS * PER_ACCOUNT)
    slots = [asyncio.Semaphore(PER_ACCOUNT) for _ in range(ACCOUNTS)]

    async def one(i: int) -> None:
        account = AccountContext(
            id=i % ACCOUNTS, provider_id="pixverse", base_url=fake, jwt_token=f"bench-{i % 50}"
        )
        request = SubmitRequest(OperationType.TEXT_TO_VIDEO, params, {}, f"bare-{i}")
        async with limit, slots[i % ACCOUNTS]:
            result = await provider.submit(account, request)
            await provider.poll(account, [result.provider_job_id])

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    elapsed = time.perf_counter() - start
    await provider.aclose()
    return elapsed


def _quiet_stderr() -> None:
    """The printed copy of this process's lines to /dev/null (at INFO, thousands a second:
    a terminal would be what is measured)."""
    import logging

    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115


POLL_LIST = "/creative_platform/video/list/personal"


async def run_poll(
    fake: str, tmp: Path, *, whole: bool, jobs: int, every: float, job_seconds: float
) -> tuple[float, int, float]:
    """Status calls per completed job: one web account, `jobs` jobs submitted `every`
    seconds apart (each running `job_seconds` at the fake), the embedded worker with its
    default polling schedule on SQLite. `whole` False polls only the jobs due each round
    (the behaviour before `poll_whole_accounts`). Returns calls per job, calls, seconds."""
    key = f"poll-{'whole' if whole else 'due'}-{os.getpid()}"
    async with httpx.AsyncClient() as control:
        r = await control.post(
            f"{fake}/_fake/control",
            json={"key": key, "limit": jobs, "job_seconds": job_seconds, "credits": {"web": 1e9}},
        )
        r.raise_for_status()
    data = tmp / key
    data.mkdir()
    url = f"sqlite+aiosqlite:///{data / 'pixsim7.db'}"
    migrate.upgrade(url)
    settings = settings_for(url, data, fake)
    db, registry, bus = Database(url), Registry(settings), EventBus()
    box = credentials.box(settings)
    async with db.session() as session:
        user = await users_service.create(
            session, settings=settings, email="poll@example.com", password="bench password 1"
        )
        account = ProviderAccount(
            provider_id="pixverse",
            owner_id=user.id,
            nickname="poll",
            provider_user_id=key,
            base_url=fake,
            max_concurrent_jobs=jobs,
            max_concurrent_jobs_ceiling=jobs,
            credit_pool="web",
        )
        credentials.store(account, box, jwt_token=key)
        session.add(account)
        await session.flush()
        await accounts_service.set_credit(session, account.id, "web", 1e9)
        await session.commit()
        user_id = user.id
    config = WorkerConfig(ingest=False, poll_whole_accounts=whole)
    rt = Runtime(new_worker_id(), db, bus, registry, settings, config)
    start = time.perf_counter()
    async with running(rt):
        async with db.session() as session:
            for i in range(jobs):
                if i:
                    await asyncio.sleep(every)
                user = await session.get(User, user_id)
                assert user is not None
                await jobs_service.create(
                    session,
                    user,
                    JobCreate(
                        provider_id="pixverse",
                        operation_type="text_to_video",
                        params={"prompt": f"staggered {i}", "duration": 5},
                    ),
                    registry=registry,
                    settings=settings,
                    bus=bus,
                )
        while True:
            async with db.reader() as session:
                done = await session.scalar(
                    select(func.count()).where(Job.status.in_(["completed", "failed"]))
                )
            if done == jobs:
                break
            await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - start
    await registry.aclose()
    await db.dispose()
    async with httpx.AsyncClient() as control:
        log = (await control.get(f"{fake}/_fake/requests")).json()
    calls = sum(1 for r in log if r["path"] == POLL_LIST and r["headers"].get("token") == key)
    return calls / jobs, calls, elapsed


async def poll_figures(fake: str, tmp: Path, jobs: int, every: float, job_seconds: float) -> None:
    print(
        f"status calls per completed job: 1 web account, {jobs} jobs submitted {every} s "
        f"apart, each {job_seconds} s at the fake, default polling schedule"
    )
    for whole, name in ((False, "due jobs only (before)"), (True, "whole account (now)")):
        per_job, calls, elapsed = await run_poll(
            fake, tmp, whole=whole, jobs=jobs, every=every, job_seconds=job_seconds
        )
        print(f"  {name:<24} {calls:3d} list calls = {per_job:.2f} per job ({elapsed:.1f} s)")


def report(
    name: str, n: int, elapsed: float, cpu: float, busy: float, bare_rate: float
) -> dict[str, Any]:
    rate = n / elapsed
    print(
        f"{name:<28} {n} jobs in {elapsed:6.1f} s = {rate:7.1f} jobs/s; "
        f"scheduler CPU {1000 * cpu / n:5.2f} ms/job; {rate / bare_rate:.0%} of bare HTTP; "
        f"machine CPU {1000 * busy / n:5.2f} ms/job ({busy / elapsed:.1f} of "
        f"{os.cpu_count()} cores busy); {STORED['lines'] / n:.1f} log lines stored per job"
    )
    return {"name": name, "jobs_per_s": rate, "cpu_ms_per_job": 1000 * cpu / n}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--log-level", choices=["WARNING", "INFO", "DEBUG"], default="WARNING")
    parser.add_argument(
        "--db-logs",
        choices=["off", "on", "both"],
        default="off",
        help="store log lines in the database (both: each leg off and on, alternating)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="with --db-logs both")
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--pg", default=os.environ.get("PIXSIM7_TEST_DATABASE_URL"))
    parser.add_argument("--only", choices=["sqlite", "pg1", "pg2", "bare", "poll"], default=None)
    parser.add_argument("--poll-jobs", type=int, default=10, help="jobs of the polling leg")
    parser.add_argument(
        "--poll-every", type=float, default=0.7, help="seconds between its submissions"
    )
    parser.add_argument(
        "--poll-job-seconds", type=float, default=6.0, help="each job's time at the fake"
    )
    parser.add_argument(
        "--creators", type=int, default=1, help="jobs created this many at a time (default 1)"
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=1,
        help="jobs per creation request (default 1, as POST /jobs; up to 100, as /jobs/batch)",
    )
    args = parser.parse_args()
    LOGGING["level"] = args.log_level
    plog.configure(args.log_level, json=True)
    if args.log_level != "WARNING":
        _quiet_stderr()
    n = args.jobs
    fake_proc, fake = start_fake()
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            if args.only in (None, "poll"):
                await poll_figures(
                    fake, tmp, args.poll_jobs, args.poll_every, args.poll_job_seconds
                )
                if args.only == "poll":
                    return
            bare = await run_bare(n, fake)
            bare_rate = n / bare
            print(
                f"{'bare create+status (250)':<28} {n} pairs in {bare:6.1f} s = {bare_rate:7.1f}/s"
            )
            if args.batch == 1:
                print("jobs created one per request, as POST /jobs (--batch 100: /jobs/batch)")
            else:
                print(f"jobs created {args.batch} per request, as POST /jobs/batch")
            legs: list[tuple[str, str, Any]] = []
            if args.only in (None, "sqlite"):
                legs.append(
                    ("sqlite", "SQLite, embedded worker", lambda t: run_sqlite(n, fake, t, *how))
                )
            if args.pg and args.only in (None, "pg1"):
                legs.append(
                    ("pg1", "PostgreSQL, 1 worker", lambda t: run_pg(n, fake, t, args.pg, 1, *how))
                )
            if args.pg and args.only in (None, "pg2"):
                legs.append(
                    ("pg2", "PostgreSQL, 2 workers", lambda t: run_pg(n, fake, t, args.pg, 2, *how))
                )
            how = (args.creators, args.batch)
            modes = {"off": [False], "on": [True], "both": [False, True] * args.rounds}
            rates: dict[tuple[str, bool], list[float]] = {}
            for key, name, run in legs:
                for i, db_logs in enumerate(modes[args.db_logs]):
                    LOGGING["db"] = db_logs
                    leg = tmp / f"{key}-{i}"
                    leg.mkdir()
                    label = f"{name}, logs {'stored' if db_logs else 'not stored'}"
                    figures = report(label, n, *await run(leg), bare_rate)
                    rates.setdefault((key, db_logs), []).append(figures["jobs_per_s"])
            if args.db_logs == "both":
                print(f"cost of storing log lines (at {args.log_level}), median jobs/s:")
                for key, name, _ in legs:
                    off = statistics.median(rates[(key, False)])
                    on = statistics.median(rates[(key, True)])
                    print(f"  {name:<24} off {off:7.1f}, on {on:7.1f}: {1 - on / off:+.1%} slower")
    finally:
        fake_proc.send_signal(signal.SIGTERM)
        fake_proc.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
