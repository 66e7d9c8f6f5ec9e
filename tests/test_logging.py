"""No password, hash or token reaches a log line."""

from __future__ import annotations

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
