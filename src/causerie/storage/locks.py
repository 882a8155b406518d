"""Locked rooms: a moderator's setting, kept so that it survives a restart."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.tables import room_locks


class RoomLockStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def lock(self, room_id: str, moderator_id: int, now: int) -> bool:
        """True if the room is now locked; False if it already was."""
        try:
            async with self.engine.begin() as conn:
                await conn.execute(insert(room_locks).values(room_id=room_id, locked_by=moderator_id, created_at=now))
        except IntegrityError:
            return False
        return True

    async def unlock(self, room_id: str) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(room_locks).where(room_locks.c.room_id == room_id))
        return bool(result.rowcount)

    async def locked(self) -> set[str]:
        async with self.engine.connect() as conn:
            return {r[0] for r in (await conn.execute(select(room_locks.c.room_id))).all()}
