"""Two processes log into one PostgreSQL database, which goes away for two seconds.

Each process (tests/logs/sink_child.py) logs a line every 20 ms through the database sink,
reaching PostgreSQL through a TCP proxy of the test's. The proxy cuts every connection and
refuses new ones for two seconds, then lets them through again. One process keeps up to
10,000 lines while the database is away, the other only 10: the first must store every
line once it is back, the second may drop lines but must count each one it dropped. Both
keep logging and answering throughout, and the printed copy of each has every line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from pixsim7.db import Database
from pixsim7.logs.models import LogEntry

CHILD = Path(__file__).with_name("sink_child.py")
ROOT = Path(__file__).parents[2]


class Proxy:
    """A TCP proxy to the database that can be cut (connections reset, new ones refused)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.connections = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers -= {writer, up_writer}


class Child:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.printed: list[str] = []
        self._stderr = asyncio.create_task(self._read_stderr())

    async def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        while line := await self.proc.stderr.readline():
            self.printed.append(line.decode())

    async def ask(self, command: str = "ping", wait_s: float = 5.0) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{command}\n".encode())
        await self.proc.stdin.drain()
        line = await asyncio.wait_for(self.proc.stdout.readline(), wait_s)
        assert line, "the process stopped answering"
        return dict(json.loads(line))

    def ticks_printed(self) -> list[int]:
        out = []
        for line in self.printed:
            with contextlib.suppress(ValueError):
                body = json.loads(line)
                if body.get("event") == "tick":
                    out.append(body["n"])
        return out


@contextlib.asynccontextmanager
async def child(url: str, name: str, buffer: int) -> AsyncIterator[Child]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        url,
        name,
        str(buffer),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    c = Child(proc)
    try:
        await c.ask(wait_s=60.0)  # started (imports take seconds on a loaded machine)
        yield c
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
        await c._stderr


async def test_two_processes_and_a_database_away_for_two_seconds(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("processes sharing one database over the network: PostgreSQL")
    url = make_url(database_url)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    async with child(through, "keeps", 10_000) as keeps, child(through, "drops", 10) as drops:
        both = (keeps, drops)

        async def settled(c: Child) -> dict[str, Any]:
            """Its figures once what it logged so far is written (the database is up)."""
            for _ in range(100):
                body = await c.ask()
                if body["written"] > 0 and body["pending"] <= 5 and not body["failing"]:
                    return body
                await asyncio.sleep(0.1)
            raise AssertionError(f"lines not written: {body}")

        for c in both:
            await settled(c)
        await proxy.cut()
        during = []
        for _ in range(8):  # 2 s away; both answer all along
            await asyncio.sleep(0.25)
            during.append([await c.ask(wait_s=2.0) for c in both])
        assert all(k["ticks"] > 0 for k, _ in during)
        assert during[-1][0]["ticks"] - during[0][0]["ticks"] >= 20  # still logging
        assert during[-1][0]["failing"] and during[-1][1]["failing"]
        assert during[-1][0]["pending"] > 20 and during[-1][0]["dropped"] == 0
        assert during[-1][1]["pending"] <= 10 and during[-1][1]["dropped"] > 0
        await proxy.start()  # back, on the same port
        for c in both:
            await settled(c)
        final = [await c.ask("stop", wait_s=15.0) for c in both]
        for c in both:
            assert await asyncio.wait_for(c.proc.wait(), 15.0) == 0

    db = Database(database_url)
    try:
        async with db.reader() as session:
            rows = await session.scalars(select(LogEntry).where(LogEntry.event == "tick"))
            stored: dict[str, set[int]] = {"keeps": set(), "drops": set()}
            instances: dict[str, set[str | None]] = {"keeps": set(), "drops": set()}
            for row in rows:
                stored[row.process].add(row.extra["n"])
                instances[row.process].add(row.worker_id)
    finally:
        await db.dispose()
        await proxy.cut()

    (keeps_final, drops_final) = final
    # Two processes: each line names its own (host and pid), and they differ.
    assert len(instances["keeps"]) == 1 and len(instances["drops"]) == 1
    assert instances["keeps"] != instances["drops"]
    # The printed copy has every line of each, whatever became of the stored one.
    for c, body in zip(both, final, strict=True):
        assert sorted(c.ticks_printed()) == list(range(body["ticks"]))
    # The one with room kept every line through the outage and stored it afterwards.
    assert stored["keeps"] == set(range(keeps_final["ticks"]))
    assert keeps_final["dropped"] == 0 and keeps_final["pending"] == 0
    # The other stored some, dropped the rest, and counted each line it dropped (the
    # counter may also count its own notices about the database being away).
    missing = drops_final["ticks"] - len(stored["drops"])
    assert stored["drops"] <= set(range(drops_final["ticks"]))
    assert 0 < missing <= drops_final["dropped"] == drops_final["dropped_metric"]
    assert drops_final["pending"] == 0
