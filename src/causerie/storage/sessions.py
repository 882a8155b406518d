"""Sessions: who entered, with what they declared and the identification data the law requires."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, bindparam, literal_column, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.domain import Band, Gender, Person, Place
from causerie.errors import CauserieError
from causerie.storage.batch import BatchedInsert
from causerie.storage.database import is_unique_violation
from causerie.storage.fastread import Reader
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


_KEYS = tuple(c.key for c in sessions.columns)


def _record(row: object) -> SessionRecord:
    r = dict(zip(_KEYS, row, strict=True))  # type: ignore[call-overload]
    place = Place(r["postal_code"], r["insee"], r["commune"], r["departement"], r["lat"], r["lon"])
    person = Person(r["id"], r["pseudo"], r["age"], Gender(r["gender"]), Band(r["band"]), place)
    return SessionRecord(person, r["pm_policy"], r["token_hash"], r["device_hash"], r["network_hash"],
                         r["started_at"], r["ended_at"])


# The statements of the entry and `hello` paths are built once: building a statement costs more than
# SQLAlchemy's compiled-cache look-up and the SQLite statement together (docs/performance.md).
_INSERT = sessions.insert()
_BY_TOKEN = select(sessions).where(sessions.c.token_hash == bindparam("token_hash"))
_BY_ID = select(sessions).where(sessions.c.id == bindparam("session_id"))
_PER_BAND = 10  # `declared_bands`: enough to decide and to name examples in a signal


def _bands_query() -> Select[tuple[str, str, str, int]]:
    """One statement for `declared_bands`: four index range seeks (device and network, adult and teen),
    each newest first and limited, joined with UNION ALL."""
    parts = []
    for via, column in (("device", sessions.c.device_hash), ("network", sessions.c.network_hash)):
        for band in ("adult", "teen"):
            part = (select(sessions.c.id, sessions.c.band, literal_column(f"'{via}'").label("via"),
                           sessions.c.started_at)
                    .where(and_(column == bindparam(via), sessions.c.band == band,
                                sessions.c.started_at >= bindparam("since")))
                    .order_by(sessions.c.started_at.desc()).limit(_PER_BAND).subquery())
            parts.append(select(part.c.id, part.c.band, part.c.via, part.c.started_at))
    return select(union_all(*parts).subquery())  # type: ignore[return-value]


_BANDS = _bands_query()


class SessionStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.read = Reader.of(engine)
        self._inserts = BatchedInsert(engine, _INSERT)  # entries arriving together share a transaction

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
            await self._inserts.add(values)
        except IntegrityError as exc:
            if is_unique_violation(exc):
                raise CauserieError("pseudo_taken") from None
            raise

    async def by_token_hash(self, token_hash: str) -> SessionRecord | None:
        row = await self.read.first(_BY_TOKEN, {"token_hash": token_hash})
        return _record(row) if row else None

    async def by_id(self, session_id: str) -> SessionRecord | None:
        row = await self.read.first(_BY_ID, {"session_id": session_id})
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

    async def declared_bands(self, device_hash: str, network_hash: str, since: int) -> list[tuple[str, str, str]]:
        """(session id, band, "device" | "network") of sessions started since `since` (ms) on this
        device or network: the age-consistency rule (policy/bands.py).

        At most `_PER_BAND` sessions per band and per kind of link, newest first: enough to decide and
        to name examples in a signal, and one index range seek each, whatever the network's size — all
        in one statement. Rows come device first, then network; adult, then teen; newest first.
        """
        params = {"device": device_hash, "network": network_hash, "since": since}
        rows = await self.read.all(_BANDS, params)
        # UNION ALL promises no order: put the rows back in the order above
        part = {("device", "adult"): 0, ("device", "teen"): 1, ("network", "adult"): 2, ("network", "teen"): 3}
        rows.sort(key=lambda r: (part[(r[2], r[1])], -r[3]))
        return [(sid, band, via) for sid, band, via, _ in rows]

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
