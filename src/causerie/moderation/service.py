"""What moderation needs on one node: its stores, its settings, the live feed of the console and the
cache of active sanctions. Built once by `app.Causerie`; state of record stays in the database.

Every node subscribes to the `moderation` topic: case changes feed the consoles connected to it, and
sanction changes refresh its cache (so a ban or time-out decided on one node applies on all of them).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from causerie.bus import Event
from causerie.moderation.roles import may_read_queue
from causerie.storage.cases import CaseStore
from causerie.storage.decisions import DecisionStore, Sanction, StatementOutbox
from causerie.storage.locks import RoomLockStore
from causerie.storage.moderators import ModeratorStore
from causerie.storage.reports import ReportStore

if TYPE_CHECKING:
    from causerie.app import Causerie

TOPIC = "moderation"


def _ladder(raw: str) -> tuple[tuple[str, int | None], ...]:
    steps = []
    for part in raw.split(","):
        kind, _, seconds = part.strip().partition(":")
        steps.append((kind, int(seconds) if seconds else None))
    return tuple(steps)


@dataclass(frozen=True)
class ModerationConfig:
    idle_timeout_s: int = 900
    appeal_days: int = 183  # DSA art. 20: at least six months
    # A new session from a banned device or network: "refuse" or "flag" (a case for a moderator).
    ban_evasion: str = "refuse"
    # Repeat abusers (DSA art. 23): a warning first, then longer suspensions, then a ban for good.
    ladder: tuple[tuple[str, int | None], ...] = field(default_factory=lambda: _ladder(
        "warn,timeout:3600,timeout:86400,ban:604800,ban:2592000,ban"))

    @classmethod
    def from_env(cls) -> ModerationConfig:
        env = os.environ
        values: dict[str, Any] = {}
        if "CAUSERIE_MOD_IDLE_S" in env:
            values["idle_timeout_s"] = int(env["CAUSERIE_MOD_IDLE_S"])
        if env.get("CAUSERIE_BAN_EVASION") in ("refuse", "flag"):
            values["ban_evasion"] = env["CAUSERIE_BAN_EVASION"]
        if "CAUSERIE_LADDER" in env:
            values["ladder"] = _ladder(env["CAUSERIE_LADDER"])
        return cls(**values)


@dataclass(eq=False)
class Watcher:
    """A console connected to this node (its live feed)."""

    moderator_id: int
    roles: frozenset[str]
    queue: asyncio.Queue[dict[str, Any]]


class Moderation:
    def __init__(self, app: Causerie) -> None:
        self.app = app
        engine = app.engine
        self.config = ModerationConfig.from_env()
        self.moderators = ModeratorStore(engine)
        self.reports = ReportStore(engine)
        self.cases = CaseStore(engine)
        self.decisions = DecisionStore(engine)
        self.locks = RoomLockStore(engine)
        self.outbox = StatementOutbox(engine)
        self.watchers: set[Watcher] = set()
        self.sanctions: dict[tuple[str, str], list[Sanction]] = {}  # (scope, value) -> active
        self._arriving: list[list[Sanction]] = []  # one list per reload in flight (reload_sanctions)
        self.locked: set[str] = set()  # rooms nobody may send to (a moderator locked them)

    async def start(self) -> None:
        await self.reload_sanctions()
        self.locked = await self.locks.locked()
        await self.app.broker.subscribe(TOPIC, self._on_event)

    async def reload_sanctions(self) -> None:
        # Sanctions that arrive in an event while the query runs may be missing from its answer: they
        # are put back after it (a duplicate entry is harmless).
        arrived: list[Sanction] = []
        self._arriving.append(arrived)
        try:
            table: dict[tuple[str, str], list[Sanction]] = {}
            for s in await self.decisions.active_sanctions(self.app.clock.now_ms()):
                table.setdefault((s.scope, s.value), []).append(s)
        finally:
            self._arriving.remove(arrived)
        for s in arrived:
            table.setdefault((s.scope, s.value), []).append(s)
        self.sanctions = table

    def active(self, scope: str, value: str, kinds: tuple[str, ...] = ("ban", "timeout")) -> Iterator[Sanction]:
        now = self.app.clock.now_ms()
        for s in self.sanctions.get((scope, value), ()):
            if s.kind in kinds and (s.expires_at is None or s.expires_at > now):
                yield s

    async def sanctions_changed(self, added: list[dict[str, Any]] | None = None, decision_id: int = 0) -> None:
        """Reload this node's sanctions at once, then tell the others. The event carries the sanctions
        just added, which every node applies as the event arrives, before its reload from the database
        completes, so no re-entry or send slips through between the two. (A lifted sanction may apply
        for the milliseconds of that reload: the safe direction.)"""
        await self.reload_sanctions()
        rows = [{"kind": r["kind"], "scope": r["scope"], "value": r["value"], "expires_at": r["expires_at"]}
                for r in added or ()]
        await self.publish("sanctions", added=rows, decision_id=decision_id)

    def _apply_added(self, data: dict[str, Any]) -> None:
        from causerie.storage.decisions import Sanction

        for r in data.get("added") or ():
            expires = r.get("expires_at")
            sanction = Sanction(id=0, decision_id=int(data.get("decision_id") or 0), kind=str(r["kind"]),
                                scope=str(r["scope"]), value=str(r["value"]),
                                expires_at=int(expires) if expires is not None else None)
            self.sanctions.setdefault((sanction.scope, sanction.value), []).append(sanction)
            for arrived in self._arriving:
                arrived.append(sanction)

    def apply_room_lock(self, data: dict[str, Any]) -> None:
        """Apply a lock change (idempotent: the node that made it applies it at once, then again when its
        own event comes back through the bus)."""
        if data["locked"]:
            self.locked.add(str(data["room"]))
        else:
            self.locked.discard(str(data["room"]))

    async def publish(self, kind: str, **data: Any) -> None:
        await self.app.broker.publish(TOPIC, Event(kind, data=data))

    def _on_event(self, _topic: str, event: Event) -> None:
        data = event.data
        if event.kind == "sanctions":
            self._apply_added(data)
            self.app.spawn(self.reload_sanctions())
            return
        if event.kind == "room_lock":
            self.apply_room_lock(data)
            return
        if event.kind == "kick":
            from causerie.moderation.enforcement import kick_local

            self.app.spawn(kick_local(self.app, str(data["session_id"]), str(data["room"])))
            return
        # case, urgent: to the consoles that may see them (an urgent case also to every admin)
        role = str(data.get("role", ""))
        for watcher in list(self.watchers):
            visible = may_read_queue(watcher.roles, role) or (event.kind == "urgent" and "admin" in watcher.roles)
            if not visible:
                continue
            try:
                watcher.queue.put_nowait({"kind": event.kind, **data})
            except asyncio.QueueFull:
                pass
