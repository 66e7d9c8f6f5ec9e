"""GET /logs: filters, cursor pages, facets and who sees what; GET /logs/stream: the live
tail with the same filters (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from pixsim7.logging import get_logger
from pixsim7.logs import service
from pixsim7.logs.models import LogEntry
from pixsim7.logs.schemas import LogFilter
from tests.conftest import Users
from tests.jobs.conftest import text_job
from tests.logs.conftest import stored
from tests.system.test_events import served

__all__ = ["served"]


async def _account(client: httpx.AsyncClient, headers: dict[str, str], token: str) -> int:
    r = await client.post(
        "/api/v1/accounts",
        json={"provider_id": "pixverse", "jwt_token": token, "base_url": "http://127.0.0.1:9"},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def _get(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> Any:
    r = await client.get("/api/v1/logs", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_each_user_sees_lines_about_their_own_things(
    app: FastAPI, client: httpx.AsyncClient, users: Users, db_logs: None
) -> None:
    alice, bob = await users.create("alice@example.com"), await users.create("bob@example.com")
    admin = await users.create(admin=True)
    a_job = (await client.post("/api/v1/jobs", json=text_job(), headers=alice)).json()["id"]
    b_job = (await client.post("/api/v1/jobs", json=text_job(), headers=bob)).json()["id"]
    a_acc, b_acc = await _account(client, alice, "tok-a"), await _account(client, bob, "tok-b")
    worker = get_logger("pixsim7.jobs.poller")
    # Lines a worker logs name the job or account only, not the user.
    worker.warning("poll failed", job_id=a_job, provider="local", error_class="transient")
    worker.warning("poll failed", job_id=b_job, provider="local", error_class="transient")
    worker.error("balance refused", account_id=a_acc, provider="pixverse", error_class="auth")
    worker.error("balance refused", account_id=b_acc, provider="pixverse", error_class="auth")
    worker.info("a line about nobody")
    await stored(app)

    mine = await _get(client, alice, limit=200)
    jobs = {i["job_id"] for i in mine["items"]} - {None}
    accounts = {i["account_id"] for i in mine["items"]} - {None}
    users_seen = {i["user_id"] for i in mine["items"]} - {None}
    assert jobs == {a_job} and accounts == {a_acc} and len(users_seen) == 1
    assert "a line about nobody" not in {i["event"] for i in mine["items"]}
    # Bob's things, asked for by name: nothing.
    assert (await _get(client, alice, job_id=b_job))["items"] == []
    assert (await _get(client, alice, account_id=b_acc))["items"] == []
    b_user = (await client.get("/api/v1/users/me", headers=bob)).json()["id"]
    assert (await _get(client, alice, user_id=b_user))["items"] == []
    # Her own by name: the worker's line about her job is there.
    by_job = await _get(client, alice, job_id=a_job)
    assert {i["event"] for i in by_job["items"]} == {"poll failed", "job created"}
    # The admin sees everyone's, the nobody line included.
    every = await _get(client, admin, limit=200)
    assert {a_job, b_job} <= {i["job_id"] for i in every["items"]}
    assert "a line about nobody" in {i["event"] for i in every["items"]}
    assert (await _get(client, admin, job_id=b_job))["items"]


async def test_filters_pages_and_facets(
    app: FastAPI, client: httpx.AsyncClient, users: Users, db_logs: None
) -> None:
    admin = await users.create(admin=True)
    log = get_logger("pixsim7.providers.pixverse")
    for i in range(30):
        log.warning("create refused %", n=i, provider="pixverse", error_class="quota", stage="x")
    for i in range(5):
        get_logger("pixsim7.providers.sora").error("sora down", n=i, provider="sora")
    get_logger("pixsim7.providers").info("quiet line", provider="pixverse")
    await stored(app)

    page = await _get(client, admin, provider="pixverse", level="warning", limit=20)
    assert len(page["items"]) == 20 and page["next_cursor"]
    assert [i["extra"]["n"] for i in page["items"]] == list(range(29, 9, -1))  # newest first
    rest = await _get(
        client, admin, provider="pixverse", level="warning", limit=20, cursor=page["next_cursor"]
    )
    assert [i["extra"]["n"] for i in rest["items"]] == list(range(9, -1, -1))
    assert rest["next_cursor"] is None
    facets = page["facets"]
    assert facets["level"] == {"warning": 30} and facets["error_class"] == {"quota": 30}
    assert facets["complete"] and facets["scanned"] == 30
    # Facets count within the filter, over every level and logger that matched.
    wide = (await _get(client, admin, logger="pixsim7.providers", limit=1))["facets"]
    assert wide["level"] == {"warning": 30, "error": 5, "info": 1}
    assert wide["provider"] == {"pixverse": 31, "sora": 5}
    assert wide["logger"] == {
        "pixsim7.providers.pixverse": 30,
        "pixsim7.providers.sora": 5,
        "pixsim7.providers": 1,
    }
    # Level at or above; text (its % is a plain character); a logger's own name only.
    assert len((await _get(client, admin, level="error", logger="pixsim7.providers"))["items"]) == 5
    found = await _get(client, admin, q="REFUSED %", limit=100)
    assert len(found["items"]) == 30
    assert (await _get(client, admin, q="refused _x"))["items"] == []
    assert len((await _get(client, admin, logger="pixsim7.providers.sora"))["items"]) == 5
    assert (await _get(client, admin, logger="pixsim7.prov"))["items"] == []
    assert (
        len((await _get(client, admin, stage="x", error_class="quota", limit=100))["items"]) == 30
    )
    newest = page["items"][0]["ts"]
    assert len((await _get(client, admin, since=newest, provider="pixverse"))["items"]) >= 1
    assert (await _get(client, admin, until="2000-01-01T00:00:00Z"))["items"] == []
    no_facets = await _get(client, admin, facets="false", limit=1)
    assert no_facets["facets"] is None


async def test_bad_queries_are_422(client: httpx.AsyncClient, users: Users) -> None:
    headers = await users.create()
    for params in (
        {"level": "loud"},
        {"cursor": "%%%"},
        {"job_id": "0"},
        {"since": "yesterday"},
        {"limit": "0"},
        {"q": "a\x00b"},
    ):
        r = await client.get("/api/v1/logs", params=params, headers=headers)
        assert r.status_code == 422, (params, r.text)
    assert (await client.get("/api/v1/logs")).status_code == 401


async def _tail(
    url: str, headers: dict[str, str], want: int, got: list[Any], connected: asyncio.Event
) -> None:
    params = {"level": "warning", "poll": "0.05"}
    async with (
        httpx.AsyncClient(timeout=None) as c,
        c.stream("GET", f"{url}/api/v1/logs/stream", params=params, headers=headers) as r,
    ):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        async for line in r.aiter_lines():
            if line == ": connected":
                connected.set()
            if line.startswith("data: "):
                got.append(json.loads(line[6:]))
                if len(got) == want:
                    return


async def test_the_live_tail_sends_new_matching_lines(
    app: FastAPI, client: httpx.AsyncClient, users: Users, served: str, db_logs: None
) -> None:
    alice = await users.create()
    admin = await users.create(admin=True)
    a_job = (await client.post("/api/v1/jobs", json=text_job(), headers=alice)).json()["id"]
    await stored(app)
    hers: list[Any] = []
    every: list[Any] = []
    ready = [asyncio.Event(), asyncio.Event()]
    readers = [
        asyncio.create_task(_tail(served, alice, 2, hers, ready[0])),
        asyncio.create_task(_tail(served, admin, 3, every, ready[1])),
    ]
    # The tail starts at the newest line stored when it connected.
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 60)
    log = get_logger("pixsim7.jobs.poller")
    log.info("not a warning", job_id=a_job)
    log.warning("someone else's", job_id=a_job + 1000)
    log.warning("about her job", job_id=a_job, n=1)
    log.warning("about her job", job_id=a_job, n=2)
    await stored(app)
    await asyncio.wait_for(asyncio.gather(*readers), 30)
    assert [f["extra"]["n"] for f in hers] == [1, 2]
    assert [f["event"] for f in every] == ["someone else's", "about her job", "about her job"]


async def test_facets_count_the_newest_lines_only(
    app: FastAPI,
    client: httpx.AsyncClient,
    users: Users,
    db_logs: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin = await users.create(admin=True)
    log = get_logger("pixsim7.providers.pixverse")
    log.error("an old one", provider="pixverse", error_class="auth")
    for i in range(30):
        log.warning("create refused", n=i, provider="pixverse")
    await stored(app)
    # A window of 10 lines: the facets count the newest 10, the page is not cut.
    monkeypatch.setattr(service, "FACET_WINDOW", 10)
    page = await _get(client, admin, provider="pixverse", limit=50)
    assert len(page["items"]) == 31
    facets = page["facets"]
    assert facets["scanned"] == 10 and facets["level"] == {"warning": 10}
    assert not facets["complete"]
    # The window is below the newest match, not the newest line: an old match is counted.
    old = (await _get(client, admin, q="old one", limit=1))["facets"]
    assert old["scanned"] == 1 and old["error_class"] == {"auth": 1}
    # A later page counts the same lines as the first.
    first = await _get(client, admin, provider="pixverse", limit=5)
    later = await _get(client, admin, provider="pixverse", limit=5, cursor=first["next_cursor"])
    assert later["facets"] == first["facets"] and later["items"] != first["items"]
    # A window wider than the table: every match is counted.
    monkeypatch.setattr(service, "FACET_WINDOW", 100_000)
    facets = (await _get(client, admin, provider="pixverse", limit=1))["facets"]
    assert facets["scanned"] == 31 and facets["complete"]


async def test_on_sqlite_pages_read_the_log_files_indexes(app: FastAPI, db_logs: None) -> None:
    """A filtered page, read by a reader session that sees the lines' own file (db.py),
    walks that file's (column, id) index backwards, as it did in the database's file."""
    db = app.state.db
    if db.dialect != "sqlite":
        pytest.skip("SQLite's query plans")
    get_logger("pixsim7.jobs.poller").info("polled", job_id=5, stage="polled")
    await stored(app)
    for f, index in (
        (LogFilter(job_id=5), "ix_log_entries_job"),
        (LogFilter(stage="polled", q="poll"), "ix_log_entries_stage"),
    ):
        page = select(LogEntry).where(*service._conditions(f)).order_by(LogEntry.id.desc())
        sql = page.limit(51).compile(
            dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}
        )
        async with db.reader() as session:
            plan = await session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
            details = " ".join(str(row[-1]) for row in plan)
        assert f"USING INDEX {index}" in details and "TEMP B-TREE" not in details, details
