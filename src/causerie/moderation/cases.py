"""Cases: reports, screened messages and safety signals, merged per target, in priority order.

priority = severity(category) × confidence × distinct reporters × 2 if a trusted flagger reported it
(× 10 once escalated as urgent). A case touching `sexual_minor` goes to the child-safety queue, where
only child-safety moderators see it. A moderator claims a case; no two hold the same one.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from causerie.errors import CauserieError
from causerie.moderation.audit import record
from causerie.moderation.roles import CHILD_SAFETY, MODERATOR, may_read_queue
from causerie.storage.cases import Case, CaseItem

if TYPE_CHECKING:
    from causerie.app import Causerie
    from causerie.moderation.accounts import ConsoleSession

SEVERITY = {
    "sexual_minor": 100, "threat": 90, "solicitation": 60, "drugs": 50, "hate": 40, "harassment": 30,
    "scam": 30, "sexual_explicit": 15, "contact": 10, "ban_evasion": 20, "other": 5,
}
CATEGORIES = ("sexual_minor", "solicitation", "drugs", "hate", "harassment", "threat", "scam", "contact",
              "sexual_explicit", "other")
REPORT_CONFIDENCE = 0.5
TRUSTED_CONFIDENCE = 1.0


def severity(category: str) -> int:
    return SEVERITY.get(category, 5)


def queue_of(categories: list[str]) -> str:
    return CHILD_SAFETY if "sexual_minor" in categories else MODERATOR


def priority(items: list[CaseItem], urgent: bool = False) -> tuple[float, str]:
    """The case's priority and its leading category (the most severe of its items)."""
    if not items:
        return 0.0, "other"
    top = max(items, key=lambda i: (severity(i.category), i.confidence))
    confidence = max(i.confidence for i in items if i.category == top.category)
    reporters = len({i.reporter for i in items if i.reporter})
    trusted = any(i.trusted for i in items)
    value = severity(top.category) * confidence * max(1, reporters) * (2 if trusted else 1) * (10 if urgent else 1)
    return round(value, 3), top.category


async def do_add_to_case(app: Causerie, *, target_kind: str, target: str, kind: str, ref_id: int, category: str,
                         confidence: float, reporter: str | None = None, trusted: bool = False) -> int:
    """Attach an item to the open case about this target (or open one); recompute its priority; tell the
    consoles. Returns the case id.

    One open case per target: the database holds at most one (a partial unique index) and the store's
    get-or-create returns the one another node or task just opened; on this node, additions about one
    target run one at a time, and each recomputes the priority from all the case's items in the
    transaction that adds its own."""
    store = app.moderation.cases
    item = {"kind": kind, "ref_id": ref_id, "category": category, "confidence": confidence, "reporter": reporter,
            "trusted": trusted}
    async with _target_lock(app, target_kind, target):
        for _ in range(3):
            now = app.clock.now_ms()
            case = await store.open_case(target_kind, target, category=category, role=queue_of([category]),
                                         priority=0.0, urgent=False, created_at=now, updated_at=now)
            ranked = await store.attach(case.id, item, now, _rank)
            if ranked is not None:  # None: a moderator closed the case meanwhile; the item opens a new one
                break
        else:
            raise RuntimeError(f"case about {target_kind}:{target} closed under every attempt to add to it")
        case_id = case.id
        await record(app, actor="system", action="case_item", target=f"case:{case_id}",
                     data={"kind": kind, "ref": ref_id, "category": category, "priority": ranked["priority"]})
        await app.moderation.publish("case", case_id=case_id, role=ranked["role"], category=ranked["category"],
                                     priority=ranked["priority"])
    return case_id


def _rank(items: list[CaseItem], urgent: bool) -> dict[str, object]:
    """What a case's items make of it: priority, leading category and queue."""
    value, top = priority(items, urgent)
    return {"priority": value, "category": top, "role": queue_of([i.category for i in items])}


class _TargetLocks:
    """One asyncio lock per target with additions in flight (dropped when none waits)."""

    def __init__(self) -> None:
        self.locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: tuple[str, str]) -> AsyncIterator[None]:
        lock, users = self.locks.get(key) or (asyncio.Lock(), 0)
        self.locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self.locks[key]
            if users == 1:
                del self.locks[key]
            else:
                self.locks[key] = (lock, users - 1)


_LOCKS: weakref.WeakKeyDictionary[object, _TargetLocks] = weakref.WeakKeyDictionary()


def _target_lock(app: Causerie, target_kind: str, target: str) -> contextlib.AbstractAsyncContextManager[None]:
    """Serialises additions about one target on this node (per application: tests run several)."""
    locks = _LOCKS.get(app.moderation)
    if locks is None:
        locks = _LOCKS[app.moderation] = _TargetLocks()
    return locks.hold((target_kind, target))


async def on_screened(app: Causerie, screened_id: int) -> None:
    """A message the screening engine did not simply allow: every such verdict is an automated decision
    (audited); held, flagged, shadowed and `open_case` ones also become case items."""
    item = await app.screened.get(screened_id)
    if item is None:
        return
    await record(app, actor="screening", action=f"screen_{item.action}", target=f"session:{item.session_id}",
                 data={"screened": screened_id, "category": item.category, "labels": item.labels})
    if item.action == "block" and not item.open_case:
        return
    confidence = max(item.scores.values(), default=1.0) if item.scores else 1.0
    await do_add_to_case(app, target_kind="session", target=item.session_id, kind="screened", ref_id=screened_id,
                         category=item.category or "other", confidence=min(max(confidence, 0.1), 1.0))


