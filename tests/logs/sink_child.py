"""A process that logs through the database sink, for tests/logs/test_two_processes.py.

    python tests/logs/sink_child.py DATABASE_URL NAME BUFFER

Configures logging as `pixsim7 serve` does (JSON lines printed on stderr, a copy stored in
the database), then logs a line `tick` (field n = 0, 1, ...) every 20 ms and answers on
stdout what it reads on stdin: `ping` with a JSON line of its figures (ticks logged, lines
written, buffered, dropped, the drop counter), `stop` by ending the sink (what is buffered
is written, within its grace) and a last such line, then it exits.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from pixsim7 import logging as plog
from pixsim7.db import Database
from pixsim7.logs import metrics, sink


def figures(s: sink.Sink, ticks: int) -> dict[str, Any]:
    return {
        "ticks": ticks,
        "written": s.written,
        "pending": s.pending,
        "dropped": s.dropped,
        "failing": s.failing,
        "dropped_metric": metrics.REGISTRY.get_sample_value("pixsim7_log_lines_dropped_total"),
    }


async def main(url: str, name: str, buffer: int) -> None:
    plog.configure("INFO", json=True)
    log = plog.get_logger("pixsim7.test.child")
    db = Database(url)
    config = sink.SinkConfig(batch=20, flush_s=0.1, buffer=buffer, write_timeout_s=1.0)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    ticks = 0

    def answer(body: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(body) + "\n")
        sys.stdout.flush()

    async with sink.running(db, process=name, config=config) as s:

        async def tick() -> None:
            nonlocal ticks
            while True:
                log.info("tick", n=ticks, child=name)
                ticks += 1
                await asyncio.sleep(0.02)

        ticking = asyncio.create_task(tick())
        while (line := (await reader.readline()).decode().strip()) != "stop":
            if not line:  # stdin closed: the test went away
                break
            answer(figures(s, ticks))
        ticking.cancel()
    answer(figures(s, ticks))
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
