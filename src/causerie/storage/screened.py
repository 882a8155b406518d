"""Messages the screening engine did not simply allow: held for review, blocked, flagged or shadowed.

Every such message is kept with its verdict, so moderation has the evidence; a held one waits here
until a moderator releases it (then it is stored and delivered like any message) or deletes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from sqlalchemy import and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.tables import screened_messages as screened


@dataclass(frozen=True, slots=True)
class ScreenedMessage:
    id: int
    session_id: str
    room_id: str | None
    pm_id: int | None
    recipient_id: str | None
    text: str
    client_id: str
    action: str
    category: str | None
    labels: list[str]
    scores: dict[str, float]
    open_case: bool
    status: str
    created_at: int


def _row(r: object) -> ScreenedMessage:
    m = r._mapping  # type: ignore[attr-defined]
    return ScreenedMessage(m["id"], m["session_id"], m["room_id"], m["pm_id"], m["recipient_id"], m["text"],
                           m["client_id"], m["action"], m["category"], msgspec.json.decode(m["labels"]),
                           msgspec.json.decode(m["scores"]), bool(m["open_case"]), m["status"], m["created_at"])


class ScreenedStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, *, session_id: str, room_id: str | None, pm_id: int | None, recipient_id: str | None,
                  text: str, client_id: str, action: str, category: str | None, labels: list[str],
                  scores: dict[str, float], open_case: bool, now: int) -> int:
        status = "pending" if action == "hold" else "final"
        async with self.engine.begin() as conn:
            return int((await conn.execute(insert(screened).values(
                session_id=session_id, room_id=room_id, pm_id=pm_id, recipient_id=recipient_id, text=text,
                client_id=client_id, action=action, category=category,
                labels=msgspec.json.encode(labels).decode(), scores=msgspec.json.encode(scores).decode(),
                open_case=open_case, status=status, created_at=now,
            ).returning(screened.c.id))).scalar_one())

    async def get(self, screened_id: int) -> ScreenedMessage | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(screened).where(screened.c.id == screened_id))).first()
        return _row(row) if row else None

    async def pending(self) -> list[ScreenedMessage]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(screened).where(screened.c.status == "pending")
                                       .order_by(screened.c.id))).all()
        return [_row(r) for r in rows]

    async def decide(self, screened_id: int, status: str, now: int) -> bool:
        """Move a pending message to `released` or `deleted`; False if it was not pending."""
        async with self.engine.begin() as conn:
            result = await conn.execute(update(screened).where(
                and_(screened.c.id == screened_id, screened.c.status == "pending")).values(
                status=status, decided_at=now))
        return bool(result.rowcount)
