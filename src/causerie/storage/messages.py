"""Room messages: gapless per-room sequence numbers, idempotent appends, history pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from causerie.storage.tables import messages, rooms


@dataclass(frozen=True, slots=True)
class StoredMessage:
    room: str
    seq: int
    session_id: str
    pseudo: str
    text: str
    client_id: str
    ts: int


_COLUMNS = (messages.c.room_id, messages.c.seq, messages.c.session_id, messages.c.pseudo, messages.c.text,
            messages.c.client_id, messages.c.created_at)


def _message(row: object) -> StoredMessage:
    return StoredMessage(*row)  # type: ignore[misc]


class MessageStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def _by_client_id(self, conn: AsyncConnection, session_id: str, client_id: str) -> StoredMessage | None:
        row = (await conn.execute(select(*_COLUMNS).where(
            and_(messages.c.session_id == session_id, messages.c.client_id == client_id)))).first()
        return _message(row) if row else None

    async def append(self, room_id: str, session_id: str, pseudo: str, text: str, client_id: str,
                     now: int) -> tuple[StoredMessage, bool]:
        """Store a message with the room's next sequence number, in one transaction.

        Returns the stored message and whether it is new: a repeated `client_id` from the same
        session returns the message stored the first time.
        """
        try:
            async with self.engine.begin() as conn:
                existing = await self._by_client_id(conn, session_id, client_id)
                if existing is not None:
                    return existing, False
                seq = (await conn.execute(
                    update(rooms).where(rooms.c.id == room_id).values(last_seq=rooms.c.last_seq + 1)
                    .returning(rooms.c.last_seq))).scalar_one()
                await conn.execute(messages.insert().values(
                    room_id=room_id, seq=seq, session_id=session_id, pseudo=pseudo, text=text,
                    client_id=client_id, created_at=now))
        except IntegrityError:
            # The same client_id raced in on another connection: the first one won.
            async with self.engine.connect() as conn:
                existing = await self._by_client_id(conn, session_id, client_id)
            if existing is None:
                raise
            return existing, False
        return StoredMessage(room_id, seq, session_id, pseudo, text, client_id, now), True

    async def before(self, room_id: str, before: int | None, limit: int) -> list[StoredMessage]:
        """Up to `limit` messages with seq < before (all when None), oldest first."""
        cond = messages.c.room_id == room_id
        if before is not None:
            cond = and_(cond, messages.c.seq < before)
        query = select(*_COLUMNS).where(cond).order_by(messages.c.seq.desc()).limit(limit)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_message(r) for r in reversed(rows)]

    async def after(self, room_id: str, after: int, cap: int) -> tuple[list[StoredMessage], bool]:
        """The newest `cap` messages with seq > after, oldest first, and whether some were cut."""
        query = (select(*_COLUMNS).where(and_(messages.c.room_id == room_id, messages.c.seq > after))
                 .order_by(messages.c.seq.desc()).limit(cap + 1))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        truncated = len(rows) > cap
        return [_message(r) for r in reversed(rows[:cap])], truncated
