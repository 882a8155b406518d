"""The policy's counters shared by every node of a cluster, in Redis: rate limits and duplicate blasts.

With N nodes and no sticky sessions, per-node counters would let a client get N times every limit
(and a blast sent through several nodes would never reach the threshold on any). When the broker is
Redis, `for_broker` gives the policy a `RedisLimiter` and a `RedisDuplicateTracker`, each one Lua
script run with EVALSHA, so a check and its update are one atomic step for the whole cluster. One
node on the in-process bus keeps the in-memory twins (`MemoryLimiter`, `DuplicateTracker`), which
behave the same.

Time: both scripts take "now" from the node's injected clock, not from Redis's `TIME`. The policy's
thresholds are seconds to hours, so clocks kept by NTP (milliseconds apart) change nothing
measurable, and the same clock then drives every implementation: the policy tests move a
`ManualClock` by hand on both backends, and the Redis limiter is tested against the memory one on
the same sequence of hits. A bucket never moves back in time (a node whose clock is behind gets no
tokens back, rather than some twice). Redis's clock only decides when a key expires: a bucket
expires once it would be full again plus a minute, a duplicate record after its window plus a
minute (a forgotten bucket starts full, an expired record counts no target: the lenient side).

Keys live under the broker's prefix: `<prefix>limit:<bucket key>` (a hash: tokens `t`, time `a`)
and `<prefix>dup:<key>:<fingerprint>` (a sorted set of targets scored by time). Bucket keys name a
session id, a keyed device hash or a keyed network hash; never an address, a token or a text.

If Redis cannot be reached, the node falls back to its in-memory twin until it can (limits then hold
per node, as before; nothing is refused because the counters are away).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from redis.exceptions import RedisError

from causerie.clock import Clock
from causerie.policy.duplicates import DuplicateTracker
from causerie.policy.limits import Bucket, Limiter, MemoryLimiter, RetryAfter

if TYPE_CHECKING:
    from causerie.bus import Broker

log = logging.getLogger(__name__)

KEEP_MS = 60_000  # kept this long past the point where a key stops mattering (see above)

# KEYS[i]: bucket i. ARGV: now (ms), cost, keep (ms), then burst and tokens per ms of each bucket.
# Returns {0, "0"} when every bucket gave `cost` tokens, else {i, wait in ms} for the bucket that needs
# the longest wait (the first of equals), having changed nothing.
TOKEN_BUCKET = """
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local keep = tonumber(ARGV[3])
local levels, times = {}, {}
local worst, worst_i = -1, 0
for i = 1, #KEYS do
  local burst = tonumber(ARGV[2 + 2 * i])
  local per_ms = tonumber(ARGV[3 + 2 * i])
  local state = redis.call('HMGET', KEYS[i], 't', 'a')
  local tokens, at = tonumber(state[1]), tonumber(state[2])
  if tokens == nil or at == nil then
    tokens, at = burst, now
  end
  local level = math.min(burst, tokens + math.max(0, now - at) * per_ms)
  levels[i], times[i] = level, math.max(at, now)
  if level + 1e-6 < cost then
    local wait = (cost - level) / per_ms
    if wait > worst then
      worst, worst_i = wait, i
    end
  end
end
if worst_i > 0 then
  return {worst_i, tostring(worst)}
end
for i = 1, #KEYS do
  local burst = tonumber(ARGV[2 + 2 * i])
  local per_ms = tonumber(ARGV[3 + 2 * i])
  local left = math.max(0, levels[i] - cost)
  redis.call('HSET', KEYS[i], 't', tostring(left), 'a', tostring(times[i]))
  redis.call('PEXPIRE', KEYS[i], math.ceil((burst - left) / per_ms) + keep)
end
return {0, '0'}
"""

# KEYS[i]: the sorted set of targets of one (sender key, fingerprint). ARGV: now (ms), window (ms),
# keep (ms), target. Adds the target, forgets those older than the window, returns each set's size.
DUPLICATES = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local keep = tonumber(ARGV[3])
local counts = {}
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  redis.call('ZADD', KEYS[i], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[i], math.ceil(window) + keep)
  counts[i] = redis.call('ZCARD', KEYS[i])
end
return counts
"""


