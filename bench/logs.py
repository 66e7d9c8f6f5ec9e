"""GET /api/v1/logs at 1,000,000 stored lines: first page with two filters, p50 and p99.

    .venv/bin/python bench/logs.py [--lines 1000000] [--requests 200] [--db sqlite|postgresql]
        [--no-facets] [--explain] [--before] [--trgm]

SQLite always; PostgreSQL too when PIXSIM7_TEST_DATABASE_URL is set (a scratch database is
created next to it and dropped afterwards). The lines are made by the database itself in one
INSERT ... SELECT (generate_series on PostgreSQL, a recursive CTE on SQLite), shaped like a
week of a busy instance's log: 30 % access lines of 50 users, 70 % job-stage lines of 100,000
jobs on 5 providers and 200 accounts; 94 % info, 5 % warning, 1 % error, warnings and errors
with an error class. Then each query of QUERIES is asked `--requests` times through the app
in-process (httpx over ASGI) as an admin: the first page of 50 with its facets, as the log
viewer asks it. Printed: wall p50 / p99 in ms, CPU per request (this process's and the
PostgreSQL backends'), the matches on the page and the facet count.
First, the CPU a line logged at INFO costs with the database sink off and on (the
sink's own writes included), as a process logging job stages pays it, and how much of it
is on the event loop's thread (on SQLite the lines are written by a thread of their own,
logs/file.py).
`--trgm` (PostgreSQL) adds a trigram index on the message after the fill, an experiment
for the text filter (no migration makes it).
`--explain` prints each query's plan (EXPLAIN / EXPLAIN QUERY PLAN); `--before` also times
each query with its facets counted as before b508602 (the newest 10,000 matches however far
back they lie, not only among the newest 100,000 lines), alternating with now.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import select, text

from pixsim7 import logging as plog
from pixsim7 import migrate
from pixsim7.app import create_app
from pixsim7.config import Settings, async_url
from pixsim7.logs import service
from pixsim7.logs.schemas import LogFilter
from pixsim7.users import service as users_service
from pixsim7.users.models import Role

PASSWORD = "bench password 123"
PG_URL = os.environ.get("PIXSIM7_TEST_DATABASE_URL")

# Two conditions each, as a person narrowing the viewer would combine them.
QUERIES: dict[str, dict[str, Any]] = {
    "warning+ on pixverse": {"level": "warning", "provider": "pixverse"},
    "error + text 'timeout'": {"level": "error", "q": "timeout"},
    "a job + text 'poll'": {"job_id": 54321, "q": "poll"},
    "provider sora + text 'quota'": {"provider": "sora", "q": "quota"},
    "a user + warning+": {"user_id": 17, "level": "warning"},
    "stage + text (rare)": {"stage": "submitted", "q": "content filter"},
}

# The line's shape from its number g (1..N), the same expressions on both databases.
# k = g % 10: 0-2 access lines (api), 3-9 stages of job g / 10 (worker).
_STAGES = ["created", "claimed", "submitting", "submitted", "polled", "polled", "completed"]
_ERROR_CLASSES = ["quota", "rate_limited", "timeout", "provider_error", "network", "content"]
_ERROR_EVENTS = [
    "account quota exhausted; trying another account",
    "rate limited by the provider; backing off",
    "provider call timeout; will retry",
    "provider answered 502; will retry",
    "connection reset while polling",
    "prompt refused by the content filter",
]
_PROVIDERS = ["pixverse"] * 5 + ["sora"] * 2 + ["runway", "comfyui", "local"]
_PATHS = ["/api/v1/jobs", "/api/v1/assets", "/api/v1/logs", "/api/v1/accounts", "/api/v1/scenes"]


def _case(expr: str, values: list[str], quote: bool = True) -> str:
    parts = " ".join(f"WHEN {i} THEN " + (f"'{v}'" if quote else v) for i, v in enumerate(values))
    return f"(CASE {expr} {parts} END)"


def _select(n: int, dialect: str) -> str:
    """SELECT of the N rows' columns from a series `s(g)`."""
    k = "(g % 10)"
    job = "(g / 10 + 1)"
    # Mixed so that they do not follow k (the numbers are 64-bit on both databases).
    h = "(((g * 7919) % 10007) % 100)"  # level: 0 error, 1-5 warning, else info
    e = "(((g * 104729) % 1009) % 6)"  # which trouble
    if dialect == "postgresql":
        ts = f"(now() - ({n} - g) * interval '600 milliseconds')"
        extra_access = (
            "jsonb_build_object('path', "
            + _case("(g % 5)", _PATHS)
            + ", 'status', CASE WHEN "
            + h
            + " = 0 THEN 500 WHEN "
            + h
            + " < 6 THEN 404 ELSE 200 END, 'method', 'GET')"
        )
        extra_job = "jsonb_build_object('attempt', 1 + g % 3, 'prompt_chars', 40 + g % 400)"
    else:
        ts = f"datetime('now', '-' || (({n} - g) * 6 / 10) || ' seconds')"
        extra_access = (
            "json_object('path', "
            + _case("(g % 5)", _PATHS)
            + ", 'status', CASE WHEN "
            + h
            + " = 0 THEN 500 WHEN "
            + h
            + " < 6 THEN 404 ELSE 200 END, 'method', 'GET')"
        )
        extra_job = "json_object('attempt', 1 + g % 3, 'prompt_chars', 40 + g % 400)"
    level = f"(CASE WHEN {h} = 0 THEN 40 WHEN {h} < 6 THEN 30 ELSE 20 END)"
    trouble = f"{h} < 6"
    stage_event = _case(f"({k} - 3)", [f"job {s}" for s in _STAGES])
    return f"""
SELECT
  {ts} AS ts,
  {level} AS level,
  CASE WHEN {k} < 3 THEN 'pixsim7.access' WHEN {trouble} THEN 'pixsim7.providers.'
       || {_case(f"({job} % 10)", _PROVIDERS)} ELSE 'pixsim7.jobs.worker' END AS logger,
  CASE WHEN {k} < 3 THEN 'request' WHEN {trouble} THEN {_case(e, _ERROR_EVENTS)}
       ELSE {stage_event} END AS event,
  CASE WHEN {k} < 3 THEN 'api' ELSE 'worker' END AS process,
  CASE WHEN {k} < 3 THEN 'host-a-1201' ELSE 'host-b-' || (1300 + g % 2) END AS worker_id,
  CASE WHEN {k} < 3 THEN 'req-' || g END AS request_id,
  CASE WHEN {k} < 3 THEN 1 + ((g * 31) % 997) % 50 ELSE 1 + ({job} * 7) % 50 END AS user_id,
  CASE WHEN {k} >= 3 THEN {job} END AS job_id,
  CASE WHEN {k} >= 3 THEN 1 + ({job} * 13) % 200 END AS account_id,
  CASE WHEN {k} >= 3 THEN {_case(f"({job} % 10)", _PROVIDERS)} END AS provider,
  CASE WHEN {k} >= 3 THEN {_case(f"({k} - 3)", _STAGES)} END AS stage,
  CASE WHEN {k} >= 3 THEN (g % 5000) * 1.5 ELSE (g % 300) * 0.7 END AS duration_ms,
  CASE WHEN {k} >= 3 AND {trouble} THEN {_case(e, _ERROR_CLASSES)} END AS error_class,
  CASE WHEN {h} = 0 AND {k} >= 3 THEN 'Traceback (most recent call last):\n  ...\nTimeoutError'
       END AS exception,
  CASE WHEN {k} < 3 THEN {extra_access} ELSE {extra_job} END AS extra
FROM s"""


