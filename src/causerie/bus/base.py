"""What every broker offers: publish an event to a topic, subscribe a node-level handler to it.

A node subscribes once per topic it needs (not once per connection); the handler fans the event out
to the node's local connections. Events are published only after the transaction that caused them
has committed, and they carry a frame already encoded once, so no node encodes it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import msgspec


class Event(msgspec.Struct, array_like=True, omit_defaults=True):
    kind: str
    frame: bytes = b""  # a JSON frame, encoded once, to deliver as is
    sender: str = ""  # session id that caused it (ignore lists filter on it)
    data: dict[str, Any] = {}


Handler = Callable[[str, Event], None]


class Broker(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, topic: str, event: Event) -> None: ...

    async def subscribe(self, topic: str, handler: Handler) -> None: ...

    async def unsubscribe(self, topic: str) -> None: ...

    async def ping(self) -> bool: ...


class BusUnavailable(ConnectionError):
    """The bus cannot take an event right now: the client gets the retryable `unavailable` error."""