class Tracker(Protocol):
    async def note(self, keys: Sequence[str], print_: str, target: str, window_s: float) -> int:
        """Record that each sender key sent text `print_` to `target`; return the largest number of
        distinct targets any of them reached within the window."""
        ...


class MemoryTracker:
    """The one-node tracker behind the same async interface."""

    def __init__(self, clock: Clock) -> None:
        self.memory = DuplicateTracker(clock)

    async def note(self, keys: Sequence[str], print_: str, target: str, window_s: float) -> int:
        return max(self.memory.note(key, print_, target, window_s) for key in keys)


class _Fallback:
    """Reports (once per outage) that Redis is away and the node counts on its own meanwhile."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.down = False

    def failed(self, exc: BaseException) -> None:
        if not self.down:
            self.down = True
            log.warning("shared %s unreachable (%s): counting on this node until Redis is back",
                        self.what, type(exc).__name__)

    def worked(self) -> None:
        if self.down:
            self.down = False
            log.warning("shared %s reachable again", self.what)


class RedisLimiter:
    """Token buckets in Redis, taken all or nothing by one script: the same answers as `MemoryLimiter`."""

    def __init__(self, redis: object, prefix: str, clock: Clock) -> None:
        self.clock = clock
        self.prefix = prefix + "limit:"
        self._script = redis.register_script(TOKEN_BUCKET)  # type: ignore[attr-defined]  # EVALSHA
        self._memory = MemoryLimiter(clock)
        self._fallback = _Fallback("rate limiter")

    async def hit(self, buckets: Sequence[Bucket], cost: float = 1.0) -> RetryAfter | None:
        now = self.clock.now_ms()
        args: list[str | int] = [now, repr(float(cost)), KEEP_MS]
        for _key, rate in buckets:
            args += [repr(float(rate.burst)), repr(rate.per_s / 1000)]
        try:
            index, wait = await self._script(keys=[self.prefix + key for key, _ in buckets], args=args)
        except (RedisError, OSError) as exc:
            self._fallback.failed(exc)
            return await self._memory.hit(buckets, cost)
        self._fallback.worked()
        if int(index) == 0:
            return None
        return RetryAfter(float(wait) / 1000, buckets[int(index) - 1][0])


class RedisDuplicateTracker:
    """Duplicate-blast records in Redis (a sorted set of targets per sender key and fingerprint)."""

    def __init__(self, redis: object, prefix: str, clock: Clock) -> None:
        self.clock = clock
        self.prefix = prefix + "dup:"
        self._script = redis.register_script(DUPLICATES)  # type: ignore[attr-defined]
        self._memory = MemoryTracker(clock)
        self._fallback = _Fallback("duplicate tracker")

    async def note(self, keys: Sequence[str], print_: str, target: str, window_s: float) -> int:
        now = self.clock.now_ms()
        try:
            counts = await self._script(keys=[f"{self.prefix}{key}:{print_}" for key in keys],
                                        args=[now, math.ceil(window_s * 1000), KEEP_MS, target])
        except (RedisError, OSError) as exc:
            self._fallback.failed(exc)
            return await self._memory.note(keys, print_, target, window_s)
        self._fallback.worked()
        return max(int(c) for c in counts)


def for_broker(broker: Broker, clock: Clock) -> tuple[Limiter, Tracker]:
    """Shared counters when the broker is Redis (a cluster), in-memory ones otherwise (one node)."""
    from causerie.bus.redis import RedisBroker

    if isinstance(broker, RedisBroker):
        return (RedisLimiter(broker.redis, broker.prefix, clock),
                RedisDuplicateTracker(broker.redis, broker.prefix, clock))
    return MemoryLimiter(clock), MemoryTracker(clock)
