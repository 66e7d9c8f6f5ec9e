"""The SQLite files are created readable by their owner only."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from pixsim7.db import Database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_sqlite_database_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with db.session() as session:
            await session.execute(text("CREATE TABLE t (secret TEXT)"))
            await session.execute(text("INSERT INTO t VALUES ('a password hash')"))
            await session.commit()
        # Log lines have a file of their own beside it (db.logs_file).
        async with db.logmaker() as session:
            await session.execute(text("CREATE TABLE lines (secret TEXT)"))
            await session.execute(text("INSERT INTO lines VALUES ('a logged email')"))
            await session.commit()
        # The write-ahead logs and their indexes hold the same rows: same mode.
        for name in ("fresh.db", "fresh-logs.db"):
            for file in (tmp_path / name, tmp_path / f"{name}-wal", tmp_path / f"{name}-shm"):
                assert _mode(file) == 0o600, file
    finally:
        await db.dispose()


async def test_an_existing_database_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch(mode=0o640)
    path.chmod(0o640)  # an operator's choice (touch's mode is subject to the umask)
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with db.session() as session:
            await session.execute(text("SELECT 1"))
        assert _mode(path) == 0o640
    finally:
        await db.dispose()