def signal_case(kind: str, data: dict[str, Any]) -> tuple[str, str, float] | None:
    """What a safety signal becomes in the queue: (target kind, category, confidence), or None when it
    is no case (docs/moderation.md, "Safety signals"). Targets are sessions, except a join wave: it is
    about a room, not about the person whose join tipped it."""
    if kind == "duplicate_blast":
        return "session", "scam", 0.8
    if kind == "mass_contact":
        return "session", "scam", 0.5
    if kind == "ban_evasion":
        return "session", "ban_evasion", 0.8
    if kind == "cross_band_attempt":
        # an adult reaching for a teen is a child-safety matter; a teen reaching for an adult less so
        return ("session", "sexual_minor", 0.3) if data.get("band") == "adult" else ("session", "other", 0.3)
    if kind == "age_band_change":
        by_device = data.get("via") == "device"
        if data.get("to") == "teen":  # declared adult, now declares a teen: child safety
            return "session", "sexual_minor", 0.5 if by_device else 0.2
        return "session", "other", 0.3 if by_device else 0.1
    if kind == "join_wave":
        return "room", "other", 0.5
    # rate_limited: the limit did its job; adult_device_in_teen_band: the entry was refused, no session
    return None


async def on_signal(app: Causerie, signal_id: int, *, kind: str, session_id: str | None,
                    data: dict[str, Any]) -> int | None:
    """A safety signal (policy/, storage/signals.py) becomes an item of the open case about its target
    (or opens one). Returns the case id, or None when the signal is no case."""
    mapped = signal_case(kind, data)
    if mapped is None:
        return None
    target_kind, category, confidence = mapped
    target = str(data.get("room", "")) if target_kind == "room" else session_id
    if not target:
        return None
    return await do_add_to_case(app, target_kind=target_kind, target=target, kind="signal", ref_id=signal_id,
                                category=category, confidence=confidence)


async def access_case(app: Causerie, console: ConsoleSession, case_id: int) -> Case:
    """A case the moderator's roles allow them to see; unknown and forbidden look different on purpose
    (the console needs to tell a moderator why), but neither reveals content."""
    case = await app.moderation.cases.get(case_id)
    if case is None:
        raise CauserieError("not_found")
    if not may_read_queue(console.moderator.roles, case.role):
        await record(app, actor=console.actor, action="access_denied", target=f"case:{case_id}")
        raise CauserieError("mod_forbidden")
    return case


async def do_claim(app: Causerie, console: ConsoleSession, case_id: int) -> Case:
    case = await access_case(app, console, case_id)
    if case.excluded_moderator == console.moderator.id:
        raise CauserieError("appeal_same_moderator")
    if not await app.moderation.cases.claim(case_id, console.moderator.id, app.clock.now_ms()):
        raise CauserieError("case_claimed")
    await record(app, actor=console.actor, action="claim", target=f"case:{case_id}")
    await app.moderation.publish("case", case_id=case_id, role=case.role, claimed_by=console.moderator.id)
    claimed = await app.moderation.cases.get(case_id)
    assert claimed is not None
    return claimed


async def do_unclaim(app: Causerie, console: ConsoleSession, case_id: int) -> None:
    case = await access_case(app, console, case_id)
    if not await app.moderation.cases.release(case_id, console.moderator.id):
        raise CauserieError("case_not_claimed")
    await record(app, actor=console.actor, action="unclaim", target=f"case:{case_id}")
    await app.moderation.publish("case", case_id=case_id, role=case.role)


async def people_seen(app: Causerie, case: Case) -> dict[str, dict[str, Any]]:
    """The people seen in a room case's evidence, by session: senders in the frozen evidence of its
    reports, the sessions its signals name (the newcomer who tipped a join wave), and senders of the
    room's latest messages (what the case view shows). A moderator may act on these people only."""
    import msgspec

    seen: dict[str, dict[str, Any]] = {}

    def add(session_id: str | None, pseudo: str | None, where: str) -> None:
        if not session_id:
            return
        entry = seen.setdefault(session_id, {"session": session_id, "pseudo": pseudo, "seen": []})
        entry["pseudo"] = entry["pseudo"] or pseudo
        if where not in entry["seen"]:
            entry["seen"].append(where)

    for item in await app.moderation.cases.items(case.id):
        if item.kind == "report":
            report = await app.moderation.reports.get(item.ref_id)
            if report is not None:
                for m in msgspec.json.decode(report.evidence).get("messages", []):
                    add(m.get("session"), m.get("from"), "evidence")
        elif item.kind == "signal":
            signal = await app.signals.get(item.ref_id)
            if signal is not None:
                add(signal.session_id, None, "signal")
    if case.target_kind == "room":
        for m in await app.messages.before(case.target, None, ROOM_ACTIVITY):
            add(m.session_id, m.pseudo, "activity")
    return seen


ROOM_ACTIVITY = 20  # the room's latest messages shown in a room case


async def check_claimed(app: Causerie, console: ConsoleSession, case_id: int) -> Case:
    case = await access_case(app, console, case_id)
    if case.status != "open":
        raise CauserieError("case_closed")
    if case.claimed_by != console.moderator.id:
        raise CauserieError("case_not_claimed")
    return case
