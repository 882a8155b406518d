"""Cases and their items (reports, screened messages, signals, appeals), merged per target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy import case as sql_case
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.database import is_unique_violation
from causerie.storage.tables import case_items, cases, sessions

OPEN_ATTEMPTS = 5  # get-or-create rounds; each lost one means the case was opened and closed meanwhile


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    kind: str
    target_kind: str
    target: str
    category: str
    role: str
    priority: float
    status: str
    urgent: bool
    claimed_by: int | None
    excluded_moderator: int | None
    decision_id: int | None
    outcome: str | None
    created_at: int
    updated_at: int
    closed_at: int | None = None


@dataclass(frozen=True, slots=True)
class CaseItem:
    id: int
    case_id: int
    kind: str
    ref_id: int
    category: str
    confidence: float
    reporter: str | None
    trusted: bool
    created_at: int


def _case(r: object) -> Case:
    m = r._mapping  # type: ignore[attr-defined]
    return Case(m["id"], m["kind"], m["target_kind"], m["target"], m["category"], m["role"], m["priority"],
                m["status"], bool(m["urgent"]), m["claimed_by"], m["excluded_moderator"], m["decision_id"],
                m["outcome"], m["created_at"], m["updated_at"], m["closed_at"])


def _item(r: object) -> CaseItem:
    m = r._mapping  # type: ignore[attr-defined]
    return CaseItem(m["id"], m["case_id"], m["kind"], m["ref_id"], m["category"], m["confidence"], m["reporter"],
                    bool(m["trusted"]), m["created_at"])


class CaseStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def open_for(self, target_kind: str, target: str) -> Case | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(cases).where(and_(
                cases.c.status == "open", cases.c.kind == "case", cases.c.target_kind == target_kind,
                cases.c.target == target)).order_by(cases.c.id).limit(1))).first()
        return _case(row) if row else None

    async def open_case(self, target_kind: str, target: str, **values: object) -> Case:
        """The open case about this target, opened with `values` if there is none (get-or-create).

        At most one open case exists per target (the partial unique index `uq_cases_open_target`): when
        another creator (a concurrent task, another node) opens it between our look-up and our insert,
        the insert fails on the index and we return theirs. If that case is closed before we read it, we
        try again."""
        for _ in range(OPEN_ATTEMPTS):
            case = await self.open_for(target_kind, target)
            if case is not None:
                return case
            try:
                case_id = await self.create(kind="case", target_kind=target_kind, target=target, **values)
            except IntegrityError as exc:
                if not is_unique_violation(exc):
                    raise
                continue
            created = await self.get(case_id)
            if created is not None:
                return created
        raise RuntimeError(f"no open case about {target_kind}:{target} after {OPEN_ATTEMPTS} attempts")

    async def create(self, **values: object) -> int:
        async with self.engine.begin() as conn:
            return int((await conn.execute(insert(cases).values(status="open", **values)
                                           .returning(cases.c.id))).scalar_one())

    async def attach(self, case_id: int, item: dict[str, object], now: int,
                     rank: Callable[[list[CaseItem], bool], dict[str, object]]) -> dict[str, object] | None:
        """Add an item to an open case and set what `rank(items, urgent)` computes from all its items,
        in one transaction with the case row locked (FOR UPDATE on PostgreSQL; SQLite has one writer):
        items added at once from several nodes are all counted, in whatever order they commit. Returns
        the values set, or None if the case is no longer open (the item was not added)."""
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(cases.c.status, cases.c.urgent).where(cases.c.id == case_id)
                                      .with_for_update())).first()
            if row is None or row.status != "open":
                return None
            await conn.execute(insert(case_items).values(case_id=case_id, created_at=now, **item))
            rows = (await conn.execute(select(case_items).where(case_items.c.case_id == case_id)
                                       .order_by(case_items.c.id))).all()
            values = rank([_item(r) for r in rows], bool(row.urgent))
            await conn.execute(update(cases).where(cases.c.id == case_id).values(updated_at=now, **values))
        return values

    async def add_item(self, case_id: int, kind: str, ref_id: int, category: str, confidence: float,
                       reporter: str | None, trusted: bool, now: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(insert(case_items).values(case_id=case_id, kind=kind, ref_id=ref_id, category=category,
                                                         confidence=confidence, reporter=reporter, trusted=trusted,
                                                         created_at=now))

    async def escalate(self, case_id: int, now: int) -> None:
        """Mark a case urgent and multiply its priority by ten (moderation/cases.priority), once, in one
        statement: an item attached meanwhile recomputes from its items and the urgent flag (attach), so
        neither write undoes the other, and escalating twice does not multiply twice."""
        async with self.engine.begin() as conn:
            await conn.execute(update(cases).where(cases.c.id == case_id).values(
                urgent=True, updated_at=now,
                priority=sql_case((cases.c.urgent.is_(True), cases.c.priority), else_=cases.c.priority * 10)))

    async def get(self, case_id: int) -> Case | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(cases).where(cases.c.id == case_id))).first()
        return _case(row) if row else None

    async def items(self, case_id: int) -> list[CaseItem]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(case_items).where(case_items.c.case_id == case_id)
                                       .order_by(case_items.c.id))).all()
        return [_item(r) for r in rows]

    async def queue(self, roles: list[str], limit: int = 200) -> list[Case]:
        query = (select(cases).where(and_(cases.c.status == "open", cases.c.role.in_(roles)))
                 .order_by(cases.c.urgent.desc(), cases.c.priority.desc(), cases.c.id).limit(limit))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_case(r) for r in rows]

    async def of_target(self, target_kind: str, target: str) -> list[Case]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(cases).where(and_(cases.c.target_kind == target_kind,
                                                                cases.c.target == target))
                                       .order_by(cases.c.id))).all()
        return [_case(r) for r in rows]

    async def search_closed(self, roles: list[str], *, target: str | None = None, category: str | None = None,
                            since: int | None = None, until: int | None = None, limit: int = 100
                            ) -> list[tuple[Case, str | None]]:
        """Closed cases of these queues, newest closed first, with the target's pseudonym (room cases:
        None). `target` is a pseudonym (case-insensitive; any session that bore it) or a room id;
        `since` and `until` bound the closing time (ms, `until` excluded)."""
        joined = cases.outerjoin(sessions, and_(cases.c.target_kind == "session", sessions.c.id == cases.c.target))
        cond = [cases.c.status == "closed", cases.c.role.in_(roles)]
        if target:
            key = target.casefold()
            cond.append(or_(sessions.c.pseudo_key == key,
                            and_(cases.c.target_kind == "room", cases.c.target == target)))
        if category:
            cond.append(cases.c.category == category)
        if since is not None:
            cond.append(cases.c.closed_at >= since)
        if until is not None:
            cond.append(cases.c.closed_at < until)
        query = (select(cases, sessions.c.pseudo).select_from(joined).where(and_(*cond))
                 .order_by(cases.c.closed_at.desc(), cases.c.id.desc()).limit(limit))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [(_case(r), r._mapping["pseudo"]) for r in rows]

    async def claim(self, case_id: int, moderator_id: int, now: int) -> bool:
        """Atomic: True if this moderator now holds the case (or already did); False if another does."""
        async with self.engine.begin() as conn:
            result = await conn.execute(update(cases).where(and_(
                cases.c.id == case_id, cases.c.status == "open",
                or_(cases.c.claimed_by.is_(None), cases.c.claimed_by == moderator_id)))
                .values(claimed_by=moderator_id, claimed_at=now))
        return bool(result.rowcount)

    async def release(self, case_id: int, moderator_id: int) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(update(cases).where(and_(
                cases.c.id == case_id, cases.c.claimed_by == moderator_id, cases.c.status == "open"))
                .values(claimed_by=None, claimed_at=None))
        return bool(result.rowcount)

    async def close(self, case_id: int, moderator_id: int | None, outcome: str, now: int) -> bool:
        cond = and_(cases.c.id == case_id, cases.c.status == "open")
        if moderator_id is not None:
            cond = and_(cond, cases.c.claimed_by == moderator_id)
        async with self.engine.begin() as conn:
            result = await conn.execute(update(cases).where(cond).values(
                status="closed", outcome=outcome, closed_at=now, updated_at=now))
        return bool(result.rowcount)
