"""Moderator accounts and console sessions (separate from chat sessions)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.tables import mod_sessions, moderators


@dataclass(frozen=True, slots=True)
class Moderator:
    id: int
    name: str
    password_hash: str
    totp_secret: str
    roles: frozenset[str]
    disabled: bool


@dataclass(frozen=True, slots=True)
class ModSession:
    moderator: Moderator
    csrf: str
    last_seen: int


def _moderator(r: object) -> Moderator:
    m = r._mapping  # type: ignore[attr-defined]
    return Moderator(m["id"], m["name"], m["password_hash"], m["totp_secret"],
                     frozenset(x for x in m["roles"].split(",") if x), bool(m["disabled"]))


class ModeratorStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, name: str, password_hash: str, totp_secret: str, roles: list[str], now: int) -> int | None:
        """The new moderator's id, or None if the name is taken."""
        try:
            async with self.engine.begin() as conn:
                return int((await conn.execute(insert(moderators).values(
                    name=name, password_hash=password_hash, totp_secret=totp_secret, roles=",".join(sorted(roles)),
                    disabled=False, created_at=now).returning(moderators.c.id))).scalar_one())
        except IntegrityError:
            return None

    async def by_name(self, name: str) -> Moderator | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(moderators).where(moderators.c.name == name))).first()
        return _moderator(row) if row else None

    async def names(self, ids: set[int]) -> dict[int, str]:
        """Login names by moderator id (for decisions and timelines)."""
        if not ids:
            return {}
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(moderators.c.id, moderators.c.name)
                                       .where(moderators.c.id.in_(sorted(ids))))).all()
        return {int(r[0]): str(r[1]) for r in rows}

    async def set_password_hash(self, moderator_id: int, password_hash: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(moderators).where(moderators.c.id == moderator_id)
                               .values(password_hash=password_hash))

    async def use_totp_step(self, moderator_id: int, step: int) -> bool:
        """Record a TOTP time step as used; False if it (or a later one) was already used (replay)."""
        async with self.engine.begin() as conn:
            result = await conn.execute(update(moderators).where(and_(
                moderators.c.id == moderator_id,
                or_(moderators.c.last_totp_step.is_(None), moderators.c.last_totp_step < step)))
                .values(last_totp_step=step))
        return bool(result.rowcount)

    async def open_session(self, token_hash: str, moderator_id: int, csrf: str, now: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(insert(mod_sessions).values(token_hash=token_hash, moderator_id=moderator_id,
                                                           csrf=csrf, created_at=now, last_seen=now))

    async def session(self, token_hash: str) -> ModSession | None:
        query = (select(moderators, mod_sessions.c.csrf, mod_sessions.c.last_seen)
                 .join(mod_sessions, mod_sessions.c.moderator_id == moderators.c.id)
                 .where(and_(mod_sessions.c.token_hash == token_hash, mod_sessions.c.ended_at.is_(None))))
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return ModSession(_moderator(row), row._mapping["csrf"], row._mapping["last_seen"])

    async def touch(self, token_hash: str, now: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(mod_sessions).where(mod_sessions.c.token_hash == token_hash)
                               .values(last_seen=now))

    async def end_session(self, token_hash: str, now: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(mod_sessions).where(and_(mod_sessions.c.token_hash == token_hash,
                                                               mod_sessions.c.ended_at.is_(None)))
                               .values(ended_at=now))
