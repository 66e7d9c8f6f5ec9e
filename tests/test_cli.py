"""The console script, run as a real process."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

PIXSIM7 = [sys.executable, "-m", "pixsim7.cli"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIXSIM7_")}
    env.update(
        {"PIXSIM7_DATA_DIR": str(tmp_path / "data"), "PIXSIM7_LOG_LEVEL": "WARNING", **extra}
    )
    return env


def _run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PIXSIM7, *args], env=_env(tmp_path, **extra), capture_output=True, text=True, timeout=120
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_db_commands_and_user_create(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "current").stdout.strip() == "(empty)"
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    head = _run(tmp_path, "db", "current").stdout.strip()
    assert head and head != "(empty)"
    r = _run(tmp_path, "user", "create", "--email", "a@example.com", "--password", "long enough")
    assert r.returncode == 0 and "created user" in r.stdout
    r = _run(tmp_path, "user", "create", "--email", "a@example.com", "--password", "long enough")
    assert r.returncode != 0 and "already" in r.stderr
    r = _run(tmp_path, "user", "create", "--email", "b@example.com", "--password", "short")
    assert r.returncode != 0
    assert _run(tmp_path, "db", "downgrade", "base").returncode == 0
    assert _run(tmp_path, "db", "current").stdout.strip() == "(empty)"


@contextmanager
def _serving(
    tmp_path: Path, *args: str, **extra: str
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`pixsim7 serve` on a free port, once /api/v1/health answers; SIGTERM on exit."""
    port = _free_port()
    proc = subprocess.Popen(
        [*PIXSIM7, "serve", "--port", str(port), *args],
        env=_env(tmp_path, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("server did not start: " + proc.communicate(timeout=30)[0])
    try:
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        if proc.stdout and not proc.stdout.closed:
            proc.communicate(timeout=30)  # reaps the process and closes its pipe


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    # PIXSIM7_ADMIN_EMAIL without a password: the password is generated and printed.
    with _serving(
        tmp_path, PIXSIM7_ADMIN_EMAIL="boss@example.com", PIXSIM7_LOG_LEVEL="INFO"
    ) as served:
        yield served


def test_user_create_admin_can_use_admin_endpoints_on_serve_no_worker(tmp_path: Path) -> None:
    pw = "long enough"
    r = _run(tmp_path, "user", "create", "--email", "plain@example.com", "--password", pw)
    assert r.returncode == 0 and "(user)" in r.stdout, r.stderr
    r = _run(
        tmp_path, "user", "create", "--admin", "--email", "chief@example.com", "--password", pw
    )
    assert r.returncode == 0 and "(admin)" in r.stdout, r.stderr

    with _serving(tmp_path, "--no-worker") as (url, proc):
        health = httpx.get(f"{url}/api/v1/health", timeout=5)
        assert health.status_code == 200 and health.json()["database"] == "ok"

        def login(email: str) -> dict[str, str]:
            r = httpx.post(
                f"{url}/api/v1/auth/login", json={"email": email, "password": pw}, timeout=10
            )
            assert r.status_code == 200, r.text
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        chief = login("chief@example.com")
        listed = httpx.get(f"{url}/api/v1/users", headers=chief, timeout=10)
        assert listed.status_code == 200, listed.text
        roles = {u["email"]: u["role"] for u in listed.json()["items"]}
        # Users existed, so serve bootstrapped no admin of its own.
        assert roles == {"plain@example.com": "user", "chief@example.com": "admin"}
        plain = login("plain@example.com")
        assert httpx.get(f"{url}/api/v1/users", headers=plain, timeout=10).status_code == 403

        # The chief lost their password: an operator sets a new one while the server runs.
        r = subprocess.run(
            [*PIXSIM7, "user", "set-password", "chief@example.com"],
            env=_env(tmp_path),
            input="a new password\na new password\n",
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0 and "password set for chief@example.com" in r.stdout, r.stderr
        assert httpx.get(f"{url}/api/v1/users/me", headers=chief, timeout=10).status_code == 401
        r = httpx.post(
            f"{url}/api/v1/auth/login",
            json={"email": "chief@example.com", "password": "a new password"},
            timeout=10,
        )
        assert r.status_code == 200 and r.json()["user"]["role"] == "admin"
        assert proc.poll() is None

    r = _run(tmp_path, "user", "set-password", "nobody@example.com", "--password", "long enough")
    assert r.returncode != 0 and "no user" in r.stderr
    r = _run(tmp_path, "user", "set-password", "plain@example.com", "--password", "short")
    assert r.returncode != 0 and "8 to 256" in r.stderr


def test_serve_migrates_creates_admin_and_answers(
    server: tuple[str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    url, proc = server
    health = httpx.get(f"{url}/api/v1/health").json()
    assert health["database"] == "ok" and health["database_dialect"] == "sqlite"
    # Hashes, sessions, the key and media are the owner's alone.
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data" / "pixsim7.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data" / "secret_key").stat().st_mode) == 0o600
    # A fresh install: nobody registers; the admin creates users.
    assert httpx.get(f"{url}/api/v1/auth/registration").json() == {"open": False}
    r = httpx.post(
        f"{url}/api/v1/auth/register",
        json={"email": "walk-in@example.com", "password": "long enough"},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "registration_disabled"

    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=30)[0]
    # One line per request, ours (JSON with the request id), not uvicorn's text line too.
    lines = [line for line in output.splitlines() if "/api/v1/auth/register" in line]
    assert len(lines) == 1, lines
    assert json.loads(lines[0])["status"] == 403 and json.loads(lines[0])["request_id"]
    match = re.search(r"First admin created: boss@example.com\s+password: (\S+)", output)
    assert match, output
    password = match.group(1)
    assert output.count(password) == 1  # printed once, never logged

    # A second start keeps the same admin and prints no password.
    port = _free_port()
    proc2 = subprocess.Popen(
        [*PIXSIM7, "serve", "--port", str(port)],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url2 = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                login = httpx.post(
                    f"{url2}/api/v1/auth/login",
                    json={"email": "boss@example.com", "password": password},
                    timeout=2,
                )
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert login.status_code == 200 and login.json()["user"]["role"] == "admin"
    finally:
        proc2.send_signal(signal.SIGTERM)
        output2 = proc2.communicate(timeout=30)[0]
    assert "First admin created" not in output2


def test_serve_runs_the_scheduler_cache_eviction_trash_expiry_and_automation_beside_the_api() -> (
    None
):
    from pixsim7.assets.cache import eviction_task
    from pixsim7.assets.trash import expiry_task
    from pixsim7.automation.worker import embedded as automation
    from pixsim7.cli import _worker_hooks
    from pixsim7.jobs.worker import embedded

    assert _worker_hooks() == [embedded, eviction_task, expiry_task, automation]
