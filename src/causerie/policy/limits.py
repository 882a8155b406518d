"""Token buckets behind one small async interface, so a cluster can swap in a shared (Redis) one.

`Limiter.hit(buckets, cost)` takes `cost` tokens from every named bucket, or from none: when any bucket
is short, nothing is taken and the answer is a `RetryAfter`: how long to wait (seconds) until all of
them would allow it, and which bucket needs the longest wait (so the caller can say which limit it
was). A refused action therefore changes no bucket. Keys are plain strings (`msg:s:<session id>`,
`entry:n:<network hash>` …); the rate travels with each call, so a shared implementation needs no
configuration of its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from causerie.clock import Clock
from causerie.policy.config import Rate

Bucket = tuple[str, Rate]  # (key, rate): e.g. ("msg:s:<session id>", Rate(8, 1, 2))


@dataclass(frozen=True, slots=True)
class RetryAfter:
    seconds: float
    key: str  # the bucket that needs the longest wait


class Limiter(Protocol):
    async def hit(self, buckets: Sequence[Bucket], cost: float = 1.0) -> RetryAfter | None:
        """Take `cost` from every bucket and return None, or take nothing and say how long to wait."""
        ...


class MemoryLimiter:
    """One node's buckets, in a dict; time comes from the injected clock."""

    MAX_KEYS = 200_000

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._buckets: dict[str, tuple[float, int]] = {}  # key → (tokens, at ms)

    def _level(self, key: str, rate: Rate, now: int) -> float:
        tokens, at = self._buckets.get(key, (rate.burst, now))
        return min(rate.burst, tokens + max(0, now - at) / 1000 * rate.per_s)

    async def hit(self, buckets: Sequence[Bucket], cost: float = 1.0) -> RetryAfter | None:
        now = self.clock.now_ms()
        levels = [self._level(key, rate, now) for key, rate in buckets]
        # (a millionth of a token of slack: waiting exactly `retry_after` must be enough despite rounding)
        waits = [RetryAfter((cost - level) / rate.per_s, key)
                 for level, (key, rate) in zip(levels, buckets, strict=True) if level + 1e-6 < cost]
        if waits:
            return max(waits, key=lambda w: w.seconds)
        if len(self._buckets) > self.MAX_KEYS:
            self._prune()
        for level, (key, _) in zip(levels, buckets, strict=True):
            self._buckets[key] = (max(0.0, level - cost), now)
        return None

    def _prune(self) -> None:
        # A bucket that would be full again carries no information: forget it. (Rates are not kept per
        # key, so the oldest half goes; a forgotten bucket starts full, the lenient side.)
        for key, _ in sorted(self._buckets.items(), key=lambda kv: kv[1][1])[: len(self._buckets) // 2]:
            del self._buckets[key]


def retry_seconds(wait: float) -> int:
    """The `retry_after` hint sent to clients: whole seconds, at least 1."""
    return max(1, math.ceil(wait - 1e-9))
