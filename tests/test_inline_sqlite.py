"""The SQLite adapter that runs statements on the event loop keeps SQLite's semantics."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from causerie.storage import database


@pytest.mark.parametrize("url", ["sqlite:///{}", "sqlite+aiosqlite:///{}"])
async def test_sqlite_urls_use_the_inline_adapter(tmp_path: Path, url: str) -> None:
    threads = threading.active_count()
    engine = database.create_engine(url.format(tmp_path / "x.db"))
    try:
        assert engine.dialect.driver == "causerie"
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            await conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
        assert threading.active_count() == threads  # no worker thread behind the connection
    finally:
        await engine.dispose()


async def test_commit_rollback_and_errors(tmp_path: Path) -> None:
    engine = database.create_engine(f"sqlite:///{tmp_path}/y.db")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
            await conn.execute(text("INSERT INTO t (v) VALUES ('kept')"))
        with pytest.raises(RuntimeError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (v) VALUES ('rolled back')"))
                raise RuntimeError("abort the transaction")
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (v) VALUES ('kept')"))
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT v FROM t ORDER BY id"))).scalars().all()
        assert rows == ["kept"]
    finally:
        await engine.dispose()
