"""The gallery's batch actions on 10,000 assets, in-process (the API through ASGI, no
browser): tag (twice), favourite, trash, restore, each timed from request to answer; then the
gallery's first page filtered by the new tag and by an old one.

    .venv/bin/python bench/bulk.py [--assets 10000] \
        [--db postgresql://postgres@127.0.0.1:5432/bench_<you>]

One asset is uploaded, the rest are copies of its row made in SQL (with its tag rows), on a
fresh SQLite file or on the scratch PostgreSQL database given (its tables dropped and
migrated afresh; then ANALYZE). An event-stream-like subscriber drains the bus meanwhile;
the events it got are printed. `bench/daily.py` measures the same from the browser.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.assets.conftest import png_bytes  # noqa: E402

from pixsim7 import migrate  # noqa: E402
from pixsim7.app import create_app  # noqa: E402
from pixsim7.config import Settings, async_url  # noqa: E402

PASSWORD = "correct horse battery"


async def _seed(app: object, asset_id: int, n: int, postgres: bool) -> None:
    async with app.state.db.session() as session:  # type: ignore[attr-defined]
        described = await session.execute(text("SELECT * FROM assets LIMIT 0"))
        names = described.keys()  # (a result's, not a dict's)
        columns = [c for c in names if c != "id"]
        chosen = ", ".join("NULL" if c == "source_job_id" else c for c in columns)
        numbers = (
            f"generate_series(1, {n}) AS g(n)"
            if postgres
            else f"(WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g "
            f"WHERE n < {n}) SELECT n FROM g) AS g"
        )
        await session.execute(
            text(
                f"INSERT INTO assets ({', '.join(columns)}) SELECT {chosen} "
                f"FROM assets, {numbers} WHERE assets.id = :id"
            ),
            {"id": asset_id},
        )
        await session.execute(
            text(
                "INSERT INTO asset_tags (asset_id, tag, owner_id) "
                "SELECT id, 'a', owner_id FROM assets WHERE id <> :id"
            ),
            {"id": asset_id},
        )
        await session.commit()
        await session.execute(text("ANALYZE"))
        await session.commit()


async def run(url: str, data_dir: Path, assets: int) -> None:
    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=url,
        secret_key="bench-secret-key-that-is-long-enough-for-hkdf",
        web_dist_dir=data_dir / "no-web",
        allow_registration=True,
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as c,
    ):
        r = await c.post(
            "/api/v1/auth/register", json={"email": "b@example.com", "password": PASSWORD}
        )
        h = {"Authorization": f"Bearer {r.json()['access_token']}"}
        files = {"file": ("x.png", png_bytes(), "image/png")}
        r = await c.post("/api/v1/assets/upload", headers=h, files=files, data={"tags": "a"})
        assert r.status_code == 201, r.text
        await _seed(app, r.json()["id"], assets - 1, url.startswith("postgresql"))
        got: list[str] = []

        async def drain(queue: asyncio.Queue) -> None:
            while True:
                got.append((await queue.get()).type)

        steps = [
            ("tag", "tags", {"filter": {}, "add": ["t1"]}),
            ("tag again", "tags", {"filter": {}, "add": ["t2"]}),
            ("favourite", "favorite", {"filter": {}, "favorite": True}),
            ("trash", "trash", {"filter": {}}),
            ("restore", "restore", {"filter": {}}),
        ]
        async with app.state.bus.subscribe() as queue:
            task = asyncio.create_task(drain(queue))
            for name, path, body in steps:
                started = time.perf_counter()
                r = await c.post(f"/api/v1/assets/batch/{path}", headers=h, json=body)
                took = time.perf_counter() - started
                assert r.status_code == 200, r.text
                await asyncio.sleep(0.2)
                kinds = {k: got.count(k) for k in dict.fromkeys(got)}
                got.clear()
                print(f"  {name}: {len(r.json()['ids'])} assets in {took:.2f} s; events {kinds}")
            task.cancel()
        for tag in ("t1", "a"):  # the gallery on a tag just added to all, and on an old one
            started = time.perf_counter()
            r = await c.get("/api/v1/assets", headers=h, params={"tag": tag, "limit": 50})
            took = time.perf_counter() - started
            print(f"  list tag={tag}: {r.json()['total']} total in {took * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--db", help="a scratch PostgreSQL database (its tables are dropped)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            url = async_url(args.db)
            _drop_tables(url)
        else:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        print(f"{'PostgreSQL' if args.db else 'SQLite'}, {args.assets} assets:")
        asyncio.run(run(url, Path(tmp) / "data", args.assets))


def _drop_tables(url: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    async def drop() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(drop())


if __name__ == "__main__":
    main()
