"""The event bus: a small `Broker` interface with an in-process twin and a Redis implementation."""

from causerie.bus.base import Broker, BusUnavailable, Event, Handler
from causerie.bus.memory import MemoryBroker


def create_broker(url: str) -> Broker:
    if url.startswith("memory"):
        return MemoryBroker()
    if url.startswith("redis"):
        from causerie.bus.redis import RedisBroker

        return RedisBroker(url)
    raise ValueError(f"unknown broker URL scheme: {url.split(':', 1)[0]}")


__all__ = ["Broker", "BusUnavailable", "Event", "Handler", "MemoryBroker", "create_broker"]
