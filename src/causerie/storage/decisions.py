"""Decisions (with their statement of reasons), the sanctions they impose, and appeals against them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from causerie.storage.fastread import Reader
from causerie.storage.tables import appeals, decisions, sanctions, sessions, statement_outbox

# Asked at every entry, built once (storage/sessions.py says why).
_ANY_PENDING = select(statement_outbox.c.id).where(and_(statement_outbox.c.device_hash == bindparam("device"),
                                                        statement_outbox.c.delivered_at.is_(None))).limit(1)


@dataclass(frozen=True, slots=True)
class Decision:
    id: int
    case_id: int | None
    moderator_id: int | None
    action: str
    target_session: str | None
    device_hash: str | None
    network_hash: str | None
    room_id: str | None
    category: str
    reason: str
    duration_s: int | None
    expires_at: int | None
    appeal_until: int | None
    reversed_at: int | None
    created_at: int


@dataclass(frozen=True, slots=True)
class Sanction:
    id: int
    decision_id: int
    kind: str
    scope: str
    value: str
    expires_at: int | None


@dataclass(frozen=True, slots=True)
class Appeal:
    id: int
    decision_id: int
    text: str
    case_id: int | None
    outcome: str | None
    created_at: int


def _decision(r: object) -> Decision:
    m = r._mapping  # type: ignore[attr-defined]
    return Decision(m["id"], m["case_id"], m["moderator_id"], m["action"], m["target_session"], m["device_hash"],
                    m["network_hash"], m["room_id"], m["category"], m["reason"], m["duration_s"], m["expires_at"],
                    m["appeal_until"], m["reversed_at"], m["created_at"])


_SANCTION = (sanctions.c.id, sanctions.c.decision_id, sanctions.c.kind, sanctions.c.scope, sanctions.c.value,
             sanctions.c.expires_at)
_APPEAL = (appeals.c.id, appeals.c.decision_id, appeals.c.text, appeals.c.case_id, appeals.c.outcome,
           appeals.c.created_at)


class DecisionStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, sanction_rows: list[dict[str, object]], **values: object) -> int:
        """A decision and its sanctions, in one transaction."""
        async with self.engine.begin() as conn:
            decision_id = int((await conn.execute(insert(decisions).values(**values)
                                                  .returning(decisions.c.id))).scalar_one())
            for row in sanction_rows:
                await conn.execute(insert(sanctions).values(decision_id=decision_id, **row))
        return decision_id

    async def get(self, decision_id: int) -> Decision | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(decisions).where(decisions.c.id == decision_id))).first()
        return _decision(row) if row else None

    async def by_appeal_token(self, token_hash: str) -> Decision | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(decisions).where(decisions.c.appeal_token_hash == token_hash))).first()
        return _decision(row) if row else None

    async def of_case(self, case_id: int) -> list[Decision]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(decisions).where(decisions.c.case_id == case_id)
                                       .order_by(decisions.c.id))).all()
        return [_decision(r) for r in rows]

    async def count_against(self, device_hash: str, actions: tuple[str, ...]) -> int:
        """Earlier decisions (not reversed) against a device: the repeat-abuser ladder's position."""
        async with self.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(decisions).where(and_(
                decisions.c.device_hash == device_hash, decisions.c.action.in_(actions),
                decisions.c.reversed_at.is_(None))))).scalar_one())

    async def banned_pseudos(self, network_hash: str, limit: int = 50) -> list[str]:
        """The pseudonyms of sessions banned (not reversed) from this network: ban evasion by name."""
        query = (select(sessions.c.pseudo)
                 .select_from(decisions.join(sessions, sessions.c.id == decisions.c.target_session))
                 .where(and_(decisions.c.action == "ban", decisions.c.network_hash == network_hash,
                             decisions.c.reversed_at.is_(None))).limit(limit))
        async with self.engine.connect() as conn:
            return [r[0] for r in (await conn.execute(query)).all()]

    async def active_sanctions(self, now: int) -> list[Sanction]:
        query = select(*_SANCTION).where(and_(sanctions.c.lifted_at.is_(None),
                                              or_(sanctions.c.expires_at.is_(None), sanctions.c.expires_at > now)))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [Sanction(*r) for r in rows]

    async def reverse(self, decision_id: int, now: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(decisions).where(decisions.c.id == decision_id).values(reversed_at=now))
            await conn.execute(update(sanctions).where(and_(sanctions.c.decision_id == decision_id,
                                                            sanctions.c.lifted_at.is_(None))).values(lifted_at=now))

    async def set_appeal_token(self, decision_id: int, token_hash: str) -> None:
        """A fresh appeal token (the statement is handed over again; the old token stops working)."""
        async with self.engine.begin() as conn:
            await conn.execute(update(decisions).where(decisions.c.id == decision_id)
                               .values(appeal_token_hash=token_hash))

    async def add_appeal(self, decision_id: int, text: str, now: int) -> int:
        async with self.engine.begin() as conn:
            return int((await conn.execute(insert(appeals).values(decision_id=decision_id, text=text, created_at=now)
                                           .returning(appeals.c.id))).scalar_one())

    async def appeal_of(self, decision_id: int) -> Appeal | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(*_APPEAL).where(appeals.c.decision_id == decision_id)
                                      .order_by(appeals.c.id.desc()).limit(1))).first()
        return Appeal(*row) if row else None

    async def update_appeal(self, appeal_id: int, **values: object) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(appeals).where(appeals.c.id == appeal_id).values(**values))


