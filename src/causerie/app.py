"""The composition root: builds the stores, the bus, the clock and the node's hub in one place."""

from __future__ import annotations

import asyncio
import logging
import tomllib
from functools import lru_cache
from importlib import resources

from causerie.bus import Broker, create_broker
from causerie.clock import Clock, SystemClock
from causerie.cluster import ClusterNode
from causerie.config import Settings
from causerie.domain import Band, Person, Room, RoomKind
from causerie.geo import PostalCodes, postal_codes
from causerie.hub import Hub
from causerie.moderation.service import Moderation
from causerie.policy.shared import for_broker as shared_counters
from causerie.policy.state import Policy
from causerie.presence import Directory
from causerie.screening import Screener
from causerie.storage import database
from causerie.storage.audit import AuditStore
from causerie.storage.fastread import Reader
from causerie.storage.ignores import IgnoreStore
from causerie.storage.messages import MessageStore
from causerie.storage.pms import PmStore
from causerie.storage.rooms import RoomStore
from causerie.storage.screened import ScreenedStore
from causerie.storage.sessions import SessionStore
from causerie.storage.signals import SignalStore

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def shared_screener() -> Screener:
    """One screening engine per process: building its lexicons and model takes seconds, and the
    engine is read-only once built (its policy file reloads in place)."""
    return Screener()


def seeded_rooms() -> list[Room]:
    data = tomllib.loads(resources.files("causerie.data").joinpath("rooms.toml").read_text("utf-8"))
    return [Room(r["id"], r["name_fr"], r["name_en"], Band(r["band"]), RoomKind(r["kind"]))
            for r in data["room"]]


class Causerie:
    """Everything one node needs, built once and handed to the actions."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None, broker: Broker | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.engine = database.create_engine(settings.db_url)
        self.sessions = SessionStore(self.engine)
        self.rooms = RoomStore(self.engine)
        self.messages = MessageStore(self.engine)
        self.pms = PmStore(self.engine)
        self.ignores = IgnoreStore(self.engine)
        self.screened = ScreenedStore(self.engine)
        self.audit = AuditStore(self.engine)
        self.moderation = Moderation(self)
        self.screener = shared_screener()
        self.broker: Broker = broker or create_broker(settings.broker_url)
        self.directory = Directory()
        self.hub = Hub(self.broker, self.directory)
        self.cluster = ClusterNode(self)
        self.signals = SignalStore(self.engine)
        limiter, duplicates = shared_counters(self.broker, self.clock)  # Redis: cluster-wide
        self.policy = Policy(self, limiter=limiter, duplicates=duplicates)
        self.postal: PostalCodes = postal_codes()
        self._rooms: dict[str, Room] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await database.upgrade(self.engine)
        await self.rooms.seed(seeded_rooms(), self.clock.now_ms())
        self._rooms = {r.id: r for r in await self.rooms.all()}
        await self.broker.start()
        await self.policy.start()
        await self.hub.start(load=self.load_directory)  # subscribed to `directory` first
        await self.moderation.start()
        self.hub.on_grace_expired = self._end_after_grace
        await self.cluster.start()
        # Sessions left live by a previous run of a single node have no connection any more: they
        # get the usual grace period to come back, then end.
        if self.settings.broker_url.startswith("memory"):
            from causerie.actions.entry import adopt_orphans

            await adopt_orphans(self)

    async def load_directory(self) -> dict[str, Person]:
        """Make the directory say what the database says: who is online and in which rooms. Runs at start
        and after the bus comes back (events may have been missed, cluster/node.py); returns who is
        online."""
        live = {record.person.session_id: record.person for record in await self.sessions.live()}
        self.directory.replace(live, await self.rooms.members())
        return live

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.cluster.close()
        await self.broker.close()
        Reader.of(self.engine).close()
        await self.engine.dispose()

    def spawn(self, coro: object) -> None:
        task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _end_after_grace(self, session_id: str) -> None:
        self.spawn(self.cluster.end_after_grace(session_id))

    async def room(self, room_id: str) -> Room | None:
        room = self._rooms.get(room_id)
        if room is None:
            room = await self.rooms.get(room_id)  # created on another node
            if room is not None:
                self._rooms[room_id] = room
        return room

    def cache_room(self, room: Room) -> None:
        self._rooms[room.id] = room

    def rooms_of_band(self, band: Band) -> list[Room]:
        return [r for r in self._rooms.values() if r.band is band]
