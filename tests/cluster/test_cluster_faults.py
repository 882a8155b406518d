"""Faults on a real cluster: a node killed mid-traffic, Redis restarted, PostgreSQL restarted.

Every check is on sequence numbers: an acknowledged message is never lost, readers see each
sequence number once, with no gap. The restart tests stop a shared service of the machine for a
few seconds and always start it again (marked `service`; keep them few).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster_helpers import Cluster, Member, send_until_acked, settle

import services

pytestmark = pytest.mark.service
ROOM = "general"


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def assert_gapless(member: Member, key: str, start: int, end: int) -> None:
    seen = [s for s in member.seen.get(key, []) if start <= s <= end]
    assert len(seen) == len(set(seen)), f"{member.pseudo} got duplicates: {seen}"
    assert sorted(seen) == list(range(start, end + 1)), f"{member.pseudo} has gaps: {sorted(seen)}"


async def enter(url: str, pseudo: str) -> Member:
    m = Member(url)
    await m.enter(pseudo)
    await m.connect()
    await m.join(ROOM)
    return m


async def test_node_killed_mid_traffic_clients_resume_elsewhere(log_dir: Path) -> None:
    with services.service_lock(exclusive=False):
        await _node_killed(log_dir)


async def _node_killed(log_dir: Path) -> None:
    cluster = Cluster(2, log_dir, CAUSERIE_HEARTBEAT="1", CAUSERIE_NODE_TTL="5").start()
    doomed, survivor = cluster.nodes
    people: list[Member] = []
    try:
        a = await enter(doomed.url, "Sur_A")
        ghost = await enter(doomed.url, "Fantome_1")
        b = await enter(survivor.url, "Sur_B")
        reader = await enter(survivor.url, "Lecteur_1")
        people += [a, ghost, b, reader]
        listed = await reader.request({"type": "presence"}, "presence")
        assert {"Sur_A", "Fantome_1", "Sur_B"} <= {p["pseudo"] for p in listed["people"]}
        start = max(reader.seen.get(ROOM, [0])) + 1
        acked: list[int] = []
        killed = asyncio.Event()

        async def talk(m: Member, n: int, kill_after: int | None) -> None:
            for i in range(n):
                frame = {"type": "send", "room": ROOM, "text": f"{m.pseudo} {i}", "client_id": f"{m.pseudo}-{i}"}
                acked.append((await send_until_acked(m, [survivor.url], frame))["seq"])
                if kill_after is not None and i == kill_after:
                    doomed.kill()
                    killed.set()

        loop = asyncio.get_running_loop()
        await asyncio.gather(talk(a, 30, kill_after=10), talk(b, 30, None))
        assert killed.is_set()
        killed_at = loop.time()
        assert sorted(acked) == list(range(start, start + 60))  # every ack a distinct, gapless seq
        for m in (reader, b, a):
            await m.read_until(ROOM, start + 59)
            assert_gapless(m, ROOM, start, start + 59)
        # The ghost (never came back) leaves everyone's list within 30 s; Sur_A (moved) never does.
        removed: list[str] = []
        while "Fantome_1" not in removed:
            left = 30 - (loop.time() - killed_at)
            assert left > 0, "the dead node's session is still listed after 30 s"
            removed += (await reader.recv("presence_diff", timeout=left))["removed"]
        assert "Sur_A" not in removed
        full = await reader.request({"type": "presence"}, "presence")
        pseudos = [p["pseudo"] for p in full["people"]]
        assert "Fantome_1" not in pseudos and pseudos.count("Sur_A") == 1
    finally:
        for m in people:
            await m.close()
        cluster.close()


@pytest.mark.restarts_services
async def test_redis_restart_nodes_reconnect_and_clients_resync(log_dir: Path) -> None:
    with services.service_lock(exclusive=True):
        await _redis_restart(log_dir)


async def _redis_restart(log_dir: Path) -> None:
    cluster = Cluster(2, log_dir).start()
    people: list[Member] = []
    try:
        a = await enter(cluster.nodes[0].url, "Redis_A")
        reader = await enter(cluster.nodes[1].url, "Redis_R")
        people += [a, reader]
        start = max(reader.seen.get(ROOM, [0])) + 1
        acked = [(await a.say(ROOM, f"avant {i}", client_id=f"before-{i}"))["seq"] for i in range(3)]
        refused: list[dict[str, object]] = []
        services.redis_stop()
        try:
            await settle(lambda: not cluster.nodes[0].ready(), 20, "node 0 reporting the bus down")
            for i in range(3):
                frame = {"type": "send", "room": ROOM, "text": f"pendant {i}", "client_id": f"during-{i}"}
                got = await a.request(frame, "ack", timeout=15)  # an answer, never silence
                if got["type"] == "ack":
                    acked.append(got["seq"])
                else:
                    assert got["code"] == "unavailable", got
                    refused.append(frame)
        finally:
            services.redis_start()
        await settle(lambda: all(n.ready() for n in cluster.nodes), 30, "nodes ready again")
        assert refused, "with Redis down, sends are refused with `unavailable`"
        # Both nodes resynchronise their clients: the connections close (1012) and resume.
        for frame in refused:
            acked.append((await send_until_acked(a, [n.url for n in cluster.nodes], frame))["seq"])
        acked.append((await send_until_acked(a, [n.url for n in cluster.nodes],
                                             {"type": "send", "room": ROOM, "text": "après",
                                              "client_id": "after"}))["seq"])
        assert sorted(acked) == list(range(start, start + 7))
        end = max(acked)

        async def caught_up() -> bool:
            if reader.ws is None or reader.ws.closed:
                await reader.move_to(cluster.nodes[1].url)
            try:
                await reader.read_until(ROOM, end, timeout=2)
            except AssertionError:
                return False
            except Exception:
                reader.ws = None
                return False
            return True

        await settle(caught_up, 40, "the reader catching up")
        assert_gapless(reader, ROOM, start, end)
    finally:
        services.redis_start()
        for m in people:
            await m.close()
        cluster.close()


@pytest.mark.restarts_services
async def test_postgres_restart_sends_fail_retryably_then_work(log_dir: Path) -> None:
    with services.service_lock(exclusive=True):
        await _postgres_restart(log_dir)


async def _postgres_restart(log_dir: Path) -> None:
    cluster = Cluster(1, log_dir).start()
    node = cluster.nodes[0]
    people: list[Member] = []
    try:
        a = await enter(node.url, "Pg_A")
        people.append(a)
        acked = [(await a.say(ROOM, f"avant {i}", client_id=f"pg-before-{i}"))["seq"] for i in range(3)]
        frame = {"type": "send", "room": ROOM, "text": "pendant", "client_id": "pg-during"}
        services.postgres("stop")
        try:
            got = await a.request(frame, "ack", timeout=30)
            assert got["type"] == "error" and got["code"] == "unavailable", got
            assert not node.ready()
        finally:
            services.postgres("start")
        acked.append((await send_until_acked(a, [node.url], frame))["seq"])
        acked.append((await send_until_acked(a, [node.url], {"type": "send", "room": ROOM, "text": "après",
                                                            "client_id": "pg-after"}))["seq"])
        assert acked == sorted(acked) and len(set(acked)) == len(acked)
        status, page = await a.get(f"/api/rooms/{ROOM}/history?limit=100")
        assert status == 200
        stored = {m["seq"] for m in page["messages"]}
        assert set(acked) <= stored
    finally:
        for m in people:
            await m.close()
        cluster.close()
