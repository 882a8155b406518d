"""Who ignores whom."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.fastread import Reader
from causerie.storage.tables import ignores

_OF = select(ignores.c.ignored_id).where(ignores.c.session_id == bindparam("sid"))  # built once (on `hello`)


class IgnoreStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, session_id: str, ignored_id: str, now: int) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(insert(ignores).values(session_id=session_id, ignored_id=ignored_id,
                                                          created_at=now))
        except IntegrityError:
            pass  # already ignored

    async def remove(self, session_id: str, ignored_id: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(ignores).where(
                and_(ignores.c.session_id == session_id, ignores.c.ignored_id == ignored_id)))

    async def of(self, session_id: str) -> set[str]:
        return {r[0] for r in await Reader.of(self.engine).all(_OF, {"sid": session_id})}

    async def ignores(self, session_id: str, other: str) -> bool:
        async with self.engine.connect() as conn:
            return (await conn.execute(select(ignores.c.session_id).where(
                and_(ignores.c.session_id == session_id, ignores.c.ignored_id == other)))).first() is not None