TRIGRAMS = {"on": False}  # --trgm: a trigram index on the message (PostgreSQL)

_COLUMNS = (
    "ts, level, logger, event, process, worker_id, request_id, user_id, job_id, account_id, "
    "provider, stage, duration_ms, error_class, exception, extra"
)


async def fill(app: Any, lines: int) -> None:
    """`lines` rows made by the database, in chunks of 250,000 (one statement each)."""
    dialect = app.state.db.dialect
    chunk = 250_000
    for start in range(1, lines + 1, chunk):
        end = min(lines, start + chunk - 1)
        body = _select(lines, dialect)
        if dialect == "postgresql":
            sql = (
                f"INSERT INTO log_entries ({_COLUMNS}) {body.replace('FROM s', '')}"
                f"FROM generate_series({start}::bigint, {end}::bigint) AS s(g)"
            )
        else:
            sql = (
                f"WITH RECURSIVE s(g) AS (SELECT {start} UNION ALL SELECT g + 1 FROM s "
                f"WHERE g < {end}) INSERT INTO log_entries ({_COLUMNS}) {body}"
            )
        async with app.state.db.logmaker() as s:  # on SQLite, the lines' own file
            await s.execute(text(sql))
            await s.commit()
    if dialect == "sqlite":
        async with app.state.db.logmaker() as s:
            await s.execute(text("ANALYZE"))
            await s.commit()
        return
    async with app.state.db.engine.connect() as conn:  # as autovacuum would after a while
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if TRIGRAMS["on"]:  # an experiment: not in the migrations
            await auto.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            await auto.exec_driver_sql(
                "CREATE INDEX ix_log_entries_event_trgm ON log_entries "
                "USING gin (event gin_trgm_ops)"
            )
        await auto.exec_driver_sql("VACUUM ANALYZE log_entries")


