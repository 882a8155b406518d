"""Safety signals (for moderation to build cases from) and per-room slow mode settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import and_, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.tables import room_slow_modes, safety_signals

KINDS = frozenset({
    "cross_band_attempt", "age_band_change", "adult_device_in_teen_band", "rate_limited", "mass_contact",
    "duplicate_blast", "join_wave", "ban_evasion",
})


@dataclass(frozen=True, slots=True)
class Signal:
    id: int
    kind: str
    session_id: str | None
    device_hash: str | None
    network_hash: str | None
    data: dict[str, Any]
    created_at: int


@dataclass(frozen=True, slots=True)
class SlowMode:
    room_id: str
    seconds: int
    newcomers_only: bool
    until: int | None


def _signal(r: object) -> Signal:
    m = r._mapping  # type: ignore[attr-defined]
    return Signal(m["id"], m["kind"], m["session_id"], m["device_hash"], m["network_hash"],
                  msgspec.json.decode(m["data"]), m["created_at"])


class SignalStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, kind: str, *, session_id: str | None, device_hash: str | None,
                  network_hash: str | None, data: dict[str, Any], now: int) -> int:
        if kind not in KINDS:
            raise ValueError(f"unknown signal kind {kind!r}")
        async with self.engine.begin() as conn:
            return int((await conn.execute(insert(safety_signals).values(
                kind=kind, session_id=session_id, device_hash=device_hash, network_hash=network_hash,
                data=msgspec.json.encode(data).decode(), created_at=now,
            ).returning(safety_signals.c.id))).scalar_one())

    async def get(self, signal_id: int) -> Signal | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(safety_signals).where(safety_signals.c.id == signal_id))).first()
        return _signal(row) if row else None

    async def list(self, *, kind: str | None = None, session_id: str | None = None, since: int | None = None,
                   limit: int = 1000) -> list[Signal]:
        """Signals, oldest first, optionally of one kind, one session, or since a time (ms)."""
        where = []
        if kind is not None:
            where.append(safety_signals.c.kind == kind)
        if session_id is not None:
            where.append(safety_signals.c.session_id == session_id)
        if since is not None:
            where.append(safety_signals.c.created_at >= since)
        query = select(safety_signals).order_by(safety_signals.c.id).limit(limit)
        if where:
            query = query.where(and_(*where))
        async with self.engine.connect() as conn:
            return [_signal(r) for r in (await conn.execute(query)).all()]

    # --- slow mode -------------------------------------------------------------------------------

    async def set_slow_mode(self, room_id: str, seconds: int, *, newcomers_only: bool, until: int | None,
                            now: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(room_slow_modes).where(room_slow_modes.c.room_id == room_id))
            if seconds > 0:
                await conn.execute(insert(room_slow_modes).values(
                    room_id=room_id, seconds=seconds, newcomers_only=newcomers_only, until=until,
                    updated_at=now))

    async def slow_modes(self) -> list[SlowMode]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(room_slow_modes))).all()
        return [SlowMode(r.room_id, r.seconds, bool(r.newcomers_only), r.until) for r in rows]
