"""Disconnect and resume: exactly the missed messages, no gap, no duplicate; beyond the cap, paging; live
messages racing the resume's database read; a node loading who is online while people come."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

import services
from causerie.app import Causerie
from causerie.config import Settings
from causerie.policy.config import PolicySettings
from causerie.web.server import create_app
from chat_client import ChatClient, start_server


async def test_resume_gets_exactly_what_was_missed(new_client) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    await a.join("general")
    await b.join("general")
    for i in range(5):
        await a.say("general", f"avant {i}")
    for _ in range(5):
        await b.recv("message", room="general")
    pm = await a.pm("Bruno_1", "pm avant")
    await b.recv("pm_message")
    assert b.last_seq == {"general": 5} and b.last_pm_seq == {str(pm["pm"]): 1}

    await b.drop()
    for i in range(7):
        await a.say("general", f"pendant {i}")
    await a.pm("Bruno_1", "pm pendant 1")
    await a.pm("Bruno_1", "pm pendant 2")

    await b.connect(resume={"rooms": dict(b.last_seq), "pms": dict(b.last_pm_seq)})
    missed = [await b.recv("message", room="general") for _ in range(7)]
    assert [m["seq"] for m in missed] == list(range(6, 13))
    assert [m["text"] for m in missed] == [f"pendant {i}" for i in range(7)]
    pms = [await b.recv("pm_message") for _ in range(2)]
    assert [m["seq"] for m in pms] == [2, 3]
    await b.nothing("message", room="general")
    await b.nothing("pm_message")
    # Live again: the next message follows without a gap.
    await a.say("general", "après")
    assert (await b.recv("message", room="general"))["seq"] == 13


async def test_resume_beyond_the_cap_says_so_and_pages_back(settings) -> None:
    srv, runner = await start_server(settings.with_(resume_cap=10))
    a, b = ChatClient(srv.url), ChatClient(srv.url)
    try:
        for c, name in ((a, "Alice_1"), (b, "Bruno_1")):
            await c.enter(name)
            await c.connect()
            await c.join("general")
        await b.drop()
        for i in range(25):
            await a.say("general", f"m{i}")
        await b.connect(resume={"rooms": {"general": 0}})
        truncated = await b.recv("truncated")
        assert truncated == {"type": "truncated", "room": "general", "pm": None, "before": 16}
        got = [(await b.recv("message", room="general"))["seq"] for _ in range(10)]
        assert got == list(range(16, 26))
        _, page = await b.get(f"/api/rooms/general/history?before={truncated['before']}&limit=100")
        assert [m["seq"] for m in page["messages"]] == list(range(1, 16))
    finally:
        await a.close()
        await b.close()
        await runner.cleanup()


async def test_resume_ignores_rooms_not_joined_and_foreign_conversations(new_client) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    c = await new_client("Chloe_1")
    await a.join("sport")
    await a.say("sport", "privé au salon")
    ack = await a.pm("Bruno_1", "rien pour Chloé")
    await c.drop()
    await c.connect(resume={"rooms": {"sport": 0, "nowhere": 0}, "pms": {str(ack["pm"]): 0, "x": 1}})
    await c.nothing("message")
    await c.nothing("pm_message")
    await b.nothing("error")


async def test_a_new_connection_replaces_the_old_one(new_client, server) -> None:
    a = await new_client("Alice_1")
    old_ws = a.ws
    second = ChatClient(server.url)
    second.token = a.token
    try:
        await second.connect()
        ended = await a.recv("session_ended")
        assert ended["reason"] == "replaced"
        assert old_ws is not None
    finally:
        await second.close()


async def _until(predicate, what: str, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def test_messages_arriving_during_a_resume_come_after_the_backlog_once(server, new_client) -> None:
    """A message stored just before the resume's database read (its live event arrives while the
    backlog is being read) and one stored just after it: the client gets the welcome, then the backlog
    including the first, then the second; each once, in order."""
    core = server.core
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    await a.join("general")
    await b.join("general")
    for i in range(3):
        await a.say("general", f"avant {i}")
    for _ in range(3):
        await b.recv("message", room="general")
    await b.drop()
    await a.say("general", "pendant")  # seq 4: missed, plainly in the backlog

    def held(seq: int) -> bool:
        session = core.hub.local.get(b.session["id"])
        conn = session.conn if session is not None else None
        return any(key == "room:general" and s == seq for key, s, _ in getattr(conn, "held", None) or ())

    real_after = core.messages.after
    raced: list[int] = []

    async def after_with_traffic(room_id: str, after: int, cap: int):  # type: ignore[no-untyped-def]
        if room_id == "general" and not raced:
            raced.append((await a.say("general", "juste avant la lecture"))["seq"])  # 5: in the backlog too
            await _until(lambda: held(raced[0]), "the live copy of 5 reaching the resuming connection")
            found = await real_after(room_id, after, cap)
            raced.append((await a.say("general", "juste après la lecture"))["seq"])  # 6: only live
            await _until(lambda: held(raced[1]), "the live copy of 6 reaching the resuming connection")
            return found
        return await real_after(room_id, after, cap)

    core.messages.after = after_with_traffic  # type: ignore[method-assign]
    try:
        b.ws = await b.http.ws_connect(b.base_url.replace("http", "ws", 1) + "/ws")
        await b.send({"type": "hello", "token": b.token, "resume": {"rooms": {"general": 3}}})
        frames = [await b._read_one(10) for _ in range(4)]
    finally:
        core.messages.after = real_after  # type: ignore[method-assign]
    assert raced == [5, 6]
    assert frames[0]["type"] == "welcome"
    assert [(f["type"], f["seq"]) for f in frames[1:]] == [("message", 4), ("message", 5), ("message", 6)]
    await b.nothing("message", room="general", wait=1.0)
    assert (await a.say("general", "ensuite"))["seq"] == 7
    assert (await b.recv("message", room="general"))["seq"] == 7


@pytest.mark.service
async def test_a_node_starting_misses_no_presence_change_made_while_it_loads(tmp_path) -> None:
    """Two nodes on PostgreSQL and Redis. Someone enters on the first just after the starting node read
    who is online, before it would have subscribed: it learns of them from the event, held until its
    load is done."""
    services.require_services()
    with services.service_lock(exclusive=False):
        name, prefix = services.create_database(), services.redis_prefix()
        settings = Settings(host="127.0.0.1", port=0, db_url=services.pg_url(name),
                            broker_url=f"{services.REDIS_URL}?prefix={prefix}",
                            policy=PolicySettings(limits=False, network_age_rule=False))
        try:
            await _second_node_starts(settings)
        finally:
            services.drop_database(name)
            services.drop_redis_prefix(prefix)


async def _second_node_starts(settings: Settings) -> None:
    first, first_runner = await start_server(settings)
    core = Causerie(settings)
    real_live = core.sessions.live
    newcomer = ChatClient(first.url)

    async def live_then_entry():  # type: ignore[no-untyped-def]
        found = await real_live()
        await newcomer.enter("Tardif_1")  # committed and published after the read
        return found

    core.sessions.live = live_then_entry  # type: ignore[method-assign]
    runner = web.AppRunner(create_app(core), access_log=None)
    try:
        await runner.setup()
        await _until(lambda: newcomer.session.get("id") in core.directory.people, "the newcomer in the directory")
        assert core.directory.people[newcomer.session["id"]].pseudo == "Tardif_1"
    finally:
        await newcomer.close()
        await runner.cleanup()
        await first_runner.cleanup()
