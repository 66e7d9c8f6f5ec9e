"""Asset figures: ingest time of a 5 s 720p clip, and the gallery's first page at 100,000 assets.

    .venv/bin/python bench/assets.py [--assets 100000] [--requests 200]

PostgreSQL comes from PIXSIM7_TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test);
a scratch database is created next to it and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import numpy as np
from sqlalchemy import func, select, text
from starlette.applications import Starlette
from starlette.responses import FileResponse
from starlette.routing import Route

import _before  # bench/_before.py, beside this script
from pixsim7 import clock, media, migrate
from pixsim7 import logging as plog
from pixsim7.accounts import credentials
from pixsim7.accounts import service as accounts_service
from pixsim7.accounts.models import ProviderAccount
from pixsim7.app import create_app
from pixsim7.assets import pipeline, search
from pixsim7.assets import service as asset_service
from pixsim7.assets.models import Asset
from pixsim7.config import Settings, async_url
from pixsim7.jobs import service as jobs_service
from pixsim7.jobs.models import Job
from pixsim7.jobs.runtime import Runtime, WorkerConfig
from pixsim7.jobs.schemas import JobCreate
from pixsim7.jobs.worker import new_worker_id, running
from pixsim7.providers import base
from pixsim7.providers.fakekit import FakeServer
from pixsim7.users import service as users_service
from pixsim7.users.models import User

PASSWORD = "bench password 123"
PG_URL = os.environ.get("PIXSIM7_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


class GetProvider(base.Provider):
    """Only what ingest needs: the default download path (a GET of the output URL)."""

    info = base.ProviderInfo(id="bench", name="Bench", description="benchmark double")

    def operations(self) -> Sequence[base.OperationSpec]:
        return []

    def estimate_cost(self, op: base.OperationType, params: Mapping[str, Any]) -> tuple[float, str]:
        return 0.0, ""

    async def submit(self, account: base.AccountContext, request: base.SubmitRequest) -> Any:
        raise NotImplementedError

    async def poll(self, account: base.AccountContext, ids: Sequence[str]) -> Any:
        raise NotImplementedError

    async def cancel(self, account: base.AccountContext, provider_job_id: str) -> None:
        raise NotImplementedError

    async def upload(self, account: base.AccountContext, item: base.PreparedInput) -> Any:
        raise NotImplementedError

    async def fetch_balance(self, account: base.AccountContext) -> base.Balance:
        return base.Balance(credits={})


def make_clip(path: Path) -> Path:
    w, h, fps = 1280, 720, 24
    y, x = np.mgrid[0:h, 0:w]
    frames = (
        np.stack([(x + i * 8) % 256, (y + i * 4) % 256, (x + y) % 256], -1).astype(np.uint8)
        for i in range(5 * fps)
    )
    return media.write_video(frames, path, w, h, fps)


async def _user(app: Any, email: str) -> tuple[int, dict[str, str]]:
    async with app.state.db.session() as s:
        user = await users_service.create(
            s, settings=app.state.settings, email=email, password=PASSWORD
        )
        user_id = user.id
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://b") as c:
        r = await c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        r.raise_for_status()
    return user_id, {"Authorization": f"Bearer {r.json()['access_token']}"}


async def bench_ingest(settings: Settings, clip: Path, rounds: int) -> None:
    """`rounds` ingests of the clip by the pipeline as it is, and as many by the media steps it
    replaced (bench/_before.py), alternating, in one run."""
    app = create_app(settings)
    serve = Starlette(routes=[Route("/clip.mp4", lambda _: FileResponse(clip))])
    now_take_in = pipeline._take_in
    async with app.router.lifespan_context(app), FakeServer(serve) as server:
        owner_id, _ = await _user(app, "ingest@example.com")
        times: dict[str, list[tuple[float, float]]] = {"before": [], "now": []}
        for n in range(2 * rounds):
            which = "before" if n % 2 == 0 else "now"
            pipeline._take_in = _before.take_in if which == "before" else now_take_in
            async with app.state.db.session() as s:
                job = Job(owner_id=owner_id, provider_id="bench", operation_type="text_to_video")
                s.add(job)
                await s.commit()
            _clear_store(settings)
            result = base.PollResult(
                provider_job_id=f"b{n}",
                status=base.ProviderStatus.SUCCEEDED,
                output_url=f"{server.url}/clip.mp4",
            )
            started, cpu = time.perf_counter(), time.process_time()
            await pipeline.ingest_output(
                app.state.db,
                settings,
                job=job,
                provider=GetProvider(),
                account=base.AccountContext(id=0, provider_id="bench", base_url=""),
                result=result,
            )
            times[which].append((time.perf_counter() - started, time.process_time() - cpu))
        pipeline._take_in = now_take_in
    size = await asyncio.to_thread(os.path.getsize, clip) / 1e6
    print(f"ingest of a 5 s 1280x720 24 fps clip ({size:.1f} MB), downloaded to asset row:")
    for which, label in (("before", "probe, poster, preview apart"), ("now", "one pass")):
        runs = ", ".join(f"{w:.2f} s (CPU {c:.2f})" for w, c in times[which])
        print(f"  {label:<29} {runs}")
    print(f"  load average {_load()} on {os.cpu_count()} cores")


FAKE_SCRIPT = """
import sys, uvicorn
from pixsim7.providers.pixverse.fake import create_app
app = create_app(job_seconds=float(sys.argv[2]), output_height=720, fps=24, limit=None)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
LIST = "/creative_platform/video/list/personal"


