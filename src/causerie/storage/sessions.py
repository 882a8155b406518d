"""Sessions: who entered, with what they declared and the identification data the law requires."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.domain import Band, Gender, Person, Place
from causerie.errors import CauserieError
from causerie.storage.database import is_unique_violation
from causerie.storage.tables import sessions


@dataclass(frozen=True, slots=True)
class SessionRecord:
    person: Person
    pm_policy: str
    token_hash: str
    device_hash: str
    network_hash: str
    started_at: int
    ended_at: int | None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from: kept for the legal record only, never logged."""

    ip: str
    port: int
    user_agent: str


def _record(row: object) -> SessionRecord:
    r = row._mapping  # type: ignore[attr-defined]
    place = Place(r["postal_code"], r["insee"], r["commune"], r["departement"], r["lat"], r["lon"])
    person = Person(r["id"], r["pseudo"], r["age"], Gender(r["gender"]), Band(r["band"]), place)
    return SessionRecord(person, r["pm_policy"], r["token_hash"], r["device_hash"], r["network_hash"],
                         r["started_at"], r["ended_at"])


class SessionStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create(self, person: Person, *, token_hash: str, device_hash: str, network_hash: str,
                     origin: Origin, pm_policy: str, now: int) -> None:
        p = person.place
        values = dict(
            id=person.session_id, token_hash=token_hash, device_hash=device_hash, network_hash=network_hash,
            pseudo=person.pseudo, pseudo_key=person.pseudo.casefold(), age=person.age,
            gender=person.gender.value, band=person.band.value, postal_code=p.postal_code, insee=p.insee,
            commune=p.commune, departement=p.departement, lat=p.lat, lon=p.lon, ip=origin.ip,
            ip_port=origin.port, user_agent=origin.user_agent[:512], pm_policy=pm_policy, started_at=now,
        )
        try:
            async with self.engine.begin() as conn:
                await conn.execute(sessions.insert().values(**values))
        except IntegrityError as exc:
            if is_unique_violation(exc):
                raise CauserieError("pseudo_taken") from None
            raise

    async def by_token_hash(self, token_hash: str) -> SessionRecord | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(sessions).where(sessions.c.token_hash == token_hash))).first()
        return _record(row) if row else None

    async def by_id(self, session_id: str) -> SessionRecord | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(sessions).where(sessions.c.id == session_id))).first()
        return _record(row) if row else None

    async def live_by_pseudo(self, pseudo: str) -> SessionRecord | None:
        query = select(sessions).where(
            and_(sessions.c.pseudo_key == pseudo.casefold(), sessions.c.ended_at.is_(None))
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _record(row) if row else None

    async def live(self) -> list[SessionRecord]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(sessions).where(sessions.c.ended_at.is_(None)))).all()
        return [_record(r) for r in rows]

    async def declared_bands(self, device_hash: str | None, network_hash: str | None, since: int,
                             per_band: int = 10) -> list[tuple[str, str, str]]:
        """(session id, band, "device" | "network") of sessions started since `since` (ms) on this
        device or network (either may be None to skip it): the age-consistency rule (policy/bands.py).

        At most `per_band` sessions per band and per kind of link, newest first: enough to decide and
        to name examples in a signal, and one index range seek each, whatever the network's size.
        """
        out: list[tuple[str, str, str]] = []
        async with self.engine.connect() as conn:
            for via, column, value in (("device", sessions.c.device_hash, device_hash),
                                       ("network", sessions.c.network_hash, network_hash)):
                if value is None:
                    continue
                for band in ("adult", "teen"):
                    query = (select(sessions.c.id).where(and_(column == value, sessions.c.band == band,
                                                              sessions.c.started_at >= since))
                             .order_by(sessions.c.started_at.desc()).limit(per_band))
                    out += [(sid, band, via) for sid in (await conn.execute(query)).scalars()]
        return out

    async def set_pm_policy(self, session_id: str, policy: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(sessions).where(sessions.c.id == session_id).values(pm_policy=policy))

    async def end(self, session_id: str, *, now: int, reason: str) -> bool:
        """Mark a session ended; True if it was live (so exactly one caller ends it)."""
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(sessions)
                .where(and_(sessions.c.id == session_id, sessions.c.ended_at.is_(None)))
                .values(ended_at=now, end_reason=reason)
            )
        return bool(result.rowcount)