@dataclass(frozen=True, slots=True)
class PendingStatement:
    id: int
    decision_id: int
    frame: str


class StatementOutbox:
    """Statements of reasons until they are known to have arrived."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def add(self, decision_id: int, session_id: str | None, device_hash: str | None, receipt_hash: str,
                  frame: str, now: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(insert(statement_outbox).values(
                decision_id=decision_id, session_id=session_id, device_hash=device_hash, receipt_hash=receipt_hash,
                frame=frame, created_at=now))

    async def received(self, receipt_hash: str, now: int) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(update(statement_outbox).where(and_(
                statement_outbox.c.receipt_hash == receipt_hash, statement_outbox.c.delivered_at.is_(None)))
                .values(delivered_at=now))
        return bool(result.rowcount)

    async def received_decision(self, decision_id: int, now: int) -> None:
        """Someone used the decision's appeal token: its statement arrived."""
        async with self.engine.begin() as conn:
            await conn.execute(update(statement_outbox).where(and_(
                statement_outbox.c.decision_id == decision_id, statement_outbox.c.delivered_at.is_(None)))
                .values(delivered_at=now))

    async def take_pending(self, device_hash: str, now: int, limit: int = 20) -> list[PendingStatement]:
        """The undelivered statements for a device, oldest first, marked delivered (they are being handed
        over now). A conditional update per row, so two entries at once never both get one."""
        query = (select(statement_outbox.c.id, statement_outbox.c.decision_id, statement_outbox.c.frame)
                 .where(and_(statement_outbox.c.device_hash == device_hash, statement_outbox.c.delivered_at.is_(None)))
                 .order_by(statement_outbox.c.id).limit(limit))
        out: list[PendingStatement] = []
        if not await Reader.of(self.engine).first(_ANY_PENDING, {"device": device_hash}):
            return out  # nearly always nothing (every entry asks): a read first, no transaction
        async with self.engine.begin() as conn:
            for row in (await conn.execute(query)).all():
                result = await conn.execute(update(statement_outbox).where(and_(
                    statement_outbox.c.id == row[0], statement_outbox.c.delivered_at.is_(None)))
                    .values(delivered_at=now))
                if result.rowcount:
                    out.append(PendingStatement(row[0], row[1], row[2]))
        return out


async def delete_room_message(engine: AsyncEngine, room_id: str, seq: int) -> bool:
    """A moderator removes a message from a room's history (reports keep their frozen copy)."""
    from causerie.storage.tables import messages

    async with engine.begin() as conn:
        result = await conn.execute(messages.delete().where(and_(messages.c.room_id == room_id,
                                                                 messages.c.seq == seq)))
    return bool(result.rowcount)
