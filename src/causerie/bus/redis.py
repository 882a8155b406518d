"""The Redis broker: the same `Broker` interface across nodes, on Redis pub/sub.

Each node keeps one pub/sub connection and subscribes to a topic once, whatever number of local
connections need it; events are `Event` structs encoded with msgpack. Channels are named
`<prefix><topic>`; the prefix (default `causerie:`) comes from the URL's `prefix` query parameter,
e.g. `redis://127.0.0.1:6379/0?prefix=chat-a:`, so several deployments (or tests) share one Redis.

Pub/sub keeps nothing for a subscriber that is away. When the subscription connection drops, this
broker reconnects on its own (with back-off), subscribes again to every topic and then calls
`on_reconnect`: the node treats it as a cue to resynchronise (it rebuilds its view of who is online
from the database and closes its clients' WebSockets with 1012, so they resume from their last
sequence numbers). A publish that fails raises `BusUnavailable`, which the transport answers with the
retryable `unavailable` error: nothing is dropped silently.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from causerie.bus.base import BusUnavailable, Event, Handler

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "causerie:"
_BACKOFF = (0.1, 0.2, 0.5, 1.0, 2.0)


def split_url(url: str) -> tuple[str, str]:
    """The Redis URL without our `prefix` parameter, and the prefix."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefix = next((v for k, v in query if k == "prefix"), DEFAULT_PREFIX)
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


class RedisBroker:
    def __init__(self, url: str) -> None:
        self.url, self.prefix = split_url(url)
        self.on_reconnect: Callable[[], Awaitable[None]] | None = None
        options = dict(socket_connect_timeout=2.0, socket_timeout=5.0, health_check_interval=10)
        # Commands retry once (a pooled connection may be stale after a Redis restart); the
        # subscription never retries behind our back, so that every reconnection is seen.
        self.redis = aioredis.from_url(self.url, retry=Retry(NoBackoff(), 1), **options)
        self._sub_client = aioredis.from_url(self.url, retry=Retry(NoBackoff(), 0), **options)
        self._pubsub: aioredis.client.PubSub | None = None
        self._handlers: dict[str, Handler] = {}
        self._waiters: dict[bytes, list[asyncio.Future[None]]] = {}
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._resyncs: set[asyncio.Task[None]] = set()
        self._encoder = msgspec.msgpack.Encoder()
        self._decoder = msgspec.msgpack.Decoder(Event)
        self.reconnects = 0

    # --- Broker -------------------------------------------------------------------------------

    async def start(self, timeout: float = 10.0) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        try:
            await asyncio.wait_for(self._connected.wait(), timeout)
        except TimeoutError:
            await self.close()
            raise BusUnavailable("Redis is not reachable") from None

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        for task in list(self._resyncs):
            task.cancel()
        self._handlers.clear()
        await self._drop_pubsub()
        await self._sub_client.aclose()
        await self.redis.aclose()

    async def publish(self, topic: str, event: Event) -> None:
        try:
            await self.redis.publish(self.prefix + topic, self._encoder.encode(event))
        except (RedisError, OSError) as exc:
            raise BusUnavailable(f"publish failed: {type(exc).__name__}") from None

    async def subscribe(self, topic: str, handler: Handler) -> None:
        """Deliver `topic` to `handler`; returns once Redis confirmed it (when connected)."""
        known = topic in self._handlers
        self._handlers[topic] = handler
        pubsub = self._pubsub
        if known or pubsub is None or not self._connected.is_set():
            return  # (re)subscribed with every other topic when the connection comes back
        channel = (self.prefix + topic).encode()
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(channel, []).append(waiter)
        try:
            await pubsub.subscribe(channel)
            await asyncio.wait_for(asyncio.shield(waiter), 5.0)
        except (RedisError, OSError, TimeoutError):
            pass  # the reader notices the broken connection, reconnects and subscribes again

    async def unsubscribe(self, topic: str) -> None:
        if self._handlers.pop(topic, None) is None:
            return
        pubsub = self._pubsub
        if pubsub is not None and self._connected.is_set():
            try:
                await pubsub.unsubscribe((self.prefix + topic).encode())
            except (RedisError, OSError):
                pass

    async def ping(self) -> bool:
        if not self._connected.is_set():
            return False
        try:
            return bool(await self.redis.ping())
        except (RedisError, OSError):
            return False

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    # --- the subscription connection ----------------------------------------------------------

    async def _drop_pubsub(self) -> None:
        self._connected.clear()
        pubsub, self._pubsub = self._pubsub, None
        for waiters in self._waiters.values():
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)  # subscribed again with the rest on reconnection
        self._waiters.clear()
        if pubsub is not None:
            try:
                await pubsub.aclose()
            except (RedisError, OSError):
                pass

    async def _run(self) -> None:
        failures = 0
        first = True
        while True:
            try:
                pubsub = self._sub_client.pubsub()
                self._pubsub = pubsub
                # A channel of our own, so that the connection exists even with no topic yet; then
                # every topic, including those asked for while we were subscribing.
                subscribed: set[bytes] = set()
                while missing := ({(self.prefix + "_node").encode()}
                                  | {(self.prefix + t).encode() for t in self._handlers}) - subscribed:
                    await pubsub.subscribe(*missing)
                    while missing:
                        msg = await pubsub.get_message(timeout=5.0)
                        if msg is None:
                            raise TimeoutError("no subscription confirmation")
                        if msg["type"] == "subscribe":
                            missing.discard(msg["channel"])
                            subscribed.add(msg["channel"])
                        else:
                            self._dispatch(msg)
                self._connected.set()
                if not first:
                    self.reconnects += 1
                    log.warning("bus reconnected; resynchronising this node")
                    if self.on_reconnect is not None:
                        task = asyncio.get_running_loop().create_task(self.on_reconnect())
                        self._resyncs.add(task)
                        task.add_done_callback(self._resyncs.discard)
                first, failures = False, 0
                while True:
                    msg = await pubsub.get_message(timeout=5.0)
                    if msg is not None:
                        self._dispatch(msg)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError, TimeoutError) as exc:
                if self._connected.is_set():
                    log.warning("bus connection lost (%s); reconnecting", type(exc).__name__)
                await self._drop_pubsub()
                await asyncio.sleep(_BACKOFF[min(failures, len(_BACKOFF) - 1)])
                failures += 1

    def _dispatch(self, msg: dict[str, object]) -> None:
        kind = msg["type"]
        channel = msg["channel"]
        assert isinstance(channel, bytes)
        if kind == "subscribe":
            waiters = self._waiters.get(channel)
            if waiters:
                waiter = waiters.pop(0)
                if not waiter.done():
                    waiter.set_result(None)
            return
        if kind != "message":
            return
        topic = channel.decode()[len(self.prefix):]
        handler = self._handlers.get(topic)
        if handler is None:
            return
        data = msg["data"]
        assert isinstance(data, bytes)
        try:
            handler(topic, self._decoder.decode(data))
        except Exception:
            log.exception("event handler failed for a topic of kind %s", topic.split(":", 1)[0])