async def bench_done_to_asset(settings: Settings, jobs: int, job_seconds: float) -> None:
    """From the provider's "done" to the asset.created event: a Pixverse fake answering at
    once (its own process; outputs 5 s 1280x720 at 24 fps), the worker with its default
    polling schedule, one job at a time, the pipeline as it is and with the media steps it
    replaced (alternating). Split: done -> the list call that reports it (polling), and
    that call -> the event (download, media, row, lineage, event)."""
    fake, url = _start_fake(job_seconds)
    settings = settings.model_copy(update={"pixverse_base_url": url})
    app = create_app(settings)
    now_take_in = pipeline._take_in
    rows: dict[str, list[tuple[float, float]]] = {"before": [], "now": []}
    try:
        await _wait_up(url)
        async with app.router.lifespan_context(app):
            owner_id = await _pixverse_owner(app, url)
            rt = Runtime(
                new_worker_id(),
                app.state.db,
                app.state.bus,
                app.state.registry,
                settings,
                WorkerConfig(),
            )
            async with app.state.bus.subscribe() as events, running(rt):
                for n in range(2 * jobs + 1):  # the first renders the fake's output: not counted
                    which = "before" if n % 2 else "now"
                    pipeline._take_in = _before.take_in if which == "before" else now_take_in
                    prompt = f"done to asset {n}"
                    _clear_store(settings)  # every output is the same file: do all the work
                    await _create_job(app, owner_id, prompt)
                    while True:
                        event = await events.get()
                        if event.type == "asset.created":
                            seen = time.time()
                            break
                    async with httpx.AsyncClient() as c:
                        log = (await c.get(f"{url}/_fake/requests")).json()
                    made = next(r["at"] for r in log if (r["json"] or {}).get("prompt") == prompt)
                    done = made + job_seconds
                    told = min(r["at"] for r in log if r["path"] == LIST and r["at"] >= done)
                    if n:
                        rows[which].append((told - done, seen - told))
    finally:
        pipeline._take_in = now_take_in
        fake.terminate()
        fake.wait(timeout=10)
    print(
        f"provider done -> asset.created, {jobs} jobs each way, one at a time, "
        f"{job_seconds:g} s jobs at a zero-latency fake (polling + ingest):"
    )
    for which, label in (("before", "probe, poster, preview apart"), ("now", "one pass")):
        total = sorted(a + b for a, b in rows[which])
        poll = statistics.median(a for a, _ in rows[which])
        work = statistics.median(b for _, b in rows[which])
        print(
            f"  {label:<29} median {statistics.median(total):.2f} s, max {total[-1]:.2f} s "
            f"(polling {poll:.2f} s + ingest {work:.2f} s, medians)"
        )
    print(f"  load average {_load()} on {os.cpu_count()} cores")