async def _admin(app: Any) -> dict[str, str]:
    async with app.state.db.session() as s:
        await users_service.create(
            s,
            settings=app.state.settings,
            email="admin@example.com",
            password=PASSWORD,
            role=Role.ADMIN,
        )
        await s.commit()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://b") as c:
        r = await c.post(
            "/api/v1/auth/login", json={"email": "admin@example.com", "password": PASSWORD}
        )
        r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def explain(app: Any, query: dict[str, Any]) -> None:
    """The plans of the page's and the facets' statements."""
    from sqlalchemy.dialects import postgresql, sqlite

    from pixsim7.logs.models import LogEntry

    dialect = app.state.db.dialect
    f = LogFilter(**query)
    where = service._conditions(f)
    page = select(LogEntry).where(*where).order_by(LogEntry.id.desc()).limit(51)
    statements = {"page": page}
    async with app.state.db.reader() as s:
        newest = await s.scalar(
            select(LogEntry.id).where(*where).order_by(LogEntry.id.desc()).limit(1)
        )
        windowed, _ = await service._facet_window(s, where, newest or 0)
    statements["facets"] = service._facets_statement(windowed)
    compiler = postgresql.dialect() if dialect == "postgresql" else sqlite.dialect()
    prefix = "EXPLAIN (ANALYZE, BUFFERS)" if dialect == "postgresql" else "EXPLAIN QUERY PLAN"
    for name, stmt in statements.items():
        sql = str(stmt.compile(dialect=compiler, compile_kwargs={"literal_binds": True}))
        async with app.state.db.reader() as s:
            plan = (await s.execute(text(f"{prefix} {sql}"))).all()
        print(f"    {name}:")
        for row in plan:
            print("      " + " | ".join(str(v) for v in row))


