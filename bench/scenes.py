"""Scene figures: validation and save of a generated 2,000-node scene, export of a 20-node one.

    .venv/bin/python bench/scenes.py [--nodes 2000] [--rounds 20]

SQLite always; PostgreSQL too when PIXSIM7_TEST_DATABASE_URL is set (a scratch database is
created next to it and dropped afterwards). Validation is the pure validator on the parsed
graph (targets: under 50 ms); save is `scenes.service.update` (lock, facts, validation,
graph, link rows, revision, commit; target: under 200 ms). Export is GET export.zip through
the app in-process, with a stand-in player (the scene and its media are the real ones).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import numpy as np

from pixsim7 import logging as plog
from pixsim7 import media, migrate
from pixsim7.app import create_app
from pixsim7.config import Settings, async_url
from pixsim7.scenes import references, service
from pixsim7.scenes.format import Graph
from pixsim7.scenes.schemas import SceneCreate, SceneUpdate
from pixsim7.scenes.validate import validate
from pixsim7.users import service as users_service
from pixsim7.users.models import User

PASSWORD = "bench password 123"
PG_URL = os.environ.get("PIXSIM7_TEST_DATABASE_URL")
CLIPS = 10


def make_clip(path: Path, shade: int) -> Path:
    w, h, fps = 640, 360, 24
    y, x = np.mgrid[0:h, 0:w]
    frames = (
        np.stack([(x + i * 8 + shade) % 256, (y + i * 4) % 256, (x + y) % 256], -1).astype(np.uint8)
        for i in range(3 * fps)
    )
    return media.write_video(frames, path, w, h, fps)


def chapters(count: int, assets: list[int]) -> dict[str, Any]:
    """A scene of `count` nodes: chapters of a clip, a choice, two clips, a condition."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for c in range((count - 1) // 5):
        v, ch, a, b, k = (f"c{c}-{x}" for x in ("v", "ch", "a", "b", "k"))
        clip = {"asset_id": assets[c % len(assets)], "start": 0, "end": 2.5, "tags": ["t"]}
        nodes += [
            {
                "id": v,
                "type": "video",
                "label": f"Chapter {c}",
                "position": {"x": c * 300, "y": 0},
                "media": [clip],
            },
            {"id": ch, "type": "choice", "prompt": "Which way now?", "timeout": {"seconds": 8}},
            {"id": a, "type": "video", "media": [clip, clip], "selection": {"mode": "random"}},
            {"id": b, "type": "video", "media": [clip], "playback": {"mode": "loop"}},
            {"id": k, "type": "condition", "flag": "score", "op": "gte", "value": c},
        ]
        after = f"c{c + 1}-v" if (c + 1) * 5 < count - 1 else "end"
        edges += [
            {"id": f"{v}.out", "from": v, "to": ch},
            {
                "id": f"{ch}.a",
                "from": ch,
                "to": a,
                "label": "Left",
                "is_default": True,
                "effects": [{"flag": "score", "op": "inc", "value": 2}],
            },
            {
                "id": f"{ch}.b",
                "from": ch,
                "to": b,
                "label": "Right",
                "effects": [{"flag": "path", "op": "push", "value": f"r{c}"}],
            },
            {"id": f"{a}.out", "from": a, "to": k},
            {"id": f"{b}.out", "from": b, "to": k, "label": "Go on"},
            {"id": f"{k}.t", "from": k, "to": after, "port": "true"},
            {"id": f"{k}.f", "from": k, "to": after, "port": "false"},
        ]
    nodes.append({"id": "end", "type": "end", "outcome": "success", "message": "The end"})
    return {
        "title": "Generated",
        "start": "c0-v",
        "flags": {"score": 0, "path": []},
        "nodes": nodes,
        "edges": edges,
    }


Samples = list[tuple[float, float]]  # (wall, this process's CPU) seconds


def ms(samples: Samples) -> str:
    """Wall median and p95, and the CPU median: on a shared machine, wall time past the CPU
    is mostly waiting for a core."""
    wall = sorted(w for w, _ in samples)
    p95 = wall[min(len(wall) - 1, int(len(wall) * 0.95))]
    cpu = statistics.median(c for _, c in samples)
    return (
        f"median {statistics.median(wall) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms "
        f"(CPU {cpu * 1000:.1f} ms)"
    )


async def timed(rounds: int, step: Callable[[int], Awaitable[object]]) -> Samples:
    samples = []
    for i in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        await step(i)
        samples.append((time.perf_counter() - wall, time.process_time() - cpu))
    return samples


