"""One node's policy state: the limiter, what it knows of live sessions' origins, slow modes, duplicates.

Built once by `app.Causerie`; the rules (bands.py, contact.py, flood.py) read and update it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from causerie.bus import Event
from causerie.policy.limits import Limiter, MemoryLimiter
from causerie.policy.shared import MemoryTracker, Tracker
from causerie.storage.signals import SlowMode

if TYPE_CHECKING:
    from causerie.app import Causerie

POLICY_TOPIC = "policy"  # slow-mode changes, so every node of a cluster applies them


@dataclass(frozen=True, slots=True)
class SessionOrigin:
    """What the policy needs to know about a session beyond what others see."""

    device_hash: str
    network_hash: str
    started_at: int


class Policy:
    MAX_ORIGINS = 500_000

    def __init__(self, app: Causerie, limiter: Limiter | None = None, duplicates: Tracker | None = None) -> None:
        self.app = app
        self.settings = app.settings.policy
        self.limiter: Limiter = limiter or MemoryLimiter(app.clock)
        self.duplicates: Tracker = duplicates or MemoryTracker(app.clock)
        self.slow: dict[str, SlowMode] = {}
        self._origins: dict[str, SessionOrigin] = {}
        self._quiet: dict[tuple[str, str], int] = {}  # (signal kind, key) → last recorded (ms)

    async def start(self) -> None:
        await self.load_slow_modes()
        await self.app.broker.subscribe(POLICY_TOPIC, self._on_event)

    async def load_slow_modes(self) -> None:
        """The rooms' slow modes, from storage (at start, and after the bus was away)."""
        self.slow = {m.room_id: m for m in await self.app.signals.slow_modes()}

    def _on_event(self, _topic: str, event: Event) -> None:
        if event.kind == "slow_mode":
            self.apply_slow_mode(event.data)

    def apply_slow_mode(self, d: dict) -> None:
        """Apply a slow-mode change (idempotent: the node that made it applies it at once, then again
        when its own event comes back through the bus)."""
        room = str(d["room"])
        if int(d["seconds"]) <= 0:
            self.slow.pop(room, None)
        else:
            until = d.get("until")
            self.slow[room] = SlowMode(room, int(d["seconds"]), bool(d["newcomers_only"]),
                                       int(until) if until is not None else None)

    # --- sessions' origins -----------------------------------------------------------------------

    def remember(self, session_id: str, origin: SessionOrigin) -> None:
        if len(self._origins) >= self.MAX_ORIGINS:
            self._origins.clear()  # reloaded from storage on demand
        self._origins[session_id] = origin

    def forget(self, session_id: str) -> None:
        self._origins.pop(session_id, None)

    async def origin(self, session_id: str) -> SessionOrigin:
        origin = self._origins.get(session_id)
        if origin is None:
            record = await self.app.sessions.by_id(session_id)
            assert record is not None, "a live session has a record"
            origin = SessionOrigin(record.device_hash, record.network_hash, record.started_at)
            self.remember(session_id, origin)
        return origin

    def is_new(self, origin: SessionOrigin) -> bool:
        return self.app.clock.now_ms() - origin.started_at < self.settings.new_session_s * 1000

    # --- signals ---------------------------------------------------------------------------------

    def quiet(self, kind: str, key: str) -> bool:
        """True when a signal of this kind for this key was recorded less than `signal_quiet_s` ago;
        otherwise notes that one is being recorded now."""
        now = self.app.clock.now_ms()
        last = self._quiet.get((kind, key))
        if last is not None and now - last < self.settings.signal_quiet_s * 1000:
            return True
        if len(self._quiet) > 100_000:
            self._quiet.clear()
        self._quiet[(kind, key)] = now
        return False

    # --- slow mode -------------------------------------------------------------------------------

    def slow_mode(self, room_id: str) -> SlowMode | None:
        mode = self.slow.get(room_id)
        if mode is not None and mode.until is not None and mode.until <= self.app.clock.now_ms():
            del self.slow[room_id]
            return None
        return mode
