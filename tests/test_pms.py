"""Private messages: one conversation per pair, typing, read markers, unread counts, privacy."""

from __future__ import annotations


async def test_pm_conversation_between_two_people(new_client) -> None:
    a = await new_client("Alice_1", gender="woman", postal_code="75011")
    b = await new_client("Bruno_1", postal_code="92100")
    ack = await a.pm("Bruno_1", "salut !")
    assert ack["type"] == "ack" and ack["seq"] == 1
    opened = await b.recv("pm_opened")
    conv = opened["pm"]
    assert conv["peer"]["pseudo"] == "Alice_1" and conv["peer"]["age"] == 25
    assert conv["peer"]["distance"] == "10-50"
    assert "postal_code" not in conv["peer"]
    got = await b.recv("pm_message")
    assert got["from"] == "Alice_1" and got["to"] == "Bruno_1" and got["text"] == "salut !" and got["seq"] == 1
    assert (await a.recv("pm_opened"))["pm"]["id"] == conv["id"]
    # Replying by conversation id or by pseudonym uses the same conversation and sequence.
    reply = await b.request({"type": "pm", "pm": conv["id"], "text": "hello", "client_id": "r1"}, "ack")
    assert reply["pm"] == conv["id"] and reply["seq"] == 2
    again = await a.pm("Bruno_1", "ça va ?")
    assert again["pm"] == conv["id"] and again["seq"] == 3
    await b.nothing("pm_opened")


async def test_typing_and_read_markers_and_unread_counts(new_client) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    for i in range(3):
        ack = await a.pm("Bruno_1", f"m{i}")
    pm = ack["pm"]
    await b.send({"type": "typing", "pm": pm})
    assert (await a.recv("typing")) == {"type": "typing", "pm": pm, "from": "Bruno_1"}
    await b.drop()
    welcome = await b.connect()
    [conv] = welcome["pms"]
    assert conv["unread"] == 3 and conv["last_seq"] == 3 and conv["read_seq"] == 0
    await b.send({"type": "read", "pm": pm, "seq": 2})
    assert (await a.recv("read")) == {"type": "read", "pm": pm, "seq": 2, "by": "Bruno_1"}
    await b.drop()
    [conv] = (await b.connect())["pms"]
    assert conv["unread"] == 1
    # The sender has read its own messages.
    await a.drop()
    [mine] = (await a.connect())["pms"]
    assert mine["unread"] == 0


async def test_pm_errors(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    assert await a.error({"type": "pm", "to": "Nobody_here", "text": "hé", "client_id": "1"}) == "user_unknown"
    assert await a.error({"type": "pm", "to": "Alice_1", "text": "hé", "client_id": "2"}) == "pm_self"
    assert await a.error({"type": "pm", "pm": 999, "text": "hé", "client_id": "3"}) == "pm_unknown"
    assert await a.error({"type": "pm", "text": "hé", "client_id": "4"}) == "bad_frame"
    assert await a.error({"type": "typing", "pm": 999}) == "pm_unknown"
    assert await a.error({"type": "read", "pm": 999, "seq": 1}) == "pm_unknown"


async def test_pm_policy_nobody_and_shared_room(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    got = await b.request({"type": "settings", "pm_policy": "nobody"}, "settings")
    assert got == {"type": "settings", "pm_policy": "nobody"}
    assert await a.error({"type": "pm", "to": "Bruno_1", "text": "hé", "client_id": "1"}) == "pm_refused"
    await b.request({"type": "settings", "pm_policy": "shared_room"}, "settings")
    assert await a.error({"type": "pm", "to": "Bruno_1", "text": "hé", "client_id": "2"}) == "pm_refused"
    await a.join("cinema-series")
    await b.join("cinema-series")
    assert (await a.pm("Bruno_1", "on partage un salon"))["type"] == "ack"
    assert await b.error({"type": "settings", "pm_policy": "anyone"}) == "pm_policy_invalid"
    await b.nothing("pm_refused")


async def test_third_party_cannot_read_a_conversation(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    c = await new_client("Chloe_1")
    ack = await a.pm("Bruno_1", "secret")
    status, body = await c.get(f"/api/pms/{ack['pm']}/history")
    assert status == 404 and body["error"]["code"] == "pm_unknown"
    assert await c.error({"type": "pm", "pm": ack["pm"], "text": "je m'incruste", "client_id": "x"}) == "pm_unknown"
    status, body = await b.get(f"/api/pms/{ack['pm']}/history")
    assert status == 200 and [m["text"] for m in body["messages"]] == ["secret"]
    await c.nothing("pm_message")


async def test_retried_pm_is_stored_once(new_client) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    first = await a.pm("Bruno_1", "une fois", client_id="same")
    again = await a.pm("Bruno_1", "une fois", client_id="same")
    assert first["seq"] == again["seq"] == 1
    await b.recv("pm_message", seq=1)
    await b.nothing("pm_message")
