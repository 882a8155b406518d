"""Moderators appear by their login name in the queue, the case, its decisions, its timeline and an
appeal's contested decision (not as "moderator no. N"); screening and the system have no name."""

from __future__ import annotations

from moderation_helpers import add_console


async def test_moderators_are_named_in_queue_decisions_timeline_and_appeals(server, new_client, http) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    for x in (a, b):
        await x.join("general")
    await b.say("general", "salut")
    headers = {"Authorization": f"Bearer {a.token}"}
    async with http.post(f"{server.url}/api/reports", json={"category": "harassment", "room": "general", "seq": 1},
                         headers=headers) as resp:
        assert resp.status == 201
    first = await add_console(server, "camille", "moderator")
    second = await add_console(server, "dominique", "moderator")
    [case] = (await first.call("GET", "/api/mod/cases"))[1]["cases"]
    assert case["claimed_by"] is None and case["claimed_by_name"] is None
    await first.call("POST", f"/api/mod/cases/{case['id']}/claim")
    [seen] = (await second.call("GET", "/api/mod/cases"))[1]["cases"]
    assert seen["claimed_by_name"] == "camille"
    _, view = await second.call("GET", f"/api/mod/cases/{case['id']}")
    assert view["case"]["claimed_by_name"] == "camille"
    status, _ = await first.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "warn"})
    assert status == 200
    _, view = await second.call("GET", f"/api/mod/cases/{case['id']}")
    [decision] = view["decisions"]
    assert decision["moderator_name"] == "camille"
    named = {(e["actor"].split(":")[0], e["action"], e["actor_name"]) for e in view["timeline"]}
    assert ("mod", "claim", "camille") in named and ("system", "case_item", None) in named
    # the appeal shows who took the contested decision
    token = (await b.recv("statement"))["appeal_token"]
    async with http.post(f"{server.url}/api/appeals", json={"token": token, "text": "ce n'était pas moi"}) as resp:
        assert resp.status == 201
    [appeal] = (await second.call("GET", "/api/mod/cases"))[1]["cases"]
    _, view = await second.call("GET", f"/api/mod/cases/{appeal['id']}")
    assert view["items"][0]["decision"]["moderator_name"] == "camille"
    for c in (first, second):
        await c.close()
