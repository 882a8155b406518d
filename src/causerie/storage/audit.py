"""The audit log's rows: appended one at a time, each chained to the previous one (moderation/audit.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.tables import audit_log


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    seq: int
    ts: int
    actor: str
    action: str
    target: str
    data: str  # canonical JSON
    prev_hash: str
    hash: str


_COLUMNS = (audit_log.c.id, audit_log.c.seq, audit_log.c.ts, audit_log.c.actor, audit_log.c.action,
            audit_log.c.target, audit_log.c.data, audit_log.c.prev_hash, audit_log.c.hash)

# (prev_hash, seq, ts, actor, action, target, data) -> hash
Hasher = Callable[[str, int, int, str, str, str, str], str]


# The key of the PostgreSQL advisory lock that serialises appends across nodes (any constant; this one
# spells "audit" in ASCII).
LOCK_KEY = 0x6175646974


class AuditStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # Appends from one process wait here rather than each holding a database connection while they
        # wait for the lock.
        self._local = asyncio.Lock()

    async def append(self, *, ts: int, actor: str, action: str, target: str, data: str, genesis: str,
                     hasher: Hasher) -> AuditEntry:
        """Append after the current head. The chain has one head, so appends are serialised: in this
        process by a lock, across nodes (PostgreSQL) by a transaction-scoped advisory lock taken before
        the head is read; SQLite has a single writer anyway. A writer that still meets the unique `seq`
        constraint (a node running older code) reads the new head and tries again."""
        async with self._local:
            return await self._append(ts, actor, action, target, data, genesis, hasher)

    async def _append(self, ts: int, actor: str, action: str, target: str, data: str, genesis: str,
                      hasher: Hasher) -> AuditEntry:
        postgres = self.engine.dialect.name == "postgresql"
        for _ in range(20):
            try:
                async with self.engine.begin() as conn:
                    if postgres:
                        await conn.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))
                    head = (await conn.execute(select(audit_log.c.seq, audit_log.c.hash)
                                               .order_by(audit_log.c.seq.desc()).limit(1))).first()
                    seq, prev = (head[0] + 1, head[1]) if head else (1, genesis)
                    digest = hasher(prev, seq, ts, actor, action, target, data)
                    new_id = (await conn.execute(insert(audit_log).values(
                        seq=seq, ts=ts, actor=actor, action=action, target=target, data=data, prev_hash=prev,
                        hash=digest).returning(audit_log.c.id))).scalar_one()
                return AuditEntry(int(new_id), seq, ts, actor, action, target, data, prev, digest)
            except IntegrityError:
                continue
        raise RuntimeError("audit log: could not append after 20 attempts")

    async def entries(self, *, target: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        query = select(*_COLUMNS).order_by(audit_log.c.seq, audit_log.c.id)
        if target is not None:
            query = query.where(audit_log.c.target == target)
        if limit is not None:
            query = query.limit(limit)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [AuditEntry(*r) for r in rows]
