"""The safety policy on a real two-node cluster with limits on: N nodes do not give N times a limit.

Rate limits and duplicate-blast records live in Redis (policy/shared.py), so a client that spreads
its requests over the nodes (no sticky sessions) meets one limit, not one per node. Every client
here comes from 127.0.0.1, so the tests stay well under the per-network limits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cluster_helpers import SECRET, Cluster, Member

import services
from moderation_helpers import PASSWORD, Console
from policy_helpers import post_session

pytestmark = pytest.mark.service


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with services.service_lock(exclusive=False):
        c = Cluster(2, Path(tmp_path_factory.mktemp("cluster")), CAUSERIE_LIMITS="on").start()
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


async def enter(members: list[Member], url: str, pseudo: str) -> Member:
    m = Member(url)
    members.append(m)
    await m.enter(pseudo)
    await m.connect()
    return m


async def test_entries_of_one_device_share_one_limit_across_nodes(cluster, members) -> None:
    """Per device: burst 10, then 1 a minute. Ten entries alternating between the nodes pass; the
    eleventh is refused on both nodes (per-node limits would let 20 through)."""
    urls = [n.url for n in cluster.nodes]
    client = Member(urls[0])
    members.append(client)
    for i in range(10):
        client.base_url = urls[i % 2]
        status, body, _ = await post_session(client, f"Appareil_{i}", 30, device="un-seul-appareil", ip="10.0.0.1")
        assert status == 201, (i, body)
    for url in urls:
        client.base_url = url
        status, body, headers = await post_session(client, "Appareil_x", 30, device="un-seul-appareil",
                                                   ip="10.0.0.1")
        assert status == 429 and body["error"]["code"] == "rate_limited", body
        assert 50 <= int(headers["Retry-After"]) <= 60
    # Another device is not affected.
    client.base_url = urls[1]
    status, body, _ = await post_session(client, "Autre_appareil", 30, device="un-autre-appareil", ip="10.0.0.1")
    assert status == 201, body


async def test_a_session_moving_between_nodes_keeps_its_message_limit(cluster, members) -> None:
    """Messages: burst 8, then one every 2 s per session. Sent until refused on one node, then on the
    other: together no more than the one bucket allows over the time it took."""
    a, b = cluster.nodes
    me = await enter(members, a.url, "Bavard_1")
    await me.join("musique")
    started = time.monotonic()
    counts = []
    for node in (a, b):
        if node is b:
            await me.move_to(b.url)
        sent = 0
        while True:
            got = await me.request({"type": "send", "room": "musique", "text": f"message {sent} sur {node.index}",
                                    "client_id": f"n{node.index}-{sent}"}, "ack")
            if got["type"] == "error":
                assert got["code"] == "rate_limited" and 1 <= got["retry_after"] <= 2, got
                break
            sent += 1
            assert sent <= 20, "never limited"
        counts.append(sent)
    elapsed = time.monotonic() - started
    # One bucket: 8 at once plus one per 2 s elapsed (plus one for the rounding of that edge).
    assert sum(counts) <= 8 + elapsed / 2 + 1, (counts, elapsed)
    assert counts[0] >= 8


async def test_a_blast_through_both_nodes_trips_one_threshold(cluster, members) -> None:
    """The same text to more than 5 targets within 10 minutes is held, however many nodes it went
    through: 3 rooms from one node, then 2 more and a sixth from the other."""
    a, b = cluster.nodes
    rooms = ["sport", "cinema-series", "bretagne", "corse", "normandie", "occitanie"]
    spammer = await enter(members, a.url, "Crieur_1")
    reader = await enter(members, b.url, "Ecoute_1")
    await reader.join(rooms[5])
    for room in rooms:
        await spammer.join(room)
    text = "Soirée jeux de société samedi soir au bar, venez nombreux !"
    for i, room in enumerate(rooms[:3]):
        assert (await spammer.say(room, f"{text} {i}"))["type"] == "ack"
    await spammer.move_to(b.url)
    for i, room in enumerate(rooms[3:5]):
        assert (await spammer.say(room, f"{text.upper()} {i}"))["type"] == "ack"
    got = await spammer.request({"type": "send", "room": rooms[5], "text": text, "client_id": "blast-6"}, "ack")
    assert got["type"] == "error" and got["code"] == "message_held" and got["category"] == "spam", got
    await reader.nothing("message", room=rooms[5], wait=1.0)
    # Back on the first node, every further copy still waits for review.
    await spammer.move_to(a.url)
    got = await spammer.request({"type": "send", "room": rooms[0], "text": text, "client_id": "blast-7"}, "ack")
    assert got["code"] == "message_held", got


def add_moderator(cluster: Cluster, name: str) -> str:
    """A moderator account in the cluster's database, made by the real CLI; returns the TOTP secret."""
    node = cluster.nodes[0]
    out = subprocess.run([sys.executable, "-m", "causerie", "moderators", "add", name, "--role", "moderator",
                          "--password-stdin", "--db", node.db_url], input=f"{PASSWORD}\n".encode(),
                         capture_output=True, timeout=120, env={**os.environ, "CAUSERIE_SECRET": SECRET}, check=True)
    [secret] = [line.split(": ", 1)[1] for line in out.stdout.decode().splitlines() if line.startswith("TOTP secret")]
    return secret


