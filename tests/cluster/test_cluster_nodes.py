"""Three `causerie serve` nodes on one PostgreSQL and one Redis: delivery, order, presence, PMs, moves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cluster_helpers import Cluster, Member

import services
from chat_client import EntryRefused

pytestmark = pytest.mark.service


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with services.service_lock(exclusive=False):
        c = Cluster(3, Path(tmp_path_factory.mktemp("cluster"))).start()
        try:
            yield c
        finally:
            c.close()
    assert "Traceback" not in c.logs()


@pytest.fixture
async def members(cluster: Cluster) -> AsyncIterator[list[Member]]:
    made: list[Member] = []
    yield made
    for m in made:
        await m.close()


async def enter(members: list[Member], url: str, pseudo: str, **kw: object) -> Member:
    m = Member(url)
    members.append(m)
    await m.enter(pseudo, **kw)  # type: ignore[arg-type]
    await m.connect()
    return m


async def test_room_messages_reach_every_node_gapless_and_in_order(cluster, members) -> None:
    urls = [n.url for n in cluster.nodes]
    room = "general"
    senders = [await enter(members, urls[i % 3], f"Ecrit_{i}") for i in range(6)]
    readers = [await enter(members, url, f"Lit_{i}") for i, url in enumerate(urls)]
    for m in senders + readers:
        await m.join(room)
    base = max(max(m.seen.get(room, [0])) for m in readers)  # history given on join

    async def burst(m: Member, n: int) -> list[int]:
        return [(await m.say(room, f"{m.pseudo} {i}"))["seq"] for i in range(n)]

    acks = await asyncio.gather(*(burst(m, 15) for m in senders))
    acked = sorted(s for a in acks for s in a)
    assert acked == list(range(base + 1, base + 91))  # gapless and unique across nodes
    for reader in readers:
        await reader.read_until(room, base + 90)
        live = [s for s in reader.seen[room] if s > base]
        assert live == list(range(base + 1, base + 91)), f"{reader.pseudo} got {live}"


async def test_pms_across_nodes_are_gapless_in_both_directions(cluster, members) -> None:
    a = await enter(members, cluster.nodes[0].url, "Anna_pm")
    b = await enter(members, cluster.nodes[1].url, "Basile_pm")
    first = await a.pm(b.pseudo, "bonjour")
    assert first["type"] == "ack" and first["seq"] == 1
    pm = first["pm"]

    async def talk(m: Member, n: int) -> list[int]:
        out = []
        for i in range(n):
            got = await m.request({"type": "pm", "pm": pm, "text": f"{m.pseudo} {i}",
                                   "client_id": f"{m.pseudo}-{i}"}, "ack")
            assert got["type"] == "ack", got
            out.append(got["seq"])
        return out

    acks = await asyncio.gather(talk(a, 20), talk(b, 20))
    assert sorted(acks[0] + acks[1]) == list(range(2, 42))
    for m in (a, b):
        await m.read_until(f"pm:{pm}", 41)
        assert m.seen[f"pm:{pm}"] == list(range(1, 42))


async def test_presence_is_the_same_on_every_node_and_nobody_twice(cluster, members) -> None:
    watchers = [await enter(members, n.url, f"Voit_{i}") for i, n in enumerate(cluster.nodes)]
    for w in watchers:
        await w.request({"type": "presence"}, "presence")
    newcomer = await enter(members, cluster.nodes[2].url, "Nouvelle_1", gender="woman")
    for w in watchers:
        diff = await w.recv("presence_diff", timeout=10)
        assert [p["pseudo"] for p in diff["added"]] == ["Nouvelle_1"]
    # The newcomer moves to another node: nobody sees her leave or come twice.
    await newcomer.move_to(cluster.nodes[0].url)
    for w in watchers:
        await w.nothing("presence_diff", wait=1.0)
        full = await w.request({"type": "presence"}, "presence")
        pseudos = [p["pseudo"] for p in full["people"]]
        assert pseudos.count("Nouvelle_1") == 1 and len(pseudos) == len(set(pseudos))
    # She leaves: gone everywhere.
    async with newcomer.http.delete(f"{newcomer.base_url}/api/session",
                                    headers={"Authorization": f"Bearer {newcomer.token}"}) as resp:
        assert resp.status == 204
    for w in watchers:
        diff = await w.recv("presence_diff", timeout=10)
        assert diff["removed"] == ["Nouvelle_1"]


async def test_a_session_moves_between_nodes_and_resumes_without_gap(cluster, members) -> None:
    room = "general"
    writer = await enter(members, cluster.nodes[0].url, "Plume_1")
    mover = await enter(members, cluster.nodes[1].url, "Nomade_1")
    for m in (writer, mover):
        await m.join(room)
    first = (await writer.say(room, "un"))["seq"]
    await mover.read_until(room, first)
    old_ws = mover.ws
    mover.ws = None
    moved = Member(cluster.nodes[2].url)
    members.append(moved)
    moved.token, moved.session = mover.token, mover.session
    moved.last_seq = dict(mover.last_seq)
    # Messages written while the mover switches node.
    seqs = [(await writer.say(room, f"m{i}"))["seq"] for i in range(5)]
    await moved.connect(resume={"rooms": dict(moved.last_seq)})
    await moved.read_until(room, seqs[-1])
    assert moved.seen[room] == list(range(first + 1, seqs[-1] + 1))
    # The old connection is told it was replaced and closed.
    assert old_ws is not None
    got = await old_ws.receive(timeout=10)
    while got.type.name == "TEXT" and '"session_ended"' not in got.data:
        got = await old_ws.receive(timeout=10)
    assert '"replaced"' in got.data
    await old_ws.close()
    # Live again on the new node.
    nxt = (await writer.say(room, "après"))["seq"]
    await moved.read_until(room, nxt)
    assert moved.seen[room][-1] == nxt


async def test_a_pseudonym_is_unique_across_nodes(cluster, members) -> None:
    await enter(members, cluster.nodes[0].url, "Unique_1")
    other = Member(cluster.nodes[1].url)
    members.append(other)
    with pytest.raises(EntryRefused) as refused:
        await other.enter("unique_1")
    assert refused.value.code == "pseudo_taken"


def test_ready_reports_database_and_bus_on_every_node(cluster) -> None:
    import json
    import urllib.request

    for node in cluster.nodes:
        with urllib.request.urlopen(f"{node.url}/api/ready", timeout=5) as resp:
            body = json.loads(resp.read())
        assert body["checks"] == {"database": "ok", "bus": "ok"}
