"""The direct SQLite reader of the hot look-ups (storage/fastread.py) answers what the engine answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, bindparam, select
from sqlalchemy.exc import DBAPIError

from causerie.storage import database
from causerie.storage.fastread import Reader

meta = MetaData()
t = Table("t", meta, Column("id", Integer, primary_key=True), Column("v", String), Column("flag", Boolean))
BY_V = select(t.c.id, t.c.v).where(t.c.v == bindparam("v")).order_by(t.c.id).limit(bindparam("n"))
FLAGS = select(t.c.flag).where(t.c.id == bindparam("id"))


async def test_reader_sees_committed_rows_only_and_matches_the_engine(tmp_path: Path) -> None:
    engine = database.create_engine(f"sqlite:///{tmp_path}/r.db")
    reader = Reader.of(engine)
    try:
        assert Reader.of(engine) is reader and reader.path == f"{tmp_path}/r.db"
        async with engine.begin() as conn:
            await conn.run_sync(meta.create_all)
            await conn.execute(t.insert(), [{"v": "a", "flag": True}, {"v": "a", "flag": False},
                                            {"v": "b", "flag": None}])
        assert await reader.all(BY_V, {"v": "a", "n": 10}) == [(1, "a"), (2, "a")]
        assert await reader.all(BY_V, {"v": "a", "n": 1}) == [(1, "a")]
        assert await reader.first(BY_V, {"v": "zz", "n": 5}) is None
        assert reader._plans[id(BY_V)] is not None  # ran on the reader's own connection
        # a transaction in progress on the engine's connection is invisible until it commits
        async with engine.begin() as conn:
            await conn.execute(t.insert().values(v="a"))
            assert len(await reader.all(BY_V, {"v": "a", "n": 10})) == 2
        assert len(await reader.all(BY_V, {"v": "a", "n": 10})) == 3
        # a statement that needs SQLAlchemy's type processing goes through the engine: same answer
        assert await reader.all(FLAGS, {"id": 1}) == [(True,)] and await reader.all(FLAGS, {"id": 2}) == [(False,)]
        assert reader._plans[id(FLAGS)] is None
        # a failure is the engine's kind of error (a retryable `unavailable` for the client)
        reader.close()
        (tmp_path / "r.db").unlink()
        (tmp_path / "r.db").mkdir()
        with pytest.raises(DBAPIError) as failed:
            await reader.all(BY_V, {"v": "a", "n": 1})
        assert database.is_unavailable(failed.value)
    finally:
        reader.close()
        await engine.dispose()