def _start_fake(job_seconds: float) -> tuple[subprocess.Popen[bytes], str]:
    """The fake in its own process, so its work is not this process's."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    fake = subprocess.Popen([sys.executable, "-c", FAKE_SCRIPT, str(port), str(job_seconds)])
    return fake, f"http://127.0.0.1:{port}"


async def _wait_up(url: str) -> None:
    async with httpx.AsyncClient() as c:
        for _ in range(200):
            try:
                (await c.get(f"{url}/_fake/requests")).raise_for_status()
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.05)
    raise RuntimeError("the fake did not start")


async def _pixverse_owner(app: Any, url: str) -> int:
    settings = app.state.settings
    async with app.state.db.session() as s:
        user = await users_service.create(
            s, settings=settings, email="done@example.com", password=PASSWORD
        )
        account = ProviderAccount(
            provider_id="pixverse",
            owner_id=user.id,
            nickname="done",
            provider_user_id="done",
            base_url=url,
            base_url_trusted=True,
            max_concurrent_jobs=5,
            max_concurrent_jobs_ceiling=5,
            credit_pool="web",
        )
        credentials.store(account, credentials.box(settings), jwt_token="done-token")
        s.add(account)
        await s.flush()
        await accounts_service.set_credit(s, account.id, "web", 1e9)
        await s.commit()
        return int(user.id)


async def _create_job(app: Any, owner_id: int, prompt: str) -> None:
    async with app.state.db.session() as s:
        user = await s.get(User, owner_id)
        assert user is not None
        await jobs_service.create(
            s,
            user,
            JobCreate(
                provider_id="pixverse",
                operation_type="text_to_video",
                params={"prompt": prompt, "duration": 5, "quality": "720p"},
            ),
            registry=app.state.registry,
            settings=app.state.settings,
            bus=app.state.bus,
        )


def _clear_store(settings: Settings) -> None:
    """A new URL each round would not help: storage is by content. Remove the stored copy
    and its poster and preview instead, so every round really downloads, probes and derives.
    (Parts relative to the store: the scratch root itself lives under /tmp.)"""
    for p in settings.media_dir.rglob("*"):
        if p.is_file() and p.relative_to(settings.media_dir).parts[0] != "tmp":
            p.unlink()


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


WORDS = [
    "fox", "forest", "dawn", "city", "night", "neon", "ocean", "storm", "dragon", "castle",
    "robot", "garden", "desert", "snow", "portrait", "car", "river", "mountain", "sunset", "rain",
]  # fmt: skip
RARE = [f"{a}{b}" for a in ("zor", "vel", "quin", "tash", "brem") for b in range(600)]
TAGS = [f"tag{i}" for i in range(300)]
QUERIES = {
    "two filters": {"media_type": "video", "provider_id": "pixverse"},
    "tag (2/3 of assets)": {"tag": "fav"},
    "text, common word": {"q": "forest"},
    "text, rare word": {"q": "quin417"},
    "text + tag": {"q": "storm", "tag": "fav"},
}


COLUMNS = (
    "id", "owner_id", "media_type", "mime_type", "sha256", "file_size_bytes", "width",
    "height", "has_audio", "provider_id", "remote_url_valid", "upload_method", "prompt",
    "description", "tags", "style_tags", "content_domain", "content_rating",
    "age_restricted", "searchable", "favorite", "created_at", "updated_at",
)  # fmt: skip
PROVIDERS = ["pixverse", "sora", "runway", "local", "comfyui"]
BATCH = 50_000


def _asset_rows(
    start: int, n: int, owners: tuple[int, int], rng: random.Random, now: Any
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Assets `start`.. of two owners, alternating, as rows of COLUMNS: prompts of 8 words
    (common ones and rare ones), a quarter described, 2/3 tagged "fav" plus two of 300 tags
    (the same draws, in the same order, as the ORM fill this replaced). Tags are JSON text
    as SQLAlchemy writes them (`json.dumps`), which is what the search index reads."""
    assets, tags = [], []
    choice, rand, sample = rng.choice, rng.random, rng.sample
    for i in range(start, start + n):
        words = [choice(WORDS) if rand() < 0.6 else choice(RARE) for _ in range(8)]
        chosen = (["fav"] if i % 3 else []) + sample(TAGS, 2)
        owner = owners[i % 2]
        assets.append(
            (
                i, owner, "video" if i % 3 else "image", "video/mp4", f"{i:064x}", 1000 + i,
                1280, 720, False, PROVIDERS[i % 5], False, "generated", " ".join(words),
                f"a take of the {choice(WORDS)}" if i % 4 == 0 else None,
                json.dumps(chosen), "[]", "general", "general", False, True, False, now, now,
            )
        )  # fmt: skip
        tags += [(i, t, owner) for t in chosen]
    return assets, tags


