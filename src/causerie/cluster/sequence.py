"""Delivering a room's (or a conversation's) messages in sequence order, whatever order they arrive in.

Sequence numbers are assigned in the database, in commit order; the events that carry them are
published after the commit by whichever task (or node) stored them, so two messages stored a
millisecond apart can reach a node in the other order. The hub hands every sequenced event to a
`Sequencer`, which delivers them strictly in order: an event that arrives early waits for the ones
before it; if a gap lasts `wait_s` (its event was lost: a publish that failed while the bus was
away), the missing messages are read from the database (`fill`) and delivered in their place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from causerie.bus.base import Event

log = logging.getLogger(__name__)

Deliver = Callable[[Event], None]
Fill = Callable[[str, int, int], Awaitable[list[tuple[int, Event]]]]  # (key, after, before) → events


class _Stream:
    __slots__ = ("last", "pending", "deliver", "timer", "filled")

    def __init__(self, last: int, deliver: Deliver) -> None:
        self.last = last
        self.pending: dict[int, Event] = {}
        self.deliver = deliver
        self.timer: asyncio.TimerHandle | None = None
        self.filled: set[int] = set()


class Sequencer:
    MAX_PENDING = 10_000

    def __init__(self, wait_s: float = 0.5) -> None:
        self.wait_s = wait_s
        self.fill: Fill | None = None
        self._streams: dict[str, _Stream] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def offer(self, key: str, seq: int, event: Event, deliver: Deliver) -> None:
        stream = self._streams.get(key)
        if stream is None:
            # First event seen on an unprimed key: start from it (earlier ones were history at join time).
            stream = self._streams[key] = _Stream(seq - 1, deliver)
        stream.deliver = deliver
        if seq <= stream.last:
            if seq not in stream.filled:
                deliver(event)  # late, at the very start of a subscription
            return
        stream.pending[seq] = event
        self._advance(stream)
        if stream.pending:
            if len(stream.pending) > self.MAX_PENDING:
                self._give_up(stream)
            elif stream.timer is None:
                stream.timer = asyncio.get_running_loop().call_later(self.wait_s, self._gap, key)

    def prime(self, key: str, last: int) -> None:
        """Start a key's stream at `last` (the newest seq already stored when the node subscribed), so
        that the first events to arrive wait for the ones before them instead of being delivered first."""
        if key not in self._streams:
            self._streams[key] = _Stream(last, lambda _event: None)

    def forget(self, key: str) -> None:
        stream = self._streams.pop(key, None)
        if stream is not None and stream.timer is not None:
            stream.timer.cancel()

    def forget_prefix(self, prefix: str) -> None:
        for key in [k for k in self._streams if k.startswith(prefix)]:
            self.forget(key)

    def _advance(self, stream: _Stream) -> None:
        while (event := stream.pending.pop(stream.last + 1, None)) is not None:
            stream.last += 1
            stream.deliver(event)
        if not stream.pending and stream.timer is not None:
            stream.timer.cancel()
            stream.timer = None

    def _give_up(self, stream: _Stream) -> None:
        for seq in sorted(stream.pending):
            stream.deliver(stream.pending[seq])
            stream.last = seq
        stream.pending.clear()
        if stream.timer is not None:
            stream.timer.cancel()
            stream.timer = None

    def _gap(self, key: str) -> None:
        stream = self._streams.get(key)
        if stream is None:
            return
        stream.timer = None
        task = asyncio.get_running_loop().create_task(self._fill(key, stream))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fill(self, key: str, stream: _Stream) -> None:
        if not stream.pending:
            return
        before = min(stream.pending)
        found: list[tuple[int, Event]] = []
        if self.fill is not None:
            try:
                found = await self.fill(key, stream.last, before)
            except Exception as exc:  # the database away: deliver what we have, in order
                log.warning("could not fill a sequence gap: %s", type(exc).__name__)
        if self._streams.get(key) is not stream:
            return
        for seq, event in found:
            if stream.last < seq < before and seq not in stream.pending:
                stream.pending[seq] = event
                stream.filled.add(seq)
        if len(stream.filled) > 1000:
            stream.filled = {s for s in stream.filled if s > stream.last - 100}
        self._advance(stream)
        if stream.pending:  # still a hole the database does not fill: skip it
            self._give_up(stream)
