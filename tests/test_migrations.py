"""Every migration runs up from empty and back down, and head matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, pool
from sqlalchemy.ext.asyncio import create_async_engine

import pixsim7.db_models  # noqa: F401
from pixsim7 import migrate
from pixsim7.assets.search import include_object, is_search_object
from pixsim7.db import Base


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return {n for n in names - {"alembic_version"} if not is_search_object(n)}


async def _diff(url: str) -> list[object]:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda c: compare_metadata(
                MigrationContext.configure(
                    c, opts={"compare_type": True, "include_object": include_object}
                ),
                Base.metadata,
            )
        )
    await engine.dispose()
    return diff


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def test_each_migration_goes_up_and_down(empty_database_url: str) -> None:
    url = empty_database_url
    revisions = _revisions()
    assert revisions[0] == "0001_foundation"
    seen: list[set[str]] = []
    for rev in revisions:  # one step at a time, so each downgrade is exercised alone
        migrate.upgrade(url, rev)
        assert await migrate.current(url) == rev
        seen.append(await _tables(url))
    assert await _tables(url) == set(Base.metadata.tables)
    for i in range(len(revisions) - 1, 0, -1):
        migrate.downgrade(url, revisions[i - 1])
        assert await _tables(url) == seen[i - 1]
    migrate.downgrade(url, "base")
    assert await _tables(url) == set()


async def test_head_schema_matches_models(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    assert await _diff(empty_database_url) == []
