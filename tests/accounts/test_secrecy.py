"""Credentials appear in no response, event or log line, whatever the API is asked."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pixsim7.config import Settings
from pixsim7.db import Base
from pixsim7.events import Event
from pixsim7.jobs.models import Job, ProviderSubmission
from pixsim7.jobs.worker import JobWorker
from pixsim7.logging import configure
from pixsim7.providers.fakekit import FakeServer
from tests.accounts.conftest import API, create
from tests.conftest import Users
from tests.jobs.conftest import builtin, worker  # noqa: F401  (a worker in the app)


async def _drain(queue: asyncio.Queue[Event], until: int) -> list[Event]:
    """Events so far, waiting (Redis delivers asynchronously) until `until` have come."""
    got: list[Event] = []
    deadline = asyncio.get_running_loop().time() + 5.0
    while True:
        try:
            got.append(queue.get_nowait())
            continue
        except asyncio.QueueEmpty:
            pass
        if len(got) >= until or asyncio.get_running_loop().time() > deadline:
            return got
        await asyncio.sleep(0.05)


def _recorder(client: httpx.AsyncClient, texts: list[str]) -> Any:
    """An API caller that expects success and keeps every response body in `texts`."""

    async def call(method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
        r = await client.request(method, path, json=body, headers=headers)
        assert r.status_code < 300, r.text
        texts.append(r.text)
        return r.json() if r.content else None

    return call


async def test_credentials_never_leave_in_responses_events_or_logs(
    client: httpx.AsyncClient,
    users: Users,
    app: FastAPI,
    pixverse: FakeServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api_key = f"pk-{uuid.uuid4().hex}"
    jwt = f"jt-{uuid.uuid4().hex}"
    cookie = f"ck-{uuid.uuid4().hex}"
    imported = f"im-{uuid.uuid4().hex}"
    replaced = f"rp-{uuid.uuid4().hex}"
    secrets = [api_key, jwt, cookie, imported, replaced]
    pixverse.state.configure(jwt, credits={"web": 50}, extra={"acc_id": 5150})
    pixverse.state.configure(imported, credits={"web": 60}, extra={"acc_id": 5151})

    configure("DEBUG", json=True)
    texts: list[str] = []
    call = _recorder(client, texts)

    with caplog.at_level(logging.DEBUG):
        async with app.state.bus.subscribe() as queue:
            admin, bob = await users.create(admin=True), await users.create()
            acc = await create(
                client,
                admin,
                provider_id="pixverse",
                api_key=api_key,
                jwt_token=jwt,
                cookies={"_ai_token": cookie},
                is_shared=True,
                base_url=pixverse.url,
            )
            texts.append(str(acc))
            aid = acc["id"]
            await call("POST", f"{API}/{aid}/sync", admin)
            await call("POST", f"{API}/{aid}/test", admin)
            await call("PATCH", f"{API}/{aid}", admin, {"api_key": replaced, "priority": 2})
            await call("GET", API, bob)
            await call("GET", f"{API}/{aid}", bob)
            await call("GET", f"{API}/{aid}", admin)
            await call(
                "POST",
                f"{API}/import-cookies",
                bob,
                {"provider_id": "pixverse", "raw_data": {"cookies": {"_ai_token": imported}}},
            )
            await call(
                "POST",
                f"{API}/credits/bulk-update",
                admin,
                {"updates": [{"account_id": aid, "credits": {"web": 1}}]},
            )
            await call("DELETE", f"{API}/{aid}", admin)
            events = await _drain(queue, until=7)

    kinds = [e.type for e in events if e.type.startswith("account.")]
    assert kinds.count("account.created") == 2 and "account.deleted" in kinds, kinds
    logs = caplog.text + "".join(capsys.readouterr())
    assert "account created" in logs and "session imported" in logs  # logs were captured
    haystacks = {"responses": "\n".join(texts), "events": "\n".join(e.to_json() for e in events)}
    haystacks["logs"] = logs
    for where, haystack in haystacks.items():
        for secret in secrets:
            assert secret not in haystack, f"a credential leaked into {where}"
            assert secret[-6:] not in haystack, f"part of a credential leaked into {where}"


async def _every_row(app: FastAPI) -> str:
    """Every row of every table as text: what a database dump would show (a reader
    session: on SQLite it sees the log lines' own file too)."""
    out: list[str] = []
    async with app.state.db.reader() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                out.append(repr(tuple(row)))
    return "\n".join(out)


def _database_files(settings: Settings) -> bytes:
    """The SQLite files (the database, its log lines' file) and their journals, raw
    (PostgreSQL: nothing here; rows are checked)."""
    if not settings.is_sqlite:
        return b""
    path = Path(settings.effective_database_url.split("///", 1)[1])
    files = list(path.parent.glob(path.stem + "*"))
    assert any(p.name.endswith("-logs.db") for p in files), files
    return b"".join(p.read_bytes() for p in files)


async def test_credentials_never_leave_through_the_worker(
    client: httpx.AsyncClient,
    users: Users,
    app: FastAPI,
    settings: Settings,
    pixverse: FakeServer,
    worker: JobWorker,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Submit, poll, an auth failure that moves the job, and sync, with a web token and a
    platform API key that are unique markers: neither may surface anywhere but at the
    provider."""
    token = f"wt-{uuid.uuid4().hex}"
    api_key = f"ak-{uuid.uuid4().hex}"
    markers = [token, api_key]
    pixverse.state.configure(token, credits={"web": 500}, extra={"acc_id": 7301})
    pixverse.state.configure(api_key, credits={"openapi": 500})
    configure("DEBUG", json=True)
    texts: list[str] = []
    call = _recorder(client, texts)

    async def finished(h: dict[str, str], job_id: int) -> dict[str, Any]:
        for _ in range(600):
            job = await call("GET", f"/api/v1/jobs/{job_id}", h)
            if job["status"] in ("completed", "failed", "cancelled"):
                return dict(job)
            await asyncio.sleep(0.05)
        raise AssertionError(f"job stuck: {job}")

    job = {"provider_id": "pixverse", "operation_type": "text_to_video"}
    with caplog.at_level(logging.DEBUG):
        async with app.state.bus.subscribe() as queue:
            h = await users.create()
            web = await call(
                "POST",
                API,
                h,
                {
                    "provider_id": "pixverse",
                    "jwt_token": token,
                    "base_url": pixverse.url,
                    "priority": 10,
                },
            )
            platform = await call(
                "POST",
                API,
                h,
                {"provider_id": "pixverse", "api_key": api_key, "base_url": pixverse.url},
            )
            await call("POST", f"{API}/{web['id']}/sync", h)
            await call("POST", f"{API}/{platform['id']}/sync", h)
            # The web account (higher priority) is refused as unauthorised once: it is
            # marked auth_failed and the job moves to the platform account.
            pixverse.state.configure(token, errors=[{"code": "10002", "on": "create"}])
            first = await call("POST", "/api/v1/jobs", h, {**job, "params": {"prompt": "a"}})
            moved = await finished(h, first["id"])
            assert moved["status"] == "completed", moved
            assert moved["account_id"] == platform["id"]
            assert moved["submissions"][0]["error_class"] == "auth"
            assert (await call("GET", f"{API}/{web['id']}", h))["status"] == "auth_failed"
            # A sync finds the token working again; the next job runs on the web account.
            await call("POST", f"{API}/{web['id']}/sync", h)
            second = await call("POST", "/api/v1/jobs", h, {**job, "params": {"prompt": "b"}})
            done = await finished(h, second["id"])
            assert done["status"] == "completed" and done["account_id"] == web["id"], done
            await call("GET", "/api/v1/jobs", h)
            await call("GET", "/api/v1/jobs/stats", h)
            await call("GET", API, h)
            await call("GET", "/api/v1/services", h)
            events = await _drain(queue, until=10_000)  # (all there are, within 5 s)

    # The markers did reach the provider (so their absence elsewhere means something).
    sent = "\n".join(str(r.headers) + str(r.json) for r in pixverse.state.log.all())
    assert token in sent and api_key in sent
    logs = caplog.text + "".join(capsys.readouterr())
    assert "provider call failed" in logs and '"error_class": "auth"' in logs, logs[-2000:]
    assert [e for e in events if e.type == "job.updated"], [e.type for e in events]
    async with app.state.db.session() as session:
        history = [
            repr((j.history, j.error_message, j.result_url))
            for j in (await session.scalars(select(Job))).all()
        ]
        history += [
            repr((s.payload, s.response, s.error_message))
            for s in (await session.scalars(select(ProviderSubmission))).all()
        ]
        await session.commit()
    haystacks = {
        "responses": "\n".join(texts),
        "events": "\n".join(e.to_json() for e in events),
        "logs": logs,
        "job history and submissions": "\n".join(history),
        "database rows": await _every_row(app),
    }
    for where, haystack in haystacks.items():
        assert haystack, where
        for marker in markers:
            assert marker not in haystack, f"a credential leaked into {where}"
            assert marker[-8:] not in haystack, f"part of a credential leaked into {where}"
    raw = _database_files(settings)
    for marker in markers:
        assert marker.encode() not in raw, "a credential is stored in plaintext"
