"""No password, hash or token reaches a log line."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from pixsim7.logging import REDACTED, configure, get_logger, redact
from tests.conftest import PASSWORD, Users


def test_redact_masks_secret_keys_and_token_values() -> None:
    assert redact({"password": "x", "nested": {"api_key": "k"}, "ok": 1}) == {
        "password": REDACTED,
        "nested": {"api_key": REDACTED},
        "ok": 1,
    }
    jwt_like = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlLXZhbHVl"
    assert jwt_like not in redact(f"header was {jwt_like}")
    assert "abc123" not in redact("Authorization: Bearer abc123")


def test_log_lines_are_json_with_bound_context(caplog: pytest.LogCaptureFixture) -> None:
    configure("INFO", json=True)
    with caplog.at_level(logging.INFO):
        get_logger("t").info("hello", token="secret-token-value", user="u")
    line = caplog.records[-1].getMessage()
    assert '"event": "hello"' in line and '"user": "u"' in line
    assert "secret-token-value" not in line


async def test_auth_flow_logs_no_secrets(
    client: httpx.AsyncClient, users: Users, caplog: pytest.LogCaptureFixture
) -> None:
    configure("DEBUG", json=True)
    with caplog.at_level(logging.DEBUG):
        headers = await users.create("logged@example.com")
        await client.get("/api/v1/users/me", headers=headers)
        await client.patch(
            "/api/v1/users/me",
            headers=headers,
            json={"current_password": PASSWORD, "new_password": "new secret words"},
        )
        await client.post("/api/v1/auth/login", json={"email": "x@example.com", "password": "pw!"})
    text = caplog.text
    token = headers["Authorization"].split()[1]
    assert "request" in text and "request_id" in text  # we did capture the access lines
    for secret in (PASSWORD, "new secret words", "pw!", token, "$argon2"):
        assert secret not in text


async def test_request_log_line_carries_request_id_and_user_id(
    client: httpx.AsyncClient, users: Users, caplog: pytest.LogCaptureFixture
) -> None:
    configure("INFO", json=True)
    headers = await users.create("whoami@example.com")
    me = (await client.get("/api/v1/users/me", headers=headers)).json()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        r = await client.get(
            "/api/v1/users/me", headers={**headers, "X-Request-ID": "trace-me-123"}
        )
        anonymous = await client.get("/api/v1/users/me", headers={"X-Request-ID": "no-user-456"})
    assert r.headers["X-Request-ID"] == "trace-me-123" and anonymous.status_code == 401
    lines = []
    for record in caplog.records:
        try:
            lines.append(json.loads(record.getMessage()))
        except ValueError:
            continue
    access = [e for e in lines if e.get("event") == "request"]
    mine = [e for e in access if e.get("request_id") == "trace-me-123"]
    assert len(mine) == 1, access
    assert mine[0]["user_id"] == me["id"] and mine[0]["path"] == "/api/v1/users/me"
    assert mine[0]["client"] == "127.0.0.1"  # the peer, which uvicorn's own line showed
    # The next request does not inherit the previous one's user.
    other = [e for e in access if e.get("request_id") == "no-user-456"]
    assert len(other) == 1 and "user_id" not in other[0]
