"""Group commit of hot single-row inserts (storage/batch.py): shared transactions, separate outcomes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, select
from sqlalchemy.exc import IntegrityError

from causerie.storage import database
from causerie.storage.batch import BatchedInsert

meta = MetaData()
t = Table("t", meta, Column("id", Integer, primary_key=True), Column("v", String, unique=True))


async def test_inserts_arriving_together_share_a_transaction_and_keep_their_own_outcome(tmp_path: Path) -> None:
    engine = database.create_engine(f"sqlite:///{tmp_path}/b.db")
    commits: list[int] = []
    event.listen(engine.sync_engine, "commit", lambda _conn: commits.append(1))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(meta.create_all)
        inserts = BatchedInsert(engine, t.insert())
        commits.clear()
        await asyncio.gather(*(inserts.add({"v": f"r{i}"}) for i in range(20)))
        assert len(commits) == 1  # twenty rows, one transaction

        # a duplicate in a batch fails alone; the other rows of the batch are stored
        outcomes = await asyncio.gather(inserts.add({"v": "x"}), inserts.add({"v": "r3"}), inserts.add({"v": "y"}),
                                        return_exceptions=True)
        assert outcomes[0] is None and outcomes[2] is None
        assert isinstance(outcomes[1], IntegrityError)
        with pytest.raises(IntegrityError):  # alone, the same error as an insert of its own
            await inserts.add({"v": "x"})
        async with engine.connect() as conn:
            stored = set((await conn.execute(select(t.c.v))).scalars())
        assert stored == {f"r{i}" for i in range(20)} | {"x", "y"}
    finally:
        await engine.dispose()
