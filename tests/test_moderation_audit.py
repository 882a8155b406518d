"""The audit chain: `causerie audit verify` passes on an intact log and names the first entry that was
altered, removed or inserted."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from causerie.moderation.audit import append, entry_hash, verify
from causerie.storage import database
from causerie.storage.audit import AuditStore

CAUSERIE = [sys.executable, "-m", "causerie"]


@pytest.fixture
async def log_db(tmp_path: Path) -> Path:
    path = tmp_path / "audit.db"
    engine = database.create_engine(f"sqlite:///{path}")
    try:
        await database.upgrade(engine)
        store = AuditStore(engine)
        for i in range(1, 7):
            await append(store, ts=1_000 + i, actor=f"mod:{i % 2 + 1}", action="warn", target=f"session:s{i}",
                         data={"case": i, "category": "harassment"})
        assert (await verify(store)).ok
    finally:
        await engine.dispose()
    return path


def _verify(db: Path) -> tuple[int, str]:
    out = subprocess.run([*CAUSERIE, "audit", "verify", "--db", f"sqlite:///{db}"], capture_output=True,
                         text=True, timeout=60)
    return out.returncode, out.stdout + out.stderr


def test_intact_log_verifies(log_db: Path) -> None:
    code, out = _verify(log_db)
    assert code == 0, out
    assert "intact: 6 entries" in out


def test_altered_entry_is_named(log_db: Path) -> None:
    with sqlite3.connect(log_db) as conn:
        conn.execute("UPDATE audit_log SET data = ? WHERE seq = 3", ('{"case":3,"category":"spam"}',))
    code, out = _verify(log_db)
    assert code == 1
    assert "entry 3 was altered" in out


def test_altered_actor_is_named(log_db: Path) -> None:
    with sqlite3.connect(log_db) as conn:
        conn.execute("UPDATE audit_log SET actor = 'mod:9' WHERE seq = 5")
    code, out = _verify(log_db)
    assert code == 1 and "entry 5 was altered" in out


def test_removed_entry_is_named(log_db: Path) -> None:
    with sqlite3.connect(log_db) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = 4")
    code, out = _verify(log_db)
    assert code == 1
    assert "entry 4 was removed" in out


def test_removed_entry_hidden_by_renumbering_is_named(log_db: Path) -> None:
    with sqlite3.connect(log_db) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
        for seq in range(3, 7):
            conn.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq - 1, seq))
    code, out = _verify(log_db)
    assert code == 1
    assert "entry 2 was removed" in out


def test_inserted_entry_is_named(log_db: Path) -> None:
    """A forged entry that chains correctly to entry 2, with the later entries renumbered to make room."""
    with sqlite3.connect(log_db) as conn:
        for seq in range(6, 2, -1):
            conn.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq + 1, seq))
        prev = conn.execute("SELECT hash FROM audit_log WHERE seq = 2").fetchone()[0]
        data = '{"case":99}'
        forged = entry_hash(prev, 3, 1_002, "mod:1", "dismiss", "session:x", data)
        conn.execute("INSERT INTO audit_log (seq, ts, actor, action, target, data, prev_hash, hash) "
                     "VALUES (3, 1002, 'mod:1', 'dismiss', 'session:x', ?, ?, ?)", (data, prev, forged))
    code, out = _verify(log_db)
    assert code == 1
    assert "entry 3 was inserted" in out


def test_inserted_entry_at_the_end_that_does_not_chain_is_named(log_db: Path) -> None:
    with sqlite3.connect(log_db) as conn:
        data = "{}"
        forged = entry_hash("f" * 64, 7, 2_000, "mod:1", "ban", "session:x", data)
        conn.execute("INSERT INTO audit_log (seq, ts, actor, action, target, data, prev_hash, hash) "
                     "VALUES (7, 2000, 'mod:1', 'ban', 'session:x', ?, ?, ?)", (data, "f" * 64, forged))
    code, out = _verify(log_db)
    assert code == 1
    assert "entry 7 was inserted" in out


async def test_concurrent_appends_from_two_nodes_all_land_in_one_chain(settings) -> None:  # type: ignore[no-untyped-def]
    """Two nodes (two engines on one database) appending at once: every entry lands, the chain has no
    gap or fork, and it verifies. Before appends were serialised, racing writers on PostgreSQL retried on
    the unique `seq` and gave up after 20 lost races."""
    import asyncio

    engines = [database.create_engine(settings.db_url) for _ in range(2)]
    try:
        await database.upgrade(engines[0])
        stores = [AuditStore(e) for e in engines]
        await asyncio.gather(*(append(stores[i % 2], ts=2_000 + i, actor="system", action="case_item",
                                      target=f"case:{i}", data={"n": i}) for i in range(120)))
        entries = await stores[0].entries()
        assert [e.seq for e in entries] == list(range(1, 121))
        assert sorted(e.target for e in entries) == sorted(f"case:{i}" for i in range(120))
        assert (await verify(stores[1])).ok
    finally:
        for e in engines:
            await e.dispose()