async def _report_and_claim(console: Console, reporter: Member, target: Member, room: str, seq: int) -> int:
    async with reporter.http.post(f"{reporter.base_url}/api/reports", json={"category": "threat", "room": room,
                                                                             "seq": seq},
                                  headers={"Authorization": f"Bearer {reporter.token}"}) as resp:
        assert resp.status == 201, await resp.text()
    status, listed = await console.call("GET", "/api/mod/cases")
    assert status == 200, listed
    [case] = [c for c in listed["cases"] if c["target"] == target.session["id"] and c["status"] == "open"
              and not c["claimed_by"]]
    status, body = await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
    assert status == 200, body
    return int(case["id"])


async def test_a_kick_and_a_ban_decided_on_one_node_apply_on_the_node_holding_the_session(cluster, members) -> None:
    """The moderator works on node 0; the person is held by node 1. The kick takes them out of the
    room there; the ban ends their session there and refuses their return there (device ban)."""
    a, b = cluster.nodes
    console = Console(a.url, "modo_cluster", add_moderator(cluster, "modo_cluster"))
    try:
        await console.login()
        reporter = await enter(members, a.url, "Temoin_1")
        target = Member(b.url)
        members.append(target)
        status, data, _ = await post_session(target, "Menace_1", 30, device="appareil-banni", ip="10.0.0.2")
        assert status == 201, data
        target.token, target.session = data["token"], data["session"]
        await target.connect()
        for m in (reporter, target):
            await m.join("amities")
            await m.join("jeux-video")
        first = (await target.say("amities", "bonsoir, me revoilà"))["seq"]
        case = await _report_and_claim(console, reporter, target, "amities", first)
        status, out = await console.call("POST", f"/api/mod/cases/{case}/actions",
                                         {"action": "kick", "room": "amities", "reason": "menaces"})
        assert status == 200, out
        assert (await target.recv("statement", timeout=15))["action"] == "kick"
        assert (await target.recv("left", timeout=15))["room"] == "amities"
        got = await target.request({"type": "send", "room": "amities", "text": "encore", "client_id": "k1"}, "ack")
        assert got["type"] == "error" and got["code"] == "not_joined", got
        # The ban: the session held by node 1 ends, and neither the session nor the device comes back there.
        second = (await target.say("jeux-video", "encore moi ce soir"))["seq"]
        case = await _report_and_claim(console, reporter, target, "jeux-video", second)
        status, out = await console.call("POST", f"/api/mod/cases/{case}/actions",
                                         {"action": "ban", "scope": "device", "reason": "menaces répétées"})
        assert status == 200, out
        assert (await target.recv("statement", timeout=15, action="ban"))["category"] == "threat"
        assert (await target.recv("session_ended", timeout=15))["reason"] == "banned"
        status, data, _ = await post_session(target, "Menace_2", 30, device="appareil-banni", ip="10.0.0.2")
        assert status == 403 and data["error"]["code"] == "banned", data
        target.ws = await target.http.ws_connect(b.url.replace("http", "ws", 1) + "/ws")
        got = await target.request({"type": "hello", "token": target.token}, "welcome")
        assert got["type"] == "error" and got["code"] == "token_invalid", got  # the old session stays ended
        status, data, _ = await post_session(target, "Menace_3", 30, device="appareil-banni", ip="10.0.0.2")
        assert status == 403 and data["error"]["code"] == "banned", data
        # Other people and devices are not affected, on either node.
        assert (await reporter.say("amities", "merci"))["type"] == "ack"
    finally:
        await console.close()
