"""This node's part in a cluster: heartbeats, session holders, ending the sessions of lost nodes.

Only active with the Redis broker (one node on the in-process bus has nobody to tell). In Redis,
under the broker's prefix:

- `node:<id>`: a key refreshed every `heartbeat_s` with a time-to-live of `node_ttl_s`; while it
  exists the node is alive (Redis's clock decides, so the nodes' clocks need not agree);
- `holders`: a hash session id → node id, written when a node takes a session (entry, `hello`).

One node at a time (a `sweeper` lock) compares the live sessions of the database with the holders:
a session whose holder is missing or dead in two sweeps in a row is ended (`node_lost`), so people
on a node that dies leave everyone's list within ttl + 2 sweeps (≈ 20 s by default). A client of the
lost node that reconnects elsewhere first is held again and keeps its session.

After Redis comes back (the broker reconnects), the node resynchronises: it registers its sessions
again, reloads what it learns from events (who is online, room members, slow modes, sanctions) from
the database, and closes its clients' WebSockets with 1012 so that they resume from their last
sequence numbers. Sweeps wait until the node's heartbeats have worked for a whole ttl, so that every
other node has had the time to register again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from sqlalchemy import select

from causerie.bus.base import Event
from causerie.bus.redis import RedisBroker
from causerie.domain import Person
from causerie.protocol import SessionEnded, encode
from causerie.storage.tables import sessions

if TYPE_CHECKING:
    from causerie.app import Causerie

log = logging.getLogger(__name__)

RESYNC_CLOSE = 1012  # "service restart": the client reconnects and resumes
_CHUNK = 1000


class ClusterNode:
    def __init__(self, app: Causerie) -> None:
        self.app = app
        broker = app.broker
        self.broker = broker if isinstance(broker, RedisBroker) else None
        self.heartbeat_s = app.settings.heartbeat_s
        self.ttl_s = max(app.settings.node_ttl_s, 2 * self.heartbeat_s)
        self._tasks: list[asyncio.Task[None]] = []
        self._healthy_since: float | None = None
        self._register_all = True
        self._suspects: dict[str, str] = {}
        app.hub.order.fill = self.fill_gap
        if self.broker is not None:
            app.hub.room_last_seq = app.rooms.last_seq

    @property
    def enabled(self) -> bool:
        return self.broker is not None

    @property
    def node_id(self) -> str:
        return self.app.hub.node_id

    def _key(self, name: str) -> str:
        assert self.broker is not None
        return self.broker.prefix + name

    async def start(self) -> None:
        if self.broker is None:
            return
        self.broker.on_reconnect = self.resync
        await self._heartbeat()
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._every(self.heartbeat_s, self._heartbeat)),
                       loop.create_task(self._every(self.ttl_s / 2, self._sweep))]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        self._tasks = []

    async def _every(self, seconds: float, step: object) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await step()  # type: ignore[operator]
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis or the database away: the next round tries again
                log.warning("cluster %s failed: %s", getattr(step, "__name__", "step"), type(exc).__name__)

    # --- holders and heartbeats --------------------------------------------------------------

    async def claim(self, session_id: str) -> None:
        """This node holds the session now (entry, `hello`). Never fails: retried by the heartbeat."""
        if self.broker is None:
            return
        try:
            await self.broker.redis.hset(self._key("holders"), session_id, self.node_id)
        except (RedisError, OSError):
            self._register_all = True

    async def _heartbeat(self) -> None:
        assert self.broker is not None
        redis = self.broker.redis
        try:
            await redis.set(self._key(f"node:{self.node_id}"), b"1", px=int(self.ttl_s * 1000))
            if self._register_all and self.app.hub.local:
                ids = list(self.app.hub.local)
                for i in range(0, len(ids), _CHUNK):
                    await redis.hset(self._key("holders"), mapping={sid: self.node_id for sid in ids[i:i + _CHUNK]})
            self._register_all = False
        except (RedisError, OSError):
            self._healthy_since = None
            self._register_all = True
            raise
        if self._healthy_since is None:
            self._healthy_since = time.monotonic()

    # --- sweeping the sessions of lost nodes --------------------------------------------------

    async def _live_session_ids(self) -> list[str]:
        async with self.app.engine.connect() as conn:
            return list((await conn.execute(select(sessions.c.id).where(sessions.c.ended_at.is_(None)))).scalars())

    async def _sweep(self) -> None:
        assert self.broker is not None
        if self._healthy_since is None or time.monotonic() - self._healthy_since < self.ttl_s:
            return  # others may not have registered again yet (Redis just came back)
        redis = self.broker.redis
        lock = await redis.set(self._key("sweeper"), self.node_id.encode(), nx=True, px=int(self.ttl_s * 1000))
        if not lock and await redis.get(self._key("sweeper")) != self.node_id.encode():
            self._suspects = {}
            return
        await redis.pexpire(self._key("sweeper"), int(self.ttl_s * 1000))
        ids = [sid for sid in await self._live_session_ids() if sid not in self.app.hub.local]
        holders: dict[str, str] = {}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            for sid, holder in zip(chunk, await redis.hmget(self._key("holders"), chunk), strict=True):
                holders[sid] = holder.decode() if holder else ""
        nodes = sorted({h for h in holders.values() if h})
        alive = {n for n, up in zip(nodes, [await redis.exists(self._key(f"node:{n}")) for n in nodes],
                                    strict=True) if up}
        suspects = {sid: h for sid, h in holders.items() if h not in alive}
        lost = [sid for sid, h in suspects.items() if self._suspects.get(sid) == h]
        self._suspects = {sid: h for sid, h in suspects.items() if sid not in lost}
        from causerie.actions.entry import do_end_session

        for sid in lost:
            holder = await redis.hget(self._key("holders"), sid)
            if (holder.decode() if holder else "") != suspects[sid]:
                continue  # reconnected to a live node meanwhile
            log.info("ending a session of a lost node")
            await do_end_session(self.app, sid, reason="node_lost")
            await redis.hdel(self._key("holders"), sid)
        if lost or await redis.hlen(self._key("holders")) > 2 * len(ids) + 1000:
            await self._forget_ended_holders(set(ids))

    async def _forget_ended_holders(self, live: set[str]) -> None:
        assert self.broker is not None
        redis, key = self.broker.redis, self._key("holders")
        stale = [sid async for sid, _ in redis.hscan_iter(key, count=_CHUNK)
                 if sid.decode() not in live and sid.decode() not in self.app.hub.local]
        for i in range(0, len(stale), _CHUNK):
            await redis.hdel(key, *stale[i:i + _CHUNK])

    # --- messages whose event was lost ----------------------------------------------------------

    async def fill_gap(self, key: str, after: int, before: int) -> list[tuple[int, Event]]:
        """The stored messages between two sequence numbers, as the events that would have carried them."""
        from causerie.actions.messages import _pseudos, pm_out
        from causerie.actions.rooms import message_out

        app, cap = self.app, min(before - after - 1, 500)
        if key.startswith("room:"):
            found, _ = await app.messages.after(key[5:], after, cap)
            return [(m.seq, Event("message", frame=encode(message_out(m)), sender=m.session_id,
                                  data={"seq": m.seq})) for m in found if m.seq < before]
        _sid, _, pm = key.split(":", 2)
        conv = await app.pms.get(int(pm))
        if conv is None:
            return []
        names = await _pseudos(app, conv)
        found_pms, _ = await app.pms.after(conv.id, after, cap)
        return [(m.seq, Event("frame", frame=encode(pm_out(m, names[m.session_id], names[conv.peer_of(m.session_id)])),
                              sender=m.session_id, data={"pm": conv.id, "seq": m.seq}))
                for m in found_pms if m.seq < before]

    # --- the end of a grace period --------------------------------------------------------------

    async def end_after_grace(self, session_id: str) -> None:
        """A session held here had no connection for the grace period: end it, unless another node
        holds it now (its `attached` event may have been lost while the bus was away)."""
        from causerie.actions.entry import do_end_session

        app = self.app
        if self.broker is not None:
            try:
                holder = await self.broker.redis.hget(self._key("holders"), session_id)
            except (RedisError, OSError):
                session = app.hub.local.get(session_id)
                if session is not None and session.conn is None:
                    app.hub.start_grace(session, min(app.settings.session_grace_s, 5.0))
                return
            if holder is not None and holder.decode() != self.node_id:
                await app.hub.release(session_id)
                return
        await do_end_session(app, session_id, reason="timeout")
        session = app.hub.local.get(session_id)
        if session is not None and session.conn is None:
            await app.hub.release(session_id)  # already ended elsewhere: let go

    # --- after the bus comes back -------------------------------------------------------------

    async def resync(self) -> None:
        """Events may have been missed: reload what they carry, and make the clients resume."""
        self._register_all = True
        self._healthy_since = None
        for attempt in range(60):
            try:
                await self._resync_once()
                return
            except Exception as exc:  # the database may be away too
                log.warning("resync failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(min(0.5 * (attempt + 1), 5.0))

    async def _resync_once(self) -> None:
        app = self.app
        try:
            await self._heartbeat()
        except (RedisError, OSError):
            pass  # the heartbeat loop will register them
        live: dict[str, Person] = {}

        async def reload() -> None:
            live.update(await app.load_directory())

        # `directory` events arriving during the reload are applied after it, not undone by it.
        await app.hub.load_directory(reload)
        await app.policy.load_slow_modes()
        await app.moderation.reload_sanctions()
        for session in list(app.hub.local.values()):
            if session.id not in live:
                if session.conn is not None:
                    session.send(encode(SessionEnded(reason="ended")))
                    session.conn.close_soon(4001)
                await app.hub.release(session.id)
            elif session.conn is not None:
                session.conn.close_soon(RESYNC_CLOSE)
