"""Daily-use figures (issue 20): the gallery at 10,000 assets, selecting them all and
tagging them all, and the server's memory while it streams a zip of 200 clips.

    .venv/bin/python bench/daily.py [--assets 10000] [--clips 200] [--runs 3] \
        [--db postgresql://postgres@127.0.0.1:5432/bench_<you>]

Runs the real stack (`pixsim7 serve` on SQLite in a temp dir, as the browser tests do; with
`--db`, on that PostgreSQL database, dropped and created afresh: a scratch one) and
Debian's Chromium. The library is filled quickly: `--seed` distinct pictures (and 10
distinct clips) go through the upload API (stored, probed, thumbnailed); the rest are copies
of their rows made in SQL, which share their files and thumbnails as assets with the same
bytes do. Times are the page's own clock (`performance.now()`); memory is the serve
process's resident set (/proc/<pid>/status), sampled every 10 ms during the download.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

import asyncpg
import av
import httpx
import numpy as np
from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import (  # noqa: E402
    ADMIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    Server,
    api_token,
    run_stack,
)
from tests.e2e.test_gallery_scale import FIRST_SCREEN  # noqa: E402

EMAIL = "bench@example.com"

# Select all shown, then all matching, type a tag, press Add tag: the time from the press
# until the bar is gone (the request answered and the grid told).
TAG_ALL = """
async (tag) => {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const byText = (root, text) =>
    [...root.querySelectorAll('button')].find(b => b.textContent.includes(text));
  const t0 = performance.now();
  document.querySelector('input[aria-label="Select all shown"]').click();
  let bar;
  while (!(bar = document.querySelector('[aria-label="Selected assets"]'))) await frame();
  let all;
  while (!(all = byText(bar, 'matching'))) await frame();
  all.click();
  const text = () => bar.textContent;
  const chosen = () => text().includes('selected') && !text().includes('Select all');
  while (!chosen()) await frame();
  const selected = performance.now();
  const box = bar.querySelector('input[aria-label="Tag for the selection"]');
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setter.call(box, tag);
  box.dispatchEvent(new Event('input', {bubbles: true}));
  let add;
  while (!(add = byText(bar, 'Add tag')) || add.disabled) await frame();
  const pressed = performance.now();
  add.click();
  while (document.querySelector('[aria-label="Selected assets"]')) await frame();
  const done = performance.now();
  return {select: selected - t0, tag: done - pressed};
}
"""


def _png(i: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (i % 256, (i // 256) % 256, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def _clip(i: int, seconds: float = 2.0, fps: int = 24, size: tuple[int, int] = (480, 270)) -> bytes:
    """Noise: it compresses badly, so a clip is a few MB without taking long to make."""
    rng = np.random.default_rng(i)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        for n in range(int(seconds * fps)):
            pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = n
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def _upload_all(server: Server, token: str, files: list[tuple[str, bytes]]) -> list[int]:
    def one(item: tuple[str, bytes]) -> int:
        with server.api(token) as api:
            r = api.post("/api/v1/assets/upload", files={"file": item})
            assert r.status_code == 201, r.text
            return int(r.json()["id"])

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, files))


# The scratch PostgreSQL database (`--db`), if any; else the server's own SQLite file.
PG_URL: str | None = None


def _pg(database: str | None = None) -> str:
    """asyncpg's URL for the scratch database (or another on its server)."""
    assert PG_URL is not None
    url = PG_URL.replace("postgresql+asyncpg://", "postgresql://")
    return url if database is None else url.rsplit("/", 1)[0] + "/" + database


