"""Rooms: seeded list with live counts, join and leave, private rooms by invitation, history."""

from __future__ import annotations


async def test_room_list_has_seeded_rooms_of_my_band_with_counts(new_client) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    await a.join("general")
    await b.join("general")
    status, data = await a.get("/api/rooms")
    assert status == 200
    rooms = {r["id"]: r for r in data["rooms"]}
    assert rooms["general"]["members"] == 2
    assert rooms["general"]["name"] == {"fr": "Général", "en": "General"}
    assert {r["kind"] for r in rooms.values()} >= {"general", "theme", "region"}
    assert all(r["band"] == "adult" for r in rooms.values())
    assert "ile-de-france" in rooms


async def test_member_count_changes_are_pushed(new_client) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    await a.join("general")
    await a.recv("members", room="general", count=1)
    await b.join("general")
    got = await a.recv("members", room="general", count=2)
    assert got["count"] == 2
    await b.send({"type": "leave", "room": "general"})
    await b.recv("left")
    await a.recv("members", room="general", count=1)


async def test_join_gives_the_last_50_messages(new_client) -> None:
    a = await new_client("Alice_1")
    await a.join("musique")
    for i in range(55):
        await a.say("musique", f"message {i}")
    b = await new_client("Bruno_1")
    joined = await b.join("musique")
    seqs = [m["seq"] for m in joined["history"]]
    assert seqs == list(range(6, 56))
    assert joined["history"][-1]["text"] == "message 54"
    assert joined["room"]["members"] == 2


async def test_join_twice_and_leave_unjoined_are_refused(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    await a.join("general")
    assert await a.error({"type": "join", "room": "general"}) == "already_joined"
    assert await a.error({"type": "leave", "room": "sport"}) == "not_joined"
    assert await a.error({"type": "join", "room": "nowhere"}) == "room_unknown"
    await a.say("general", "still works")


async def test_private_room_by_invitation(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    c = await new_client("Chloe_1")
    created = await a.request({"type": "create_room", "name": "Les copains", "client_id": "r1"}, "room_created")
    room = created["room"]
    assert created["client_id"] == "r1" and room["kind"] == "private"
    assert await b.error({"type": "join", "room": room["id"]}) == "room_private"
    assert await a.error({"type": "invite", "room": room["id"], "pseudo": "Bruno_1"}) == "not_joined"
    await a.join(room["id"])
    invited = await a.request({"type": "invite", "room": room["id"], "pseudo": "Bruno_1"}, "invited")
    assert invited == {"type": "invited", "room": room["id"], "pseudo": "Bruno_1"}
    invitation = await b.recv("invitation")
    assert invitation["by"] == "Alice_1" and invitation["room"]["id"] == room["id"]
    await b.join(room["id"])
    await a.say(room["id"], "bienvenue")
    assert (await b.recv("message", room=room["id"]))["text"] == "bienvenue"
    # Not invited: neither listed nor joinable.
    _, listing = await c.get("/api/rooms")
    assert room["id"] not in {r["id"] for r in listing["rooms"]}
    status, body = await c.get(f"/api/rooms/{room['id']}/history")
    assert status == 403 and body["error"]["code"] == "room_private"
    _, listing = await b.get("/api/rooms")
    assert room["id"] in {r["id"] for r in listing["rooms"]}


async def test_room_name_is_checked(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    assert await a.error({"type": "create_room", "name": "ab"}) == "room_name_invalid"
    assert await a.error({"type": "create_room", "name": "x" * 41}) == "room_name_invalid"


async def test_history_endpoint_pages_back_with_before(new_client) -> None:
    a = await new_client("Alice_1")
    await a.join("sport")
    for i in range(120):
        await a.say("sport", f"m{i}")
    status, page = await a.get("/api/rooms/sport/history")
    assert status == 200
    assert [m["seq"] for m in page["messages"]] == list(range(71, 121))
    assert page["before"] == 71
    seen = [m["seq"] for m in page["messages"]]
    while page["before"] is not None:
        _, page = await a.get(f"/api/rooms/sport/history?before={page['before']}&limit=100")
        seen = [m["seq"] for m in page["messages"]] + seen
    assert seen == list(range(1, 121))
    status, body = await a.get("/api/rooms/sport/history?before=abc")
    assert status == 422 and body["error"]["code"] == "history_cursor_invalid"
    status, body = await a.get("/api/rooms/nowhere/history")
    assert status == 404 and body["error"]["code"] == "room_unknown"


async def test_http_api_needs_a_session(server, http) -> None:
    async with http.get(f"{server.url}/api/rooms") as resp:
        assert resp.status == 401
        assert (await resp.json())["error"]["code"] == "not_authenticated"
    async with http.get(f"{server.url}/api/rooms", headers={"Authorization": "Bearer nope"}) as resp:
        assert resp.status == 401
        assert (await resp.json())["error"]["code"] == "token_invalid"
    async with http.get(f"{server.url}/api/nothing-here") as resp:
        assert resp.status == 404
        assert (await resp.json())["error"]["code"] == "not_found"
    async with http.put(f"{server.url}/api/rooms") as resp:
        assert resp.status == 405
        body = await resp.json()
        assert body["error"]["code"] == "method_not_allowed" and body["error"]["message"]["fr"]
