"""The in-process broker: one node, no network. Delivery is synchronous and in order."""

from __future__ import annotations

import logging

from causerie.bus.base import Event, Handler

log = logging.getLogger(__name__)


class MemoryBroker:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._handlers.clear()

    async def publish(self, topic: str, event: Event) -> None:
        handler = self._handlers.get(topic)
        if handler is not None:
            try:
                handler(topic, event)
            except Exception:
                log.exception("event handler failed for a %s event", event.kind)

    async def subscribe(self, topic: str, handler: Handler) -> None:
        self._handlers[topic] = handler

    async def unsubscribe(self, topic: str) -> None:
        self._handlers.pop(topic, None)

    async def ping(self) -> bool:
        return True
