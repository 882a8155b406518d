"""Room messages: gapless per-room sequence numbers, idempotent appends, history pages."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.fastread import Reader
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


# The history of a `join` and the backlog of a resume, built once: see storage/sessions.py.
_LATEST = (select(*_COLUMNS).where(messages.c.room_id == bindparam("room"))
           .order_by(messages.c.seq.desc()).limit(bindparam("n")))
_BEFORE = (select(*_COLUMNS).where(and_(messages.c.room_id == bindparam("room"), messages.c.seq < bindparam("seq")))
           .order_by(messages.c.seq.desc()).limit(bindparam("n")))
_AFTER = (select(*_COLUMNS).where(and_(messages.c.room_id == bindparam("room"), messages.c.seq > bindparam("seq")))
          .order_by(messages.c.seq.desc()).limit(bindparam("n")))
# The statements of a batch's write, built once: a batch that touches many rooms does not build and key
# the same statement again for each of them. Which of the batch's messages are stored already (a resend):
_KNOWN = select(*_COLUMNS).where(tuple_(messages.c.session_id, messages.c.client_id).in_(bindparam("keys",
                                                                                                  expanding=True)))
# Reserve `n` sequence numbers in a room.
_RESERVE = (update(rooms).where(rooms.c.id == bindparam("room")).values(last_seq=rooms.c.last_seq + bindparam("n"))
            .returning(rooms.c.last_seq))


def _message(row: object) -> StoredMessage:
    return StoredMessage(*row)  # type: ignore[misc]


@dataclass(slots=True)
class _Pending:
    message: StoredMessage  # seq is assigned when written
    result: asyncio.Future[tuple[StoredMessage, bool]]


MAX_BATCH = 256


class MessageStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._queue: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None

    async def append(self, room_id: str, session_id: str, pseudo: str, text: str, client_id: str,
                     now: int) -> tuple[StoredMessage, bool]:
        """Store a message with the room's next sequence number; resolves once committed.

        Returns the stored message and whether it is new: a repeated `client_id` from the same
        session returns the message stored the first time. Appends that arrive while a transaction
        is being written are grouped into the next one (group commit): one transaction, one
        `UPDATE rooms … RETURNING` per room and one multi-row insert, however many senders.
        """
        loop = asyncio.get_running_loop()
        pending = _Pending(StoredMessage(room_id, 0, session_id, pseudo, text, client_id, now), loop.create_future())
        self._queue.append(pending)
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._drain())
        return await pending.result

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            try:
                results = await self._write(batch)
            except Exception as exc:
                if len(batch) == 1:
                    if not batch[0].result.done():
                        batch[0].result.set_exception(exc)
                    continue
                # One bad append must not fail the others: write them one by one.
                for one in batch:
                    try:
                        [result] = await self._write([one])
                    except Exception as single:
                        if not one.result.done():
                            one.result.set_exception(single)
                    else:
                        if not one.result.done():
                            one.result.set_result(result)
                continue
            for one, result in zip(batch, results, strict=True):
                if not one.result.done():
                    one.result.set_result(result)

    async def _write(self, batch: list[_Pending]) -> list[tuple[StoredMessage, bool]]:
        async with self.engine.begin() as conn:
            keys = list({(p.message.session_id, p.message.client_id) for p in batch})
            rows = (await conn.execute(_KNOWN, {"keys": keys})).all()
            known: dict[tuple[str, str], StoredMessage] = {(m.session_id, m.client_id): m for m in map(_message, rows)}
            fresh: dict[tuple[str, str], _Pending] = {}
            for p in batch:
                key = (p.message.session_id, p.message.client_id)
                if key not in known and key not in fresh:
                    fresh[key] = p
            by_room: dict[str, list[_Pending]] = {}
            for p in fresh.values():
                by_room.setdefault(p.message.room, []).append(p)
            stored: dict[tuple[str, str], StoredMessage] = {}
            # Rooms in a fixed order, so concurrent writers on several nodes never deadlock.
            for room in sorted(by_room):
                items = by_room[room]
                last = (await conn.execute(_RESERVE, {"room": room, "n": len(items)})).scalar_one()
                for seq, p in enumerate(items, start=last - len(items) + 1):
                    m = p.message
                    stored[(m.session_id, m.client_id)] = StoredMessage(m.room, seq, m.session_id, m.pseudo, m.text,
                                                                        m.client_id, m.ts)
            if stored:
                await conn.execute(messages.insert(), [
                    {"room_id": m.room, "seq": m.seq, "session_id": m.session_id, "pseudo": m.pseudo, "text": m.text,
                     "client_id": m.client_id, "created_at": m.ts} for m in stored.values()])
        out = []
        for p in batch:
            key = (p.message.session_id, p.message.client_id)
            if key in known:
                out.append((known[key], False))
            elif fresh[key] is p:
                out.append((stored[key], True))
            else:
                out.append((stored[key], False))  # the same client_id twice in one batch
        return out

    async def before(self, room_id: str, before: int | None, limit: int) -> list[StoredMessage]:
        """Up to `limit` messages with seq < before (all when None), oldest first."""
        query, params = (_LATEST, {"room": room_id, "n": limit}) if before is None else \
            (_BEFORE, {"room": room_id, "seq": before, "n": limit})
        rows = await Reader.of(self.engine).all(query, params)
        return [_message(r) for r in reversed(rows)]

    async def after(self, room_id: str, after: int, cap: int) -> tuple[list[StoredMessage], bool]:
        """The newest `cap` messages with seq > after, oldest first, and whether some were cut."""
        rows = await Reader.of(self.engine).all(_AFTER, {"room": room_id, "seq": after, "n": cap + 1})
        truncated = len(rows) > cap
        return [_message(r) for r in reversed(rows[:cap])], truncated
