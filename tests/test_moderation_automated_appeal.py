"""A message blocked by screening is an automated decision: its sender gets a statement of reasons
(`automated`) with an appeal token, and the appeal is decided by a human moderator — never by automation
alone. End to end over WebSocket and HTTP."""

from __future__ import annotations

from moderation_helpers import add_console


async def test_the_sender_appeals_an_automated_block_and_a_moderator_decides(server, new_client, http) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    for c in (a, b):
        await c.join("general")
    text = "je vends de la coke, 60 le gramme"
    await a.send({"type": "send", "room": "general", "text": text, "client_id": "d1"})
    err = await a.recv("error")
    assert err["code"] == "message_blocked" and err["category"] == "drugs" and err["ref"] == "d1"
    statement = await a.recv("statement")
    assert statement["action"] == "block" and statement["automated"] is True
    assert statement["category"] == "drugs" and statement["room"] == "general"
    assert statement["ground"]["fr"] and statement["message"]["en"].startswith("Your message was not sent.")
    assert statement["appeal_token"] and statement["appeal_until"] and statement["receipt"]
    await b.nothing("message", room="general")
    entries = [e for e in await server.core.audit.entries() if e.action == "automated_block"]
    assert len(entries) == 1 and entries[0].actor == "screening"
    # the sender contests it, over HTTP with the token of the statement
    async with http.post(f"{server.url}/api/appeals", json={"token": statement["appeal_token"],
                                                             "text": "je parlais de Coca-Cola"}) as resp:
        assert resp.status == 201
    async with http.get(f"{server.url}/api/appeals/{statement['appeal_token']}") as resp:
        assert (await resp.json())["status"] == "pending"
    # a human moderator sees the appeal with the automated decision and the message it stopped
    console = await add_console(server, "modo1", "moderator")
    [appeal] = [c for c in (await console.call("GET", "/api/mod/cases"))[1]["cases"] if c["kind"] == "appeal"]
    assert appeal["pseudo"] == "Alice_1" and appeal["category"] == "drugs"
    assert (await console.call("POST", f"/api/mod/cases/{appeal['id']}/claim"))[0] == 200
    _, view = await console.call("GET", f"/api/mod/cases/{appeal['id']}")
    items = {i["kind"]: i for i in view["items"]}
    assert items["appeal"]["text"] == "je parlais de Coca-Cola"
    assert items["appeal"]["decision"]["automated"] is True and items["appeal"]["decision"]["action"] == "block"
    assert items["screened"]["text"] == text and items["screened"]["action"] == "block"
    status, out = await console.call("POST", f"/api/mod/cases/{appeal['id']}/actions",
                                     {"action": "reverse", "reason": "c'était une blague sur le soda"})
    assert status == 200 and out["outcome"] == "reversed"
    outcome = await a.recv("statement", action="appeal_reversed")
    assert outcome["automated"] is False and "soda" in outcome["message"]["fr"]
    async with http.get(f"{server.url}/api/appeals/{statement['appeal_token']}") as resp:
        assert (await resp.json())["status"] == "reversed"
    decided = [e for e in await server.core.audit.entries(target=f"decision:{statement['decision']}")]
    assert [e.action for e in decided] == ["automated_block", "appeal", "appeal_reversed"]
    assert decided[-1].actor.startswith("mod:")
    await console.close()
