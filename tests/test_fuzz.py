"""The OpenAPI fuzz: every operation, fed generated valid and invalid input, on each database.

The API runs as a real server (uvicorn, on loopback) over the test database, with a signed-in
user who owns a few objects, so that generated ids sometimes name real ones (operations that
only ever answer that user 403 are tried again as the admin). Schemathesis
generates requests from `/openapi.json`: valid ones (positive) and ones that break the
schema (negative: NUL in strings, integers past their bounds, nulls, wrong types). No answer
may be a server error (a documented 502 or 503 aside: the provider or a service is down),
and every answer must match its documented schema.

Bounded: EXAMPLES requests per operation, on two cores about 2 minutes a database. The
server makes no request beyond this machine (`netguard`).
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from PIL import Image
from pydantic import SecretStr
from schemathesis.specs.openapi.checks import response_schema_conformance

from pixsim7 import logging as plog
from pixsim7.app import create_app
from pixsim7.cli import _bootstrap
from pixsim7.config import Settings
from tests.conftest import PASSWORD
from tests.netguard import loopback_only

EXAMPLES = 12
TIMEOUT_S = 30
ADMIN = "admin@example.com"
# Not fuzzed: the event stream never ends (tests/system/test_events.py covers it), and a
# logout would sign the fuzzing user out for every operation after it.
SKIPPED = {("GET", "/api/v1/events"), ("POST", "/api/v1/auth/logout")}
# A provider that does not answer is a documented 502, not a bug of ours.
UPSTREAM = {502, 503}


class LiveServer:
    """The app in a uvicorn server on a thread of this process, on a free loopback port."""

    def __init__(self, settings: Settings) -> None:
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=0,
            loop="asyncio",
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _seed(api: httpx.Client) -> None:
    """Objects of each kind, so that small generated ids name real ones."""
    api.post("/api/v1/workspaces", json={"name": "fuzz"}).raise_for_status()
    upload = api.post("/api/v1/assets/upload", files={"file": ("a.png", _png())})
    upload.raise_for_status()
    job = {"provider_id": "local", "operation_type": "text_to_video", "params": {"prompt": "x"}}
    api.post("/api/v1/jobs", json=job).raise_for_status()


def _sign_in(api: httpx.Client, email: str) -> dict[str, str]:
    r = api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


class Fuzz:
    """Runs operations with generated requests; collects what went wrong, and which
    operations answered nothing but 403 (admins' only: tried again as the admin)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.failures: list[str] = []
        self.forbidden: list[Any] = []

    def run(self, operation: Any, headers: dict[str, str]) -> None:
        documented = set(operation.definition.raw.get("responses", {}))
        statuses: set[int] = set()

        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_cases(operation))
        def run(case: Any) -> None:
            try:
                response = case.call(base_url=self.base_url, headers=headers, timeout=TIMEOUT_S)
            except requests.RequestException as exc:
                self.failures.append(f"{case.method} {case.formatted_path}: no answer ({exc!r})")
                return
            status = response.status_code
            statuses.add(status)
            where = f"{case.method} {case.formatted_path} -> {status}"
            if status >= 500 and not (status in UPSTREAM and str(status) in documented):
                self.failures.append(
                    f"{where}: {response.text[:300]}\n    {case.as_curl_command()}"
                )
                return
            try:
                case.validate_response(response, checks=[response_schema_conformance])
            except Exception as exc:
                self.failures.append(f"{where}: {str(exc)[:600]}\n    {case.as_curl_command()}")

        run()
        if statuses == {403}:
            self.forbidden.append(operation)


def _cases(operation: Any) -> Any:
    """Valid requests and requests that break the schema, half and half."""
    positive = operation.as_strategy(schemathesis.GenerationMode.POSITIVE)
    return positive | operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    # What `pixsim7 serve` does first: logging with its database copy (so that the log
    # tail has lines to send), the first admin and the built-in accounts.
    plog.configure("INFO", json=True)
    settings.admin_email, settings.admin_password = ADMIN, SecretStr(PASSWORD)
    asyncio.run(_bootstrap(settings))
    with loopback_only(), LiveServer(settings) as url:
        yield url


def test_every_operation_holds_its_contract(live_url: str, database_url: str) -> None:
    with httpx.Client(base_url=live_url, timeout=30) as api:
        user = {"email": "fuzz@example.com", "password": PASSWORD}
        api.post("/api/v1/auth/register", json=user).raise_for_status()
        signed_in = _sign_in(api, user["email"])
        api.headers.update(signed_in)
        _seed(api)
        admin = _sign_in(api, ADMIN)
        raw = api.get("/openapi.json").json()
    started = time.monotonic()
    fuzz = Fuzz(live_url)
    for result in schemathesis.openapi.from_dict(raw).get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in SKIPPED:
            fuzz.run(operation, signed_in)
    for operation in fuzz.forbidden:
        fuzz.run(operation, admin)
    dialect = database_url.split(":", 1)[0]
    print(f"fuzz on {dialect}: {time.monotonic() - started:.0f} s")
    assert fuzz.failures == [], "\n".join(fuzz.failures)
