"""Ignoring someone hides their messages and refuses their PMs."""

from __future__ import annotations


async def test_ignore_hides_messages_and_refuses_pms(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Relou_1")
    c = await new_client("Chloe_1", gender="woman")
    for x in (a, b, c):
        await x.join("general")
    got = await a.request({"type": "ignore", "pseudo": "Relou_1"}, "ignored")
    assert got == {"type": "ignored", "pseudos": ["Relou_1"]}
    await b.say("general", "quelqu'un est là ?")
    await c.recv("message", room="general", text="quelqu'un est là ?")
    await a.nothing("message", room="general")
    assert await b.error({"type": "pm", "to": "Alice_1", "text": "réponds", "client_id": "1"}) == "pm_refused"
    await a.nothing("pm_message")
    # History on the HTTP API hides them too.
    _, page = await a.get("/api/rooms/general/history")
    assert page["messages"] == []
    # Kept across a reconnect.
    await a.drop()
    assert (await a.connect())["ignored"] == ["Relou_1"]
    got = await a.request({"type": "unignore", "pseudo": "Relou_1"}, "ignored")
    assert got["pseudos"] == []
    await b.say("general", "de retour")
    assert (await a.recv("message", room="general"))["text"] == "de retour"


async def test_ignore_errors(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    assert await a.error({"type": "ignore", "pseudo": "Alice_1"}) == "ignore_self"
    assert await a.error({"type": "ignore", "pseudo": "Personne"}) == "user_unknown"
    assert await a.error({"type": "unignore", "pseudo": "Personne"}) == "user_unknown"