async def bench(
    settings: Settings,
    label: str,
    lines: int,
    requests: int,
    facets: bool,
    show: bool,
    before: bool,
) -> None:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        headers = await _admin(app)
        started = time.perf_counter()
        await fill(app, lines)
        filled = time.perf_counter() - started
        gc.collect()
        print(
            f"{label}: GET /logs, first page of 50"
            f"{' with facets' if facets else ''}, as an admin, at {lines:,} lines (made in "
            f"{filled:.0f} s); wall p50 / p99 ms over {requests} requests each, CPU ms per request "
            f"(this process and the database server's)",
            flush=True,
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as c:
            window = service.FACET_WINDOW
            for name, query in QUERIES.items():
                params = {**query, "limit": 50, "facets": str(facets).lower()}
                for which in ("before", "now") if before else ("now",):
                    # Before: facets over the newest 10,000 matches, however far back.
                    service.FACET_WINDOW = 2**62 if which == "before" else window
                    for _ in range(3):  # warm caches and the pool
                        r = await c.get("/api/v1/logs", headers=headers, params=params)
                        r.raise_for_status()
                    times = []
                    server, mine = await _server_cpu(app), time.process_time()
                    for _ in range(requests):
                        t = time.perf_counter()
                        r = await c.get("/api/v1/logs", headers=headers, params=params)
                        times.append((time.perf_counter() - t) * 1000)
                        r.raise_for_status()
                    mine = time.process_time() - mine
                    after = await _server_cpu(app)
                    spent = mine + sum(cpu - server.get(pid, 0.0) for pid, cpu in after.items())
                    times.sort()
                    body = r.json()
                    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
                    counted = ""
                    if body.get("facets"):
                        fc = body["facets"]
                        counted = f", facets over {fc['scanned']:,}{'' if fc['complete'] else '+'}"
                    label = f"{name} ({which})" if before else name
                    print(
                        f"  {label:<39} p50 {statistics.median(times):7.1f}  p99 {p99:7.1f}"
                        f"  CPU {1000 * spent / requests:6.1f}"
                        f"   ({len(body['items'])} on the page{counted})",
                        flush=True,
                    )
                    if show:
                        await explain(app, query)
            service.FACET_WINDOW = window
        print(f"  load average {_load()} on {os.cpu_count()} cores", flush=True)


async def sink_cost(url: str, label: str, lines: int = 6000, rounds: int = 3) -> None:
    """CPU per line of logging at INFO with the database sink off and on (the printed copy
    to /dev/null), the sink's writes included: what storing lines adds to a process."""
    import logging

    from pixsim7.db import Database
    from pixsim7.logs import sink

    saved = logging.getLogger().level
    plog.configure("INFO", json=True)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115, ASYNC230
    log = plog.get_logger("pixsim7.jobs.worker")
    db = Database(url)

    async def burst() -> tuple[float, float]:
        start = time.process_time(), time.thread_time()
        for i in range(lines):
            log.info(
                "job submitted",
                job_id=i + 1,
                user_id=4,
                account_id=9,
                provider="pixverse",
                stage="submitted",
                duration_ms=12.5,
                attempt=1,
                provider_job_id=f"pv-{i}",
            )
            if i % 100 == 0:
                await asyncio.sleep(0)
        return start

    def spent(start: tuple[float, float]) -> tuple[float, float]:
        return (
            (time.process_time() - start[0]) / lines,
            (time.thread_time() - start[1]) / lines,
        )

    costs = []
    for _ in range(rounds):
        off = spent(await burst())
        async with sink.running(db, process="api", config=sink.SinkConfig()) as s:
            start = await burst()
            await s.flush()
            on = spent(start)
        costs.append((*off, *on))
    await db.dispose()
    logging.getLogger().setLevel(saved)
    plog.configure("WARNING")
    off, off_loop, on, on_loop = (statistics.median(c[i] for c in costs) * 1e6 for i in range(4))
    print(
        f"{label}: a line logged at INFO costs {off:.0f} us of CPU printed only, {on:.0f} us "
        f"printed and stored: the sink adds {on - off:.0f} us a line, {on_loop - off_loop:.0f} "
        f"us of them on the event loop's thread (median of {rounds} rounds of {lines:,} lines)",
        flush=True,
    )


async def _server_cpu(app: Any) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database (the server runs
    on this machine: /proc); empty on SQLite, whose work is this process's."""
    if app.state.db.dialect != "postgresql":
        return {}
    async with app.state.db.session() as s:
        pids = (
            await s.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            )
        ).scalars()
        return {pid: _proc_cpu(pid) for pid in pids}


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _settings(data: Path, url: str) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=data,
        database_url=url,
        secret_key="bench-secret-key-that-is-long-enough-for-hkdf",
        web_dist_dir=data / "no-web",
        log_db=False,  # the lines are the bench's; none of its own are added
    )


async def _pg(sql: str) -> None:
    assert PG_URL
    conn = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], help="only this database")
    parser.add_argument("--no-facets", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--before", action="store_true", help="also with facets unwindowed, as before b508602"
    )
    parser.add_argument(
        "--trgm", action="store_true", help="PostgreSQL: a trigram index on the message too"
    )
    args = parser.parse_args()
    TRIGRAMS["on"] = args.trgm
    facets = not args.no_facets
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.db in (None, "sqlite"):
            url = f"sqlite+aiosqlite:///{root / 'logs.db'}"
            await asyncio.to_thread(migrate.upgrade, url)
            await sink_cost(url, "SQLite")
            await bench(
                _settings(root / "sqlite", url),
                "SQLite",
                args.lines,
                args.requests,
                facets,
                args.explain,
                args.before,
            )
        if PG_URL and args.db in (None, "postgresql"):
            name = f"bench_logs_{uuid.uuid4().hex[:8]}"
            await _pg(f'CREATE DATABASE "{name}"')
            try:
                pg = async_url(PG_URL.rsplit("/", 1)[0] + "/" + name)
                await asyncio.to_thread(migrate.upgrade, pg)
                await sink_cost(pg, "PostgreSQL")
                await bench(
                    _settings(root / "pg", pg),
                    "PostgreSQL",
                    args.lines,
                    args.requests,
                    facets,
                    args.explain,
                    args.before,
                )
            finally:
                await _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    plog.configure("WARNING")  # the access log would drown the figures
    asyncio.run(main())