def _check_columns() -> None:
    """Every column the fill leaves out may be NULL or has a server default."""
    for column in Asset.__table__.columns:
        if column.name not in COLUMNS and not column.nullable and column.server_default is None:
            raise RuntimeError(f"the fill does not write assets.{column.name}")


async def fill(app: Any, owner_id: int, count: int) -> None:
    """`count` assets of this owner plus as many of another, written by the database
    driver itself in batches of 50,000 (SQLite: `executemany` in one transaction a batch,
    the search index kept by its triggers as in the app; PostgreSQL: `COPY`, the trigram
    index dropped and built once after the load, as migration 0019_search builds it).
    Through the ORM, 5,000 rows a statement, 1,000,000 took 40-90 minutes."""
    _check_columns()
    rng = random.Random(21)
    async with app.state.db.session() as s:
        other = await users_service.create(
            s, settings=app.state.settings, email="other@example.com", password=PASSWORD
        )
        owners = (other.id, owner_id)
        await s.commit()
    total = 2 * count
    if app.state.db.dialect == "sqlite":
        path = str(app.state.db.engine.url.database)
        await asyncio.to_thread(_fill_sqlite, path, owners, rng, total)
        return
    dsn = app.state.db.engine.url.set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP INDEX ix_assets_search")
        now = clock.now()
        for start in range(1, total + 1, BATCH):
            assets, tags = _asset_rows(start, min(BATCH, total + 1 - start), owners, rng, now)
            async with conn.transaction():
                await conn.copy_records_to_table("assets", records=assets, columns=COLUMNS)
                await conn.copy_records_to_table(
                    "asset_tags", records=tags, columns=("asset_id", "tag", "owner_id")
                )
        body = str(search.BODY).replace("assets.", "")  # as migration 0019_search makes it
        await conn.execute(
            f"CREATE INDEX ix_assets_search ON assets USING gin ({body} gin_trgm_ops)"
        )
        # Fresh planner statistics and the visibility map that index-only scans (the
        # counts) need, which autovacuum would set after a bulk load like this one.
        await conn.execute("VACUUM ANALYZE assets")
        await conn.execute("VACUUM ANALYZE asset_tags")
    finally:
        await conn.close()


