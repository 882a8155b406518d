"""Private conversations: one per pair of sessions, each with its own gapless sequence."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from causerie.storage.fastread import Reader
from causerie.storage.tables import pm_conversations as convs
from causerie.storage.tables import pm_messages


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: int
    a: str
    b: str
    last_seq: int
    a_read: int
    b_read: int

    def peer_of(self, session_id: str) -> str:
        return self.b if session_id == self.a else self.a

    def read_seq_of(self, session_id: str) -> int:
        return self.a_read if session_id == self.a else self.b_read


@dataclass(frozen=True, slots=True)
class StoredPm:
    pm: int
    seq: int
    session_id: str
    text: str
    client_id: str
    ts: int


_CONV = (convs.c.id, convs.c.a_session, convs.c.b_session, convs.c.last_seq, convs.c.a_read, convs.c.b_read)
# Built once (read on every `hello`): see storage/sessions.py.
_OF = select(*_CONV).where(or_(convs.c.a_session == bindparam("sid"), convs.c.b_session == bindparam("sid"))) \
    .order_by(convs.c.id)
_PM = (pm_messages.c.pm_id, pm_messages.c.seq, pm_messages.c.session_id, pm_messages.c.text,
       pm_messages.c.client_id, pm_messages.c.created_at)


def _pair(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x < y else (y, x)


class PmStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def get(self, pm_id: int) -> ConversationRecord | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(*_CONV).where(convs.c.id == pm_id))).first()
        return ConversationRecord(*row) if row else None

    async def between(self, x: str, y: str) -> ConversationRecord | None:
        a, b = _pair(x, y)
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(*_CONV).where(
                and_(convs.c.a_session == a, convs.c.b_session == b)))).first()
        return ConversationRecord(*row) if row else None

    async def open(self, x: str, y: str, now: int) -> tuple[ConversationRecord, bool]:
        """The conversation between two sessions, created if needed; True when created."""
        a, b = _pair(x, y)
        try:
            async with self.engine.begin() as conn:
                pm_id = (await conn.execute(insert(convs).values(
                    a_session=a, b_session=b, last_seq=0, a_read=0, b_read=0, created_at=now)
                    .returning(convs.c.id))).scalar_one()
            return ConversationRecord(pm_id, a, b, 0, 0, 0), True
        except IntegrityError:
            existing = await self.between(a, b)
            assert existing is not None
            return existing, False

    async def of(self, session_id: str) -> list[ConversationRecord]:
        return [ConversationRecord(*r) for r in await Reader.of(self.engine).all(_OF, {"sid": session_id})]

    async def _by_client_id(self, conn: AsyncConnection, session_id: str, client_id: str) -> StoredPm | None:
        row = (await conn.execute(select(*_PM).where(
            and_(pm_messages.c.session_id == session_id, pm_messages.c.client_id == client_id)))).first()
        return StoredPm(*row) if row else None

    async def append(self, pm_id: int, session_id: str, text: str, client_id: str,
                     now: int) -> tuple[StoredPm, bool]:
        try:
            async with self.engine.begin() as conn:
                existing = await self._by_client_id(conn, session_id, client_id)
                if existing is not None:
                    return existing, False
                # The sender has read everything up to their own message.
                seq = (await conn.execute(
                    update(convs).where(convs.c.id == pm_id).values(
                        last_seq=convs.c.last_seq + 1,
                        a_read=case((convs.c.a_session == session_id, convs.c.last_seq + 1),
                                    else_=convs.c.a_read),
                        b_read=case((convs.c.b_session == session_id, convs.c.last_seq + 1),
                                    else_=convs.c.b_read),
                    ).returning(convs.c.last_seq))).scalar_one()
                await conn.execute(pm_messages.insert().values(
                    pm_id=pm_id, seq=seq, session_id=session_id, text=text, client_id=client_id,
                    created_at=now))
        except IntegrityError:
            async with self.engine.connect() as conn:
                existing = await self._by_client_id(conn, session_id, client_id)
            if existing is None:
                raise
            return existing, False
        return StoredPm(pm_id, seq, session_id, text, client_id, now), True

    async def mark_read(self, conv: ConversationRecord, session_id: str, seq: int) -> int:
        """Move the reader's marker forward (never back, never past the end); returns it."""
        column = convs.c.a_read if session_id == conv.a else convs.c.b_read
        seq = min(seq, conv.last_seq)
        async with self.engine.begin() as conn:
            await conn.execute(update(convs).where(and_(convs.c.id == conv.id, column < seq))
                               .values({column.key: seq}))
            row = (await conn.execute(select(column).where(convs.c.id == conv.id))).scalar_one()
        return int(row)

    async def before(self, pm_id: int, before: int | None, limit: int) -> list[StoredPm]:
        cond = pm_messages.c.pm_id == pm_id
        if before is not None:
            cond = and_(cond, pm_messages.c.seq < before)
        query = select(*_PM).where(cond).order_by(pm_messages.c.seq.desc()).limit(limit)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [StoredPm(*r) for r in reversed(rows)]

    async def after(self, pm_id: int, after: int, cap: int) -> tuple[list[StoredPm], bool]:
        query = (select(*_PM).where(and_(pm_messages.c.pm_id == pm_id, pm_messages.c.seq > after))
                 .order_by(pm_messages.c.seq.desc()).limit(cap + 1))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [StoredPm(*r) for r in reversed(rows[:cap])], len(rows) > cap