def timed_sync(rounds: int, step: Callable[[], object]) -> Samples:
    samples = []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        samples.append((time.perf_counter() - wall, time.process_time() - cpu))
    return samples


async def bench(label: str, settings: Settings, clips: list[Path], nodes: int, rounds: int) -> None:
    settings.scene_player_dir = settings.data_dir / "player"
    settings.scene_player_dir.mkdir(parents=True)
    (settings.scene_player_dir / "index.html").write_text("<!doctype html><title>player</title>")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with app.state.db.session() as s:
            user = await users_service.create(
                s, settings=settings, email=f"{uuid.uuid4().hex[:8]}@b.example", password=PASSWORD
            )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as c:
            login = await c.post(
                "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
            )
            h = {"Authorization": f"Bearer {login.json()['access_token']}"}
            assets = []
            for clip in clips:
                up = await c.post(
                    "/api/v1/assets/upload",
                    headers=h,
                    files={"file": (clip.name, clip.read_bytes())},
                )
                assets.append(up.json()["id"])
            body = chapters(nodes, assets)
            await _validation_and_save(label, app, user.id, body, rounds)
            await _export(label, c, h, chapters(21, assets), rounds=5)


async def _validation_and_save(
    label: str, app: Any, user_id: int, body: dict[str, Any], rounds: int
) -> None:
    doc = {k: body[k] for k in service.GRAPH_FIELDS}
    parse = timed_sync(rounds, lambda: Graph.model_validate(doc))
    graph = Graph.model_validate(doc)
    async with app.state.db.session() as s:
        facts = await references.facts(s, user_id, graph, scene_id=None)
    problems = validate(graph, facts)
    checks = timed_sync(rounds, lambda: validate(graph, facts))
    print(f"{label}: {len(graph.nodes)} nodes, {len(graph.edges)} edges, {len(problems)} problems")
    print(f"  parse (Pydantic)      {ms(parse)}")
    print(f"  validate (pure)       {ms(checks)}   target < 50 ms")
    settings, bus = app.state.settings, app.state.bus
    async with app.state.db.session() as s:
        user = await s.get(User, user_id)
        assert user is not None
        scene, _ = await service.create(
            s, user, SceneCreate.model_validate(body), settings=settings, bus=bus
        )
    update = SceneUpdate.model_validate({**body, "version": 1})

    async def save(i: int) -> None:
        async with app.state.db.session() as s:
            update.version = i + 1
            await service.update(s, user, scene.id, update, settings=settings, bus=bus)

    saves = await timed(rounds, save)
    print(f"  save (service)        {ms(saves)}   target < 200 ms")


async def _export(
    label: str, c: httpx.AsyncClient, h: dict[str, str], body: dict[str, Any], *, rounds: int
) -> None:
    r = await c.post("/api/v1/scenes", headers=h, json=body)
    scene = r.json()
    sizes: list[int] = []

    async def export(_: int) -> None:
        z = await c.get(f"/api/v1/scenes/{scene['id']}/export.zip", headers=h)
        assert z.status_code == 200, z.text
        sizes.append(len(z.content))

    samples = await timed(rounds, export)
    what = f"{len(body['nodes'])} nodes, {CLIPS} clips"
    print(f"  export.zip ({what})  {sizes[0] / 1e6:.2f} MB, {ms(samples)}")


def _settings(data: Path, url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data,
        database_url=url,
        secret_key="bench-secret-key-that-is-long-enough-for-hkdf",  # type: ignore[arg-type]
        web_dist_dir=data / "no-web",
    )


async def _pg(sql: str) -> None:
    assert PG_URL
    conn = await asyncpg.connect(PG_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=2_001)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        clips = [
            await asyncio.to_thread(make_clip, root / f"clip{i}.mp4", i * 20) for i in range(CLIPS)
        ]
        url = f"sqlite+aiosqlite:///{root / 'scenes.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        await bench("SQLite", _settings(root / "sqlite", url), clips, args.nodes, args.rounds)
        if not PG_URL:
            print("PostgreSQL: skipped (set PIXSIM7_TEST_DATABASE_URL)")
            return
        name = f"pixsim7_bench_{uuid.uuid4().hex[:8]}"
        await _pg(f'CREATE DATABASE "{name}"')
        try:
            pg = async_url(PG_URL.rsplit("/", 1)[0] + "/" + name)
            await asyncio.to_thread(migrate.upgrade, pg)
            await bench("PostgreSQL", _settings(root / "pg", pg), clips, args.nodes, args.rounds)
        finally:
            await _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    plog.configure("WARNING")
    asyncio.run(main())
