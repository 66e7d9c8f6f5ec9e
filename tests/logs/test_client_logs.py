"""POST /logs: the web app's and the extension's lines, stored under the caller's name,
redacted, for their own jobs only, rate limited; and retention."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from pixsim7 import clock
from pixsim7.app import create_app
from pixsim7.config import Settings
from pixsim7.db import Database
from pixsim7.logs import service
from pixsim7.logs.models import LogEntry
from tests.conftest import Users
from tests.logs.conftest import stored


async def test_a_client_posts_its_errors(
    app: FastAPI, client: httpx.AsyncClient, users: Users, db_logs: None
) -> None:
    headers = await users.create("client@example.com")
    token = headers["Authorization"].split()[1]
    me = (await client.get("/api/v1/users/me", headers=headers)).json()["id"]
    r = await client.post(
        "/api/v1/logs",
        headers={**headers, "X-Request-ID": "client-req-1"},
        json={
            "lines": [
                {
                    "message": "render crashed",
                    "source": "web",
                    "logger": "gallery",
                    "url": "http://x/gallery",
                    "stack": f"Error: at fetch (Bearer {token})",
                    "context": {"api_key": "sk-123", "view": "grid"},
                },
                {"level": "warning", "message": "slow", "source": "extension"},
            ]
        },
    )
    assert r.status_code == 202, r.text
    assert r.json() == {"accepted": 2}
    await stored(app)
    async with app.state.db.reader() as session:
        rows = list(
            await session.scalars(
                select(LogEntry).where(LogEntry.logger.like("client.%")).order_by(LogEntry.id)
            )
        )
    assert [(r.logger, r.process, r.level) for r in rows] == [
        ("client.web.gallery", "web", 40),
        ("client.extension", "extension", 30),
    ]
    assert all(r.user_id == me and r.request_id == "client-req-1" for r in rows)
    assert rows[0].exception and token not in rows[0].exception
    assert rows[0].extra["view"] == "grid" and rows[0].extra["api_key"] == "[redacted]"


async def test_a_client_line_names_only_its_own_jobs(
    client: httpx.AsyncClient, users: Users
) -> None:
    headers = await users.create()
    r = await client.post(
        "/api/v1/logs", headers=headers, json={"lines": [{"message": "x", "job_id": 424242}]}
    )
    assert r.status_code == 422 and "lines.0.job_id" in r.json()["error"]["fields"]
    # Nor through its free fields, nor any other column (a request's, a stage's).
    for name in ("job_id", "account_id", "user_id", "request_id", "stage", "exc_info"):
        line = {"message": "x", "context": {name: 424242}}
        r = await client.post("/api/v1/logs", headers=headers, json={"lines": [line]})
        assert r.status_code == 422 and "lines.0.context" in r.json()["error"]["fields"], r.text
    anonymous = await client.post("/api/v1/logs", json={"lines": [{"message": "x"}]})
    assert anonymous.status_code == 401
    empty = await client.post("/api/v1/logs", headers=headers, json={"lines": []})
    assert empty.status_code == 422


def _into_next_minute(seconds: int) -> dt.datetime:
    """That many seconds into the coming minute (later than sign-in tokens were made)."""
    now = clock.now()
    return now.replace(second=seconds, microsecond=0) + dt.timedelta(minutes=1)


async def test_client_lines_are_rate_limited_per_user(
    app: FastAPI, client: httpx.AsyncClient, users: Users
) -> None:
    app.state.settings.client_logs_per_minute = 60
    first, second = await users.create(), await users.create()
    clock.freeze(_into_next_minute(10))
    batch = {"lines": [{"message": f"m{i}"} for i in range(50)]}
    assert (await client.post("/api/v1/logs", headers=first, json=batch)).status_code == 202
    r = await client.post("/api/v1/logs", headers=first, json=batch)
    assert r.status_code == 429 and r.headers["Retry-After"] == "50"
    assert r.json()["error"]["code"] == "rate_limited"
    assert (await client.post("/api/v1/logs", headers=second, json=batch)).status_code == 202
    clock.advance(dt.timedelta(seconds=50))
    assert (await client.post("/api/v1/logs", headers=first, json=batch)).status_code == 202


async def test_api_processes_share_the_client_limit_through_redis(
    app: FastAPI, client: httpx.AsyncClient, users: Users, settings: Settings
) -> None:
    """A second API process on the same database and Redis (PostgreSQL runs use Redis)."""
    if not settings.redis_url:
        pytest.skip("no Redis configured for this database")
    settings.client_logs_per_minute = 60
    headers = await users.create()
    clock.freeze(_into_next_minute(10))
    other = create_app(settings)
    async with (
        other.router.lifespan_context(other),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=other), base_url="http://b") as b,
    ):
        batch = {"lines": [{"message": f"m{i}"} for i in range(40)]}
        assert (await client.post("/api/v1/logs", headers=headers, json=batch)).status_code == 202
        r = await b.post("/api/v1/logs", headers=headers, json=batch)
        assert r.status_code == 429, r.text
        small = {"lines": [{"message": f"m{i}"} for i in range(20)]}
        assert (await b.post("/api/v1/logs", headers=headers, json=small)).status_code == 202


async def _count(db: Database) -> int:
    async with db.reader() as session:
        return int(await session.scalar(select(func.count()).select_from(LogEntry)) or 0)


async def test_retention_by_age_and_by_rows(database_url: str) -> None:
    db = Database(database_url)  # no app: its own retention would run meanwhile
    now = clock.now()
    rows = [
        {
            "ts": now - dt.timedelta(days=30 - i * 0.01),
            "level": 20,
            "logger": "t",
            "event": f"e{i}",
            "process": "api",
            "extra": {},
        }
        for i in range(12_000)
    ]
    async with db.logmaker() as session:
        await session.execute(LogEntry.__table__.insert(), rows)
        await session.commit()
    # Older than 29.95 days: the first 5 rows (i = 0..4).
    assert await service.prune(db, now=now, days=29.95, rows=0) == 5
    assert await _count(db) == 11_995
    # The newest 1,000 are kept: two chunks and more deleted, oldest first.
    assert await service.prune(db, now=now, days=0, rows=1000) == 10_995
    async with db.reader() as session:
        events = list(await session.scalars(select(LogEntry.event).order_by(LogEntry.id)))
    assert events == [f"e{i}" for i in range(11_000, 12_000)]
    assert await service.prune(db, now=now, days=0, rows=0) == 0
    await db.dispose()
