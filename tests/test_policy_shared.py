"""The cluster-wide policy counters in the machine's real Redis, against their in-memory twins.

Rate limits and duplicate-blast records take time from the same hand-moved clock (docs/policy.md
§6), so the same sequence of hits must get the same answers from Redis and from memory: which hits
pass, which bucket refuses, how long to wait, how many targets a text reached. (Two nodes sharing
them is tested on real processes in tests/cluster/test_cluster_policy.py.)
"""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

import services
from causerie.clock import ManualClock
from causerie.policy.config import Rate
from causerie.policy.limits import MemoryLimiter
from causerie.policy.shared import KEEP_MS, MemoryTracker, RedisDuplicateTracker, RedisLimiter

pytestmark = pytest.mark.service


@pytest.fixture
async def redis_prefix() -> AsyncIterator[tuple[aioredis.Redis, str]]:
    if "postgres" not in os.environ.get("CAUSERIE_TEST_BACKENDS", "sqlite,postgres").split(","):
        pytest.skip("the PostgreSQL + Redis backend is not selected (CAUSERIE_TEST_BACKENDS)")
    services.require_services()
    prefix = services.redis_prefix()
    client = aioredis.from_url(services.REDIS_URL)
    try:
        yield client, prefix
    finally:
        await client.aclose()
        services.drop_redis_prefix(prefix)


RATES = {"msg:s:a": Rate(8, 1, 2), "msg:n:x": Rate(3, 10, 1), "join:s:a": Rate(12, 1, 10),
         "pmnew:s:a": Rate(2, 2, 600), "wave:r:r": Rate(10, 10, 10)}
COMBOS = [["msg:s:a", "msg:n:x"], ["join:s:a"], ["msg:s:a", "msg:n:x", "pmnew:s:a"], ["wave:r:r"],
          ["pmnew:s:a"], ["msg:n:x"]]


async def test_redis_limiter_answers_like_the_memory_one(redis_prefix) -> None:
    client, prefix = redis_prefix
    clock = ManualClock()
    memory, shared = MemoryLimiter(clock), RedisLimiter(client, prefix, clock)
    rng = random.Random(20261129)
    refused = passed = 0
    for step in range(600):
        buckets = [(key, RATES[key]) for key in rng.choice(COMBOS)]
        cost = rng.choice([1.0, 1.0, 1.0, 2.0])
        expected = await memory.hit(buckets, cost)
        got = await shared.hit(buckets, cost)
        if expected is None:
            assert got is None, f"step {step}: Redis refused {got} where memory let it pass"
            passed += 1
        else:
            assert got is not None, f"step {step}: Redis let pass where memory refused ({expected})"
            assert got.key == expected.key, step
            assert got.seconds == pytest.approx(expected.seconds, abs=1e-6), step
            refused += 1
        clock.advance(rng.choice([0, 0, 0.05, 0.3, 1, 2.5, 7]))
    assert passed > 100 and refused > 100  # the sequence exercised both sides


async def test_a_refusal_takes_nothing_and_keys_expire(redis_prefix) -> None:
    client, prefix = redis_prefix
    clock = ManualClock()
    limiter = RedisLimiter(client, prefix, clock)
    small, big = ("a", Rate(1, 1, 10)), ("b", Rate(5, 1, 1))
    assert await limiter.hit([small, big]) is None
    wait = await limiter.hit([small, big])
    assert wait is not None and wait.key == "a" and wait.seconds == pytest.approx(10)
    # `b` gave nothing for the refused hit: 4 tokens left, not 3.
    for _ in range(4):
        assert await limiter.hit([big]) is None
    assert (await limiter.hit([big])) is not None
    # Keys under the prefix, expiring once full again plus KEEP_MS (Redis's clock).
    ttl = await client.pttl(f"{prefix}limit:a")
    assert 10_000 < ttl <= 10_000 + KEEP_MS
    assert sorted(await client.keys(f"{prefix}*")) == [f"{prefix}limit:a".encode(), f"{prefix}limit:b".encode()]


async def test_redis_away_falls_back_to_this_node(redis_prefix) -> None:
    _client, prefix = redis_prefix
    clock = ManualClock()
    nowhere = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        limiter = RedisLimiter(nowhere, prefix, clock)
        rate = ("a", Rate(2, 1, 60))
        assert await limiter.hit([rate]) is None
        assert await limiter.hit([rate]) is None
        assert (await limiter.hit([rate])) is not None  # still limited, on this node
    finally:
        await nowhere.aclose()


async def test_redis_duplicate_tracker_counts_like_the_memory_one(redis_prefix) -> None:
    client, prefix = redis_prefix
    clock = ManualClock()
    memory, shared = MemoryTracker(clock), RedisDuplicateTracker(client, prefix, clock)
    rng = random.Random(7)
    senders = [["s:a", "n:x"], ["s:b", "n:x"], ["s:c", "n:y"]]
    counts = []
    for step in range(400):
        keys, print_ = rng.choice(senders), rng.choice(["f1", "f2"])
        target = f"r:{rng.randrange(9)}"
        expected = await memory.note(keys, print_, target, 600)
        got = await shared.note(keys, print_, target, 600)
        assert got == expected, step
        counts.append(got)
        clock.advance(rng.choice([1, 5, 30, 120]))
    assert max(counts) >= 6 and min(counts) == 1  # went over the threshold, and windows passed
    ttl = await client.pttl(f"{prefix}dup:s:a:f1")
    assert 0 < ttl <= 600_000 + KEEP_MS
