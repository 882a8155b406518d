"""Reports and their frozen evidence: a copy, never a reference to messages that may be deleted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.tables import reports, trusted_flaggers


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    reporter_id: str
    reporter_device: str
    target_kind: str
    target_session: str | None
    room_id: str | None
    pm_id: int | None
    seq: int | None
    category: str
    text: str
    evidence: str
    evidence_sha256: str
    case_id: int | None
    outcome: str | None
    created_at: int


def _report(r: object) -> Report:
    m = r._mapping  # type: ignore[attr-defined]
    return Report(m["id"], m["reporter_id"], m["reporter_device"], m["target_kind"], m["target_session"],
                  m["room_id"], m["pm_id"], m["seq"], m["category"], m["text"], m["evidence"],
                  m["evidence_sha256"], m["case_id"], m["outcome"], m["created_at"])


class ReportStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, **values: object) -> int:
        async with self.engine.begin() as conn:
            return int((await conn.execute(insert(reports).values(**values).returning(reports.c.id))).scalar_one())

    async def get(self, report_id: int) -> Report | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(reports).where(reports.c.id == report_id))).first()
        return _report(row) if row else None

    async def of_case(self, case_id: int) -> list[Report]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(reports).where(reports.c.case_id == case_id)
                                       .order_by(reports.c.id))).all()
        return [_report(r) for r in rows]

    async def set_case(self, report_id: int, case_id: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(reports).where(reports.c.id == report_id).values(case_id=case_id))

    async def decide_case(self, case_id: int, outcome: str, now: int) -> list[Report]:
        async with self.engine.begin() as conn:
            await conn.execute(update(reports).where(reports.c.case_id == case_id)
                               .values(outcome=outcome, decided_at=now))
        return await self.of_case(case_id)

    async def is_trusted(self, device_hash: str) -> bool:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(trusted_flaggers.c.device_hash)
                                      .where(trusted_flaggers.c.device_hash == device_hash))).first()
        return row is not None

    async def trust(self, device_hash: str, by: int, now: int) -> bool:
        """Mark a reporter's device as a trusted flagger; False if it already was one."""
        if await self.is_trusted(device_hash):
            return False
        async with self.engine.begin() as conn:
            await conn.execute(insert(trusted_flaggers).values(device_hash=device_hash, set_by=by, created_at=now))
        return True

    async def untrust(self, device_hash: str) -> bool:
        """No longer a trusted flagger; False if it was not one."""
        async with self.engine.begin() as conn:
            result = await conn.execute(delete(trusted_flaggers).where(trusted_flaggers.c.device_hash == device_hash))
        return bool(result.rowcount)