def _fresh_pg() -> None:
    name = _pg().rsplit("/", 1)[1]

    async def run() -> None:
        conn = await asyncpg.connect(_pg("postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())


def _copy_rows_pg(ids: list[int], copies: int) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(_pg())
        try:
            columns = [
                r["column_name"]
                for r in await conn.fetch(
                    "SELECT column_name FROM information_schema.columns WHERE "
                    "table_name = 'assets' AND column_name <> 'id' ORDER BY ordinal_position"
                )
            ]
            chosen = ", ".join("NULL" if c == "source_job_id" else c for c in columns)
            listed = ", ".join(columns)
            left = copies
            while left > 0:
                n = min(left, len(ids))
                await conn.execute(
                    f"INSERT INTO assets ({listed}) SELECT {chosen} FROM assets "
                    "WHERE id = ANY($1::bigint[]) ORDER BY id LIMIT $2",
                    ids,
                    n,
                )
                left -= n
            # A library grown over time has its statistics (autovacuum); this one, at once.
            await conn.execute("ANALYZE")
        finally:
            await conn.close()

    asyncio.run(run())


def _copy_rows(server: Server, ids: list[int], copies: int) -> None:
    """`copies` more rows of these assets (new ids, the same files and thumbnails)."""
    if PG_URL is not None:
        _copy_rows_pg(ids, copies)
        return
    db = sqlite3.connect(server.data_dir / "pixsim7.db", timeout=60)
    try:
        columns = [r[1] for r in db.execute("PRAGMA table_info(assets)") if r[1] != "id"]
        # source_job_id is unique; copies have no job.
        chosen = ", ".join("NULL" if c == "source_job_id" else c for c in columns)
        listed = ", ".join(columns)
        marks = ",".join("?" * len(ids))
        while copies > 0:
            n = min(copies, len(ids))
            db.execute(
                f"INSERT INTO assets ({listed}) SELECT {chosen} FROM assets "
                f"WHERE id IN ({marks}) ORDER BY id LIMIT ?",
                [*ids, n],
            )
            copies -= n
        db.commit()
    finally:
        db.close()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _user(server: Server) -> str:
    with server.api(api_token(server, ADMIN)) as api:
        r = api.post("/api/v1/users", json={"email": EMAIL, "password": PASSWORD})
        assert r.status_code == 201, r.text
    return api_token(server, EMAIL)


def gallery(server: Server, token: str, assets: int, seed: int, runs: int) -> None:
    started = time.perf_counter()
    ids = _upload_all(server, token, [(f"{i}.png", _png(i)) for i in range(seed)])
    uploaded = time.perf_counter() - started
    _copy_rows(server, ids, assets - len(ids))
    with server.api(token) as api:
        total = api.get("/api/v1/assets", params={"limit": 1}).json()["total"]
    assert total == assets, total
    print(f"seeded {assets} assets ({seed} uploads in {uploaded:.1f} s, the rest copied rows)")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        signed_in = _sign_in(browser, server)
        cold, tagging = [], []
        for run in range(runs):
            load = os.getloadavg()[0]
            context = browser.new_context(
                base_url=server.url,
                viewport={"width": 1280, "height": 800},
                storage_state=signed_in,
            )
            page = context.new_page()
            page.goto("/gallery", wait_until="commit")
            shown = page.evaluate(FIRST_SCREEN, None)
            cold.append(shown["painted"] - shown["start"])
            page.get_by_text(f"{assets} assets").wait_for()
            timing = page.evaluate(TAG_ALL, f"bench-{run}")
            tagging.append(timing)
            with server.api(token) as api:
                tagged = api.get(
                    "/api/v1/assets", params={"tag": f"bench-{run}", "limit": 1}
                ).json()
            assert tagged["total"] == assets, tagged["total"]
            print(
                f"  run {run + 1}: first screen ({shown['count']} thumbnails) painted "
                f"{cold[-1]:.0f} ms (list answered {shown['list']:.0f} ms); select all "
                f"{timing['select']:.0f} ms; add a tag to all {timing['tag']:.0f} ms "
                f"[load {load:.1f}]"
            )
            context.close()
        browser.close()
    print(
        f"gallery with {assets} assets: first thumbnails (cold profile) median "
        f"{statistics.median(cold):.0f} ms; select all median "
        f"{statistics.median(t['select'] for t in tagging):.0f} ms; tag all median "
        f"{statistics.median(t['tag'] for t in tagging):.0f} ms"
    )


def _sign_in(browser: Any, server: Server) -> Any:
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email or username").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").wait_for()
    state = context.storage_state()
    context.close()
    return state


def download(server: Server, token: str, clips: int) -> None:
    assert server.pid is not None
    distinct = min(10, clips)
    started = time.perf_counter()
    ids = _upload_all(server, token, [(f"clip{i}.mp4", _clip(i)) for i in range(distinct)])
    print(f"uploaded {distinct} clips in {time.perf_counter() - started:.1f} s")
    _copy_rows(server, ids, clips - distinct)
    with server.api(token) as api:
        videos = api.get("/api/v1/assets", params={"media_type": "video", "limit": 1}).json()
    assert videos["total"] == clips, videos["total"]

    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append(_rss_kib(server.pid))  # type: ignore[arg-type]
            time.sleep(0.01)

    before = _rss_kib(server.pid)
    sampler = threading.Thread(target=sample)
    sampler.start()
    size = 0
    started = time.perf_counter()
    auth = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=server.url, headers=auth, timeout=300) as client,
        client.stream("GET", "/api/v1/assets/download", params={"media_type": "video"}) as r,
    ):
        r.raise_for_status()
        for chunk in r.iter_bytes():
            size += len(chunk)
    took = time.perf_counter() - started
    stop.set()
    sampler.join()
    peak = max(samples)
    print(
        f"zip of {clips} clips: {size / 1e6:.0f} MB in {took:.1f} s; serve process resident "
        f"memory {before / 1024:.0f} MiB before, peak {peak / 1024:.0f} MiB during "
        f"(+{(peak - before) / 1024:.1f} MiB; {len(samples)} samples)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=100, help="pictures uploaded for real")
    parser.add_argument("--clips", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", help="a scratch PostgreSQL database (dropped, created afresh)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    env = {}
    if args.db:
        global PG_URL
        PG_URL = args.db
        _fresh_pg()
        env["PIXSIM7_DATABASE_URL"] = args.db
    print(f"database: {'PostgreSQL' if args.db else 'SQLite'}")
    with tempfile.TemporaryDirectory() as tmp, run_stack(Path(tmp), env) as server:
        token = _user(server)
        gallery(server, token, args.assets, args.seed, args.runs)
        download(server, token, args.clips)


if __name__ == "__main__":
    main()
