"""Alembic environment: runs migrations on the async engine of the configured URL; on
SQLite with the log lines' own file attached as the schema `logs` (db.logs_file), which
the migrations of log_entries address."""

from __future__ import annotations

import asyncio
from typing import cast

from alembic import context
from sqlalchemy import Table, inspect
from sqlalchemy.engine import Connection

import pixsim7.db_models  # noqa: F401  (registers every table)
from pixsim7.assets.search import include_object
from pixsim7.db import LOGS_SCHEMA, Base, create_engine
from pixsim7.logs.models import LogEntry

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
        _restore_logs(connection)


def _restore_logs(connection: Connection) -> None:
    """SQLite at head whose log lines' file is gone (deleted to make room, or not restored
    with the database): an empty table there again, as the models say, so that lines are
    stored and read."""
    if connection.dialect.name != "sqlite":
        return
    attached = {row[1] for row in connection.exec_driver_sql("PRAGMA database_list")}
    migration = context.get_context()
    if (
        LOGS_SCHEMA not in attached
        or set(migration.get_current_heads()) != set(context.script.get_heads())
        or any(inspect(connection).has_table("log_entries", s) for s in ("main", LOGS_SCHEMA))
    ):
        return
    in_logs = connection.execution_options(schema_translate_map={None: LOGS_SCHEMA})
    cast(Table, LogEntry.__table__).create(in_logs)


async def _run_async(url: str) -> None:
    engine = create_engine(url, attach_logs=True)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # called from inside a running engine (tests)
        _run(connection)
        return
    asyncio.run(_run_async(config.get_main_option("sqlalchemy.url") or ""))


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
run()
