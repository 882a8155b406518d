"""Locking a room from the console: members are told, every send is refused with `room_locked`, the
lock survives a restart and applies on every node of a cluster; unlocking reopens the room."""

from __future__ import annotations

import asyncio

from causerie.config import Settings
from chat_client import ChatClient, start_server
from moderation_helpers import add_console


async def _room_case(server, reporter) -> int:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {reporter.token}"}
    async with reporter.http.post(f"{server.url}/api/reports", json={"category": "scam", "room": "general"},
                                  headers=headers) as resp:
        assert resp.status == 201
        return int((await resp.json())["id"])


async def _client(url: str, pseudo: str) -> ChatClient:
    c = ChatClient(url)
    await c.enter(pseudo)
    await c.connect()
    await c.join("general")
    return c


async def test_lock_refuses_sends_tells_members_and_survives_a_restart(settings: Settings) -> None:
    srv, runner = await start_server(settings)
    made: list[ChatClient] = []
    try:
        a, b = await _client(srv.url, "Alice_1"), await _client(srv.url, "Bruno_1")
        made += [a, b]
        await _room_case(srv, a)
        console = await add_console(srv, "modo1", "moderator")
        [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
        assert case["target_kind"] == "room"
        await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
        status, out = await console.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "lock_room"})
        assert status == 200 and out == {"room": "general", "locked": True, "changed": True}
        for c in (a, b):
            frame = await c.recv("room_lock")
            assert frame["room"] == "general" and frame["locked"] is True and frame["message"]["fr"]
        assert await b.error({"type": "send", "room": "general", "text": "allô ?", "client_id": "l1"}) == "room_locked"
        assert await a.error({"type": "send", "room": "general", "text": "moi ?", "client_id": "l2"}) == "room_locked"
        await b.pm("Alice_1", "un message privé passe toujours")  # the lock is about the room only
        status, rooms = await a.get("/api/rooms")
        assert [r["locked"] for r in rooms["rooms"] if r["id"] == "general"] == [True]
        # locking twice changes nothing and says so
        status, out = await console.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "lock_room"})
        assert status == 200 and out["changed"] is False
        await b.nothing("room_lock")
        # a room that does not exist
        status, data = await console.call("POST", f"/api/mod/cases/{case['id']}/actions",
                                          {"action": "lock_room", "room": "nowhere"})
        assert status == 404 and data["error"]["code"] == "room_unknown"
        actions = [(e.action, e.target) for e in await srv.core.audit.entries(target="room:general")]
        assert actions.count(("lock_room", "room:general")) == 2
        assert (await console.call("DELETE", f"/api/mod/cases/{case['id']}/claim"))[0] == 204
        await console.close()
    finally:
        for c in made:
            await c.close()
        await runner.cleanup()

    # a restart: the lock is read back from the database
    srv, runner = await start_server(settings)
    made = []
    try:
        c = await _client(srv.url, "Chloe_1")
        made.append(c)
        assert await c.error({"type": "send", "room": "general", "text": "re", "client_id": "l3"}) == "room_locked"
        console = await add_console(srv, "modo2", "moderator")
        [case] = [c for c in (await console.call("GET", "/api/mod/cases"))[1]["cases"] if c["target_kind"] == "room"]
        await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
        status, out = await console.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "unlock_room"})
        assert status == 200 and out == {"room": "general", "locked": False, "changed": True}
        frame = await c.recv("room_lock")
        assert frame["locked"] is False and frame["message"]["en"]
        assert (await c.say("general", "enfin"))["type"] == "ack"
        await console.close()
    finally:
        for c in made:
            await c.close()
        await runner.cleanup()


async def test_a_lock_applies_on_every_node(settings: Settings, backend: str) -> None:
    if backend != "postgres":
        return  # one node on SQLite: the other test covers it
    one, r1 = await start_server(settings)
    two, r2 = await start_server(settings)
    made: list[ChatClient] = []
    try:
        a, b = await _client(one.url, "Alice_1"), await _client(two.url, "Bruno_1")
        made += [a, b]
        await _room_case(one, a)
        console = await add_console(one, "modo1", "moderator")
        [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
        await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
        assert (await console.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "lock_room"}))[0] == 200
        assert (await b.recv("room_lock"))["locked"] is True  # a member held by the other node is told
        for _ in range(200):  # the other node applies the bus event within 10 s at most
            if "general" in two.core.moderation.locked:
                break
            await asyncio.sleep(0.05)
        assert await b.error({"type": "send", "room": "general", "text": "ici ?", "client_id": "n2"}) == "room_locked"
        await console.close()
    finally:
        for c in made:
            await c.close()
        await r2.cleanup()
        await r1.cleanup()