def _fill_sqlite(path: str, owners: tuple[int, int], rng: random.Random, total: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        now = clock.now().replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        insert_assets = (
            f"INSERT INTO assets ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        )
        for start in range(1, total + 1, BATCH):
            assets, tags = _asset_rows(start, min(BATCH, total + 1 - start), owners, rng, now)
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(insert_assets, assets)
            conn.executemany(
                "INSERT INTO asset_tags (asset_id, tag, owner_id) VALUES (?, ?, ?)", tags
            )
            conn.execute("COMMIT")
        # The FTS index's segments merged, as after a while; fresh planner statistics.
        conn.execute("INSERT INTO assets_search(assets_search) VALUES('optimize')")
        conn.execute("ANALYZE")
    finally:
        conn.close()


async def _old_tag_index(app: Any, present: bool) -> None:
    """The tag index the list used before 0019_search, for its side of the comparison."""
    async with app.state.db.session() as s:
        if present:
            await s.execute(
                text("CREATE INDEX IF NOT EXISTS ix_asset_tags_tag ON asset_tags (tag, asset_id)")
            )
        else:
            await s.execute(text("DROP INDEX IF EXISTS ix_asset_tags_tag"))
        await s.commit()


async def _server_cpu(app: Any) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database (the server runs
    on this machine: /proc), so that the database's own work per request is known apart
    from time spent waiting for a core. Empty on SQLite (its work is in this process)."""
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


async def _time(
    app: Any,
    c: httpx.AsyncClient,
    headers: dict[str, str],
    params: dict[str, Any],
    requests: int,
) -> tuple[list[float], float, dict[str, Any]]:
    """Wall times (sorted, ms), and CPU per request (ms): this process's and the database
    server's together."""
    for _ in range(5):  # warm caches and the connection pool
        (await c.get("/api/v1/assets", headers=headers, params=params)).raise_for_status()
    times = []
    server, mine = await _server_cpu(app), time.process_time()
    for _ in range(requests):
        t = time.perf_counter()
        r = await c.get("/api/v1/assets", headers=headers, params=params)
        times.append((time.perf_counter() - t) * 1000)
        r.raise_for_status()
    mine = time.process_time() - mine
    after = await _server_cpu(app)
    spent = mine + sum(cpu - server.get(pid, 0.0) for pid, cpu in after.items())
    return sorted(times), 1000 * spent / requests, r.json()


async def _gallery_user(app: Any, count: int) -> tuple[int, dict[str, str], float | None]:
    """The gallery's user, its assets filled (and the fill's seconds), or as filled by an
    earlier run of the same size (a kept database: `--sqlite-file`, `--pg-database`)."""
    async with app.state.db.session() as s:
        filled = await s.scalar(select(func.count()).select_from(Asset))
        owner = await s.scalar(select(User.id).where(User.email == "gallery@example.com"))
    if owner is not None and filled == 2 * count:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as c:
            r = await c.post(
                "/api/v1/auth/login", json={"email": "gallery@example.com", "password": PASSWORD}
            )
            r.raise_for_status()
        return int(owner), {"Authorization": f"Bearer {r.json()['access_token']}"}, None
    if filled:
        raise SystemExit(f"the database holds {filled:,} assets, not {2 * count:,}: use another")
    owner_id, headers = await _user(app, "gallery@example.com")
    started = time.perf_counter()
    await fill(app, owner_id, count)
    return owner_id, headers, time.perf_counter() - started


async def bench_list(
    settings: Settings, label: str, count: int, requests: int, sides: Sequence[str]
) -> None:
    """First page (50) with its total, each query of QUERIES, through the app in-process:
    as the list is now, and as it was before 0019_search (`_before.list_assets`), in turn."""
    app = create_app(settings)
    now_list = asset_service.list
    async with app.router.lifespan_context(app):
        _, headers, filled = await _gallery_user(app, count)
        # The fill's rows of garbage would otherwise be collected by a full GC pass in the
        # middle of the timed requests: a cost of loading the data here, not of serving.
        gc.collect()
        how = f"filled in {filled:.0f} s" if filled is not None else "filled before"
        if not requests:
            print(f"{label}: {count:,} assets (+{count:,} of another user), {how}", flush=True)
            return
        print(
            f"{label}: GET /assets (first page of 50 and the total) at {count:,} assets "
            f"(+{count:,} of another user; {how}); wall p50 / p99 ms "
            f"(CPU ms per request, this process and the database server), {requests} each",
            flush=True,
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as c:
            for name, query in QUERIES.items():
                cells = []
                for which in sides:
                    await _old_tag_index(app, which == "before")
                    asset_service.list = _before.list_assets if which == "before" else now_list
                    times, cpu, body = await _time(
                        app, c, headers, {**query, "limit": 50}, requests
                    )
                    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
                    total = f"{body['total']:,}" + ("" if body.get("total_exact", True) else "+")
                    cells.append(
                        f"{which} {statistics.median(times):6.1f} / {p99:6.1f} "
                        f"(CPU {cpu:5.1f}) total {total}"
                    )
                asset_service.list = now_list
                print(f"  {name:<20} " + "   ".join(cells), flush=True)
        await _old_tag_index(app, False)
        print(f"  load average {_load()} on {os.cpu_count()} cores", flush=True)


def _settings(data: Path, url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data,
        database_url=url,
        secret_key="bench-secret-key-that-is-long-enough-for-hkdf",  # type: ignore[arg-type]
        web_dist_dir=data / "no-web",
        allow_private_urls=True,
    )


async def _pg(sql: str) -> None:
    conn = await asyncpg.connect(PG_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _migrate(url: str, revision: str | None) -> None:
    """Up to head, or to `revision`; a kept, filled database's statistics made fresh for
    indexes a migration may have made (as the fill makes them for its own)."""
    await asyncio.to_thread(migrate.upgrade, url)
    if revision:
        await asyncio.to_thread(migrate.downgrade, url, revision)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        conn = sqlite3.connect(path)
        try:
            if conn.execute("SELECT count(*) FROM assets").fetchone()[0]:
                conn.execute("ANALYZE")
        finally:
            conn.close()
        return
    pg = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        if await pg.fetchval("SELECT count(*) FROM assets"):
            await pg.execute("VACUUM ANALYZE assets")
    finally:
        await pg.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="0: only fill")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="ingest rounds of each kind")
    parser.add_argument("--ingest-only", action="store_true")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], help="only this database")
    parser.add_argument(
        "--sqlite-file", type=Path, help="keep the SQLite database in this file (reused if filled)"
    )
    parser.add_argument(
        "--pg-database",
        help="use this PostgreSQL database beside PIXSIM7_TEST_DATABASE_URL's, kept (reused if "
        "filled), instead of a scratch one",
    )
    parser.add_argument(
        "--revision",
        help="run the list on the schema of this migration (a kept database is taken up to "
        "head, then down to it; the next run without this takes it up again)",
    )
    parser.add_argument(
        "--sides", default="before,now", help="before,now | now: the list as it was and/or is"
    )
    parser.add_argument(
        "--job-seconds", type=float, default=0.0, help="the fake's generation time (done->asset)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if not args.skip_ingest:
            clip = await asyncio.to_thread(make_clip, root / "clip.mp4")
            url = f"sqlite+aiosqlite:///{root / 'ingest.db'}"
            await asyncio.to_thread(migrate.upgrade, url)
            await bench_ingest(_settings(root / "ingest", url), clip, args.rounds)
            done_url = f"sqlite+aiosqlite:///{root / 'done.db'}"
            await asyncio.to_thread(migrate.upgrade, done_url)
            await bench_done_to_asset(
                _settings(root / "done", done_url), args.rounds, args.job_seconds
            )
        if args.ingest_only:
            return
        sides = args.sides.split(",")
        if args.db in (None, "sqlite"):
            db_file = args.sqlite_file or root / "list.db"
            url = f"sqlite+aiosqlite:///{db_file}"
            await _migrate(url, args.revision)
            await bench_list(
                _settings(root / "sqlite", url), "SQLite", args.assets, args.requests, sides
            )
        if args.db in (None, "postgresql"):
            name = args.pg_database or f"pixsim7_bench_{uuid.uuid4().hex[:8]}"
            if not args.pg_database:
                await _pg(f'CREATE DATABASE "{name}"')
            try:
                pg = async_url(PG_URL.rsplit("/", 1)[0] + "/" + name)
                await _migrate(pg, args.revision)
                await bench_list(
                    _settings(root / "pg", pg), "PostgreSQL", args.assets, args.requests, sides
                )
            finally:
                if not args.pg_database:
                    await _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    plog.configure("WARNING")  # the access log would drown the figures
    asyncio.run(main())
