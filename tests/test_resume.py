"""Disconnect and resume: exactly the missed messages, no gap, no duplicate; beyond the cap, paging."""

from __future__ import annotations

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
