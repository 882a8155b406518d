"""Rooms, their members and their invitations."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.domain import Band, Room, RoomKind
from causerie.storage.batch import BatchedInsert
from causerie.storage.fastread import Reader
from causerie.storage.tables import room_invites, room_members, rooms


def _room(row: object) -> Room:
    r = row._mapping  # type: ignore[attr-defined]
    return Room(r["id"], r["name_fr"], r["name_en"], Band(r["band"]), RoomKind(r["kind"]), r["owner"])


# Built once (the entry and `hello` paths): see storage/sessions.py.
_ADD_MEMBER = insert(room_members)
_ROOMS_OF = (select(room_members.c.room_id).where(room_members.c.session_id == bindparam("sid"))
             .order_by(room_members.c.joined_at))


class RoomStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._members = BatchedInsert(engine, _ADD_MEMBER)  # joins arriving together share a transaction

    async def seed(self, seeded: list[Room], now: int) -> None:
        """Create the seeded rooms that do not exist yet; existing rooms keep their history.

        Nodes of a cluster start together on a fresh database: when another node inserted some of the
        same rooms meanwhile, the insert fails as a whole and is tried again with what is left."""
        for attempt in range(5):
            try:
                async with self.engine.begin() as conn:
                    existing = set((await conn.execute(select(rooms.c.id))).scalars())
                    fresh = [r for r in seeded if r.id not in existing]
                    if fresh:
                        await conn.execute(insert(rooms), [
                            dict(id=r.id, name_fr=r.name_fr, name_en=r.name_en, band=r.band.value,
                                 kind=r.kind.value, owner=r.owner, last_seq=0, created_at=now) for r in fresh
                        ])
                return
            except IntegrityError:
                if attempt == 4:
                    raise

    async def create(self, room: Room, now: int) -> bool:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(insert(rooms).values(
                    id=room.id, name_fr=room.name_fr, name_en=room.name_en, band=room.band.value,
                    kind=room.kind.value, owner=room.owner, last_seq=0, created_at=now))
                if room.owner:
                    await conn.execute(insert(room_invites).values(
                        room_id=room.id, session_id=room.owner, invited_by=room.owner, created_at=now))
        except IntegrityError:
            return False
        return True

    async def all(self) -> list[Room]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(rooms).order_by(rooms.c.created_at, rooms.c.id))).all()
        return [_room(r) for r in rows]

    async def get(self, room_id: str) -> Room | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(rooms).where(rooms.c.id == room_id))).first()
        return _room(row) if row else None

    async def last_seq(self, room_id: str) -> int:
        """The newest sequence number stored in a room (0 when empty or unknown)."""
        async with self.engine.connect() as conn:
            value = (await conn.execute(select(rooms.c.last_seq).where(rooms.c.id == room_id))).scalar()
        return int(value or 0)

    async def add_member(self, room_id: str, session_id: str, now: int) -> bool:
        """True if added, False if already a member."""
        try:
            await self._members.add({"room_id": room_id, "session_id": session_id, "joined_at": now})
        except IntegrityError:
            return False
        return True

    async def remove_member(self, room_id: str, session_id: str) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(room_members).where(
                and_(room_members.c.room_id == room_id, room_members.c.session_id == session_id)))
        return bool(result.rowcount)

    async def remove_everywhere(self, session_id: str) -> list[str]:
        async with self.engine.begin() as conn:
            ids = list((await conn.execute(
                select(room_members.c.room_id).where(room_members.c.session_id == session_id))).scalars())
            await conn.execute(delete(room_members).where(room_members.c.session_id == session_id))
            await conn.execute(delete(room_invites).where(room_invites.c.session_id == session_id))
        return ids

    async def rooms_of(self, session_id: str) -> list[str]:
        return [r[0] for r in await Reader.of(self.engine).all(_ROOMS_OF, {"sid": session_id})]

    async def members(self) -> dict[str, set[str]]:
        """Every room's members (used to build a node's view at start-up)."""
        out: dict[str, set[str]] = {}
        async with self.engine.connect() as conn:
            for room_id, session_id in (await conn.execute(select(room_members.c.room_id,
                                                                  room_members.c.session_id))).all():
                out.setdefault(room_id, set()).add(session_id)
        return out

    async def member_counts(self) -> dict[str, int]:
        query = select(room_members.c.room_id, func.count()).group_by(room_members.c.room_id)
        async with self.engine.connect() as conn:
            return {room_id: n for room_id, n in (await conn.execute(query)).all()}

    async def share_a_room(self, a: str, b: str) -> bool:
        m1, m2 = room_members.alias(), room_members.alias()
        query = select(m1.c.room_id).join(m2, m1.c.room_id == m2.c.room_id).where(
            and_(m1.c.session_id == a, m2.c.session_id == b)).limit(1)
        async with self.engine.connect() as conn:
            return (await conn.execute(query)).first() is not None

    async def invite(self, room_id: str, session_id: str, by: str, now: int) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(insert(room_invites).values(room_id=room_id, session_id=session_id,
                                                               invited_by=by, created_at=now))
        except IntegrityError:
            pass  # already invited

    async def is_invited(self, room_id: str, session_id: str) -> bool:
        query = select(room_invites.c.room_id).where(
            and_(room_invites.c.room_id == room_id, room_invites.c.session_id == session_id))
        async with self.engine.connect() as conn:
            return (await conn.execute(query)).first() is not None
