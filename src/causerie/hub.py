"""This node's live sessions and their connections, and the fan-out of bus events to them.

The hub subscribes once per topic it needs: `room:<id>` while it has a member of the room,
`session:<id>` while it holds the session, and `directory` always. A message event carries a frame
encoded once; the hub writes those same bytes to every local recipient.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol

from causerie.bus import Broker, Event
from causerie.cluster.sequence import Sequencer
from causerie.domain import Band, Person
from causerie.presence import Directory, matches, person_from_dict, person_info
from causerie.protocol import Members, PresenceDiff, PresenceFilters, SessionEnded, encode
from causerie.wsframe import text_frame

log = logging.getLogger(__name__)

DIRECTORY = "directory"
FLUSH_S = 0.25


def room_topic(room: str) -> str:
    return f"room:{room}"


def session_topic(session_id: str) -> str:
    return f"session:{session_id}"


class Connection(Protocol):
    def send_raw(self, frame: bytes) -> None:
        """Send one JSON frame (pushed by the hub: held while the connection is being resumed)."""

    def send_seq(self, key: str, seq: int, wire: bytes, frame: bytes) -> None:
        """Send a message of a room (`room:<id>`) or a conversation (`pm:<id>`) with its sequence
        number: while the connection is being resumed it waits, and is dropped if the resume backlog
        already carried it (`web/connection.py`)."""

    def send_batch(self, frames: list[bytes], wire: bytes) -> None:
        """Send several JSON frames pushed by the hub whose WebSocket frames, joined, are `wire`: one
        write instead of one per frame (held one by one while the connection is being resumed)."""

    def close_soon(self, code: int) -> None: ...


class LiveSession:
    """A session held by this node: its connection (None during the grace period) and its state."""

    __slots__ = ("person", "pm_policy", "rooms", "ignored", "conn", "filters", "visible", "grace")

    def __init__(self, person: Person, pm_policy: str, rooms: set[str], ignored: set[str]) -> None:
        self.person = person
        self.pm_policy = pm_policy
        self.rooms = rooms
        self.ignored = ignored
        self.conn: Connection | None = None
        self.filters: PresenceFilters | None = None
        self.visible: set[str] | None = None  # None: not watching the people list
        self.grace: asyncio.TimerHandle | None = None

    @property
    def id(self) -> str:
        return self.person.session_id

    def send(self, frame: bytes) -> None:
        if self.conn is not None:
            self.conn.send_raw(frame)

    def send_seq(self, key: str, seq: int, frame: bytes) -> None:
        if self.conn is not None:
            self.conn.send_seq(key, seq, text_frame(frame), frame)


class Hub:
    def __init__(self, broker: Broker, directory: Directory) -> None:
        self.node_id = uuid.uuid4().hex
        self.order = Sequencer()  # messages reach local clients in sequence order
        self.room_last_seq: Callable[[str], Awaitable[int]] | None = None  # set by the cluster node
        self.broker = broker
        self.directory = directory
        self.local: dict[str, LiveSession] = {}
        self.room_local: dict[str, dict[str, LiveSession]] = {}
        self.on_grace_expired: Callable[[str], None] | None = None
        self._flush: asyncio.TimerHandle | None = None
        self._dirty_rooms: dict[str, Band] = {}
        self._added: dict[str, Person] = {}
        self._removed: dict[str, Person] = {}
        self._directory_backlog: list[Event] | None = None

    async def start(self, load: Callable[[], Awaitable[object]] | None = None) -> None:
        """Subscribe to `directory`, then load who is online (`load`), so no change falls in between."""
        self._directory_backlog = []
        await self.broker.subscribe(DIRECTORY, self._on_directory)
        await self.load_directory(load)

    async def load_directory(self, load: Callable[[], Awaitable[object]] | None) -> None:
        """Run `load` (who is online and in which room, from the database) while holding back the
        `directory` events that arrive meanwhile, then apply them in order: a change committed while
        the database was being read is neither lost nor undone by the read's older answer."""
        if self._directory_backlog is None:
            self._directory_backlog = []
        try:
            if load is not None:
                await load()
        finally:
            backlog, self._directory_backlog = self._directory_backlog, None
            for event in backlog:
                self._on_directory(DIRECTORY, event)

    # --- local sessions -----------------------------------------------------------------------

    async def hold(self, session: LiveSession) -> None:
        """Take a session on this node (on `hello`)."""
        self.local[session.id] = session
        await self.broker.subscribe(session_topic(session.id), self._on_session)
        for room in session.rooms:
            await self.add_to_room(room, session)

    async def release(self, session_id: str) -> LiveSession | None:
        session = self.local.pop(session_id, None)
        if session is None:
            return None
        if session.grace is not None:
            session.grace.cancel()
        await self.broker.unsubscribe(session_topic(session_id))
        self.order.forget_prefix(f"{session_id}:")
        for room in list(session.rooms):
            await self.remove_from_room(room, session)
        return session

    async def add_to_room(self, room: str, session: LiveSession) -> None:
        local = self.room_local.get(room)
        if local is None:
            local = self.room_local[room] = {}
            await self.broker.subscribe(room_topic(room), self._on_room)
            if self.room_last_seq is not None:
                # Messages stored before this point are history; later ones are delivered in order.
                self.order.prime(room_topic(room), await self.room_last_seq(room))
        local[session.id] = session

    async def remove_from_room(self, room: str, session: LiveSession) -> None:
        local = self.room_local.get(room)
        if local is None:
            return
        local.pop(session.id, None)
        if not local:
            del self.room_local[room]
            self.order.forget(room_topic(room))
            await self.broker.unsubscribe(room_topic(room))

    def start_grace(self, session: LiveSession, seconds: float) -> None:
        if session.grace is not None:
            session.grace.cancel()
        loop = asyncio.get_running_loop()
        session.grace = loop.call_later(seconds, self._grace_expired, session.id)

    def _grace_expired(self, session_id: str) -> None:
        session = self.local.get(session_id)
        if session is not None and session.conn is None and self.on_grace_expired is not None:
            self.on_grace_expired(session_id)

    # --- events ---------------------------------------------------------------------------------

    def _on_room(self, topic: str, event: Event) -> None:
        seq = event.data.get("seq") if event.data else None
        if seq is not None:
            self.order.offer(topic, int(seq), event, lambda e: self._to_room(topic, e))
        else:
            self._to_room(topic, event)

    def _to_room(self, topic: str, event: Event) -> None:
        members = self.room_local.get(topic[5:])
        if not members:
            return
        wire, sender = text_frame(event.frame), event.sender
        seq = event.data.get("seq") if event.data else None
        for session in members.values():
            conn = session.conn
            if conn is not None and sender not in session.ignored:
                if seq is None:
                    conn.send_raw(event.frame)
                else:
                    conn.send_seq(topic, int(seq), wire, event.frame)

    def _on_session(self, topic: str, event: Event) -> None:
        session = self.local.get(topic[8:])
        if session is None:
            return
        if event.kind == "frame":
            seq = event.data.get("seq") if event.data else None
            if seq is not None:  # a PM: in its conversation's order
                self.order.offer(f"{session.id}:pm:{event.data['pm']}", int(seq), event,
                                 lambda e: self._to_session(session, e))
            else:
                self._to_session(session, event)
        elif event.kind == "attached" and event.data.get("node") != self.node_id:
            # The session reconnected to another node: this node lets go of it.
            if session.conn is not None:
                session.send(encode(SessionEnded(reason="replaced")))
                session.conn.close_soon(4000)
            session.conn = None
            asyncio.get_running_loop().create_task(self.release(session.id))
        elif event.kind == "ended":
            if session.conn is not None:
                session.send(encode(SessionEnded(reason=str(event.data.get("reason", "ended")))))
                session.conn.close_soon(4001)
            asyncio.get_running_loop().create_task(self.release(session.id))
        elif event.kind == "ignored":
            session.ignored = set(event.data.get("ids", ()))

    def _to_session(self, session: LiveSession, event: Event) -> None:
        if event.sender in session.ignored:
            return
        seq = event.data.get("seq") if event.data else None
        if seq is not None and "pm" in event.data:
            session.send_seq(f"pm:{event.data['pm']}", int(seq), event.frame)
        else:
            session.send(event.frame)

    def _on_directory(self, _topic: str, event: Event) -> None:
        if self._directory_backlog is not None:
            self._directory_backlog.append(event)
            return
        kind, data = event.kind, event.data
        if kind == "online":
            person = person_from_dict(data["person"])
            if self.directory.add(person):
                self._presence_added(person)
        elif kind == "offline":
            person = self.directory.remove(str(data["session_id"]))
            if person is not None:
                self._presence_removed(person)
                for room in data.get("rooms", ()):
                    self._members_changed(room, person)
        elif kind in ("join", "leave"):
            room, sid = str(data["room"]), str(data["session_id"])
            if kind == "join":
                self.directory.join(room, sid)
            else:
                self.directory.leave(room, sid)
            person = self.directory.people.get(sid)
            if person is not None:
                self._members_changed(room, person)

    # Member counts and people-list diffs are coalesced: every FLUSH_S, one frame per changed room and
    # at most one diff per watcher, so a wave of N entries costs O(N) frames instead of O(N²).

    def _schedule_flush(self) -> None:
        if self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(FLUSH_S, self._flush_changes)

    def _members_changed(self, room: str, person: Person) -> None:
        self._dirty_rooms[room] = person.band
        self._schedule_flush()

    def _presence_added(self, person: Person) -> None:
        self._added[person.session_id] = person
        self._schedule_flush()

    def _presence_removed(self, person: Person) -> None:
        self._added.pop(person.session_id, None)
        self._removed[person.session_id] = person
        self._schedule_flush()

    def _flush_changes(self) -> None:
        self._flush = None
        rooms, added, removed = self._dirty_rooms, self._added, self._removed
        self._dirty_rooms, self._added, self._removed = {}, {}, {}
        # The member counts of a band are the same frames for every session of the band: built once,
        # and written to each connection in one piece (one system call, not one per room).
        by_band: dict[Band, list[bytes]] = {}
        for room, band in rooms.items():
            by_band.setdefault(band, []).append(encode(Members(room=room, count=self.directory.count(room))))
        batches = {band: (frames, b"".join(text_frame(f) for f in frames)) for band, frames in by_band.items()}
        for session in self.local.values():
            conn = session.conn
            if conn is None:
                continue
            batch = batches.get(session.person.band)
            if batch is not None:
                conn.send_batch(*batch)
            if session.visible is None:
                continue
            gone = [p.pseudo for sid, p in removed.items() if sid in session.visible]
            for sid in [sid for sid in removed if sid in session.visible]:
                session.visible.discard(sid)
            new = [p for sid, p in added.items()
                   if sid not in session.visible and matches(session.person, p, session.filters)]
            for p in new:
                session.visible.add(p.session_id)
            if gone or new:
                session.send(encode(PresenceDiff(added=[person_info(p, session.person) for p in new], removed=gone)))
