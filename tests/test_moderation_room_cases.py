"""Room cases: the room actions, and decisions against a person seen in the room's evidence (never
anyone else), audited like every decision; the case stays open until the moderator closes it."""

from __future__ import annotations

import msgspec

from causerie.moderation.audit import verify
from moderation_helpers import add_console, report


async def test_a_room_case_acts_on_people_seen_in_its_evidence_only(server, new_client) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    c = await new_client("Chloe_1", gender="woman")
    d = await new_client("Denis_1")  # in the room, but never writes: not in the evidence
    for x in (a, b, c, d):
        await x.join("general")
    # Delivered (screening lets it through), yet a user may still report it; the eighth screening engine
    # blocks the earlier "achetez mes crypto" as scam, so it would no longer reach the room's evidence.
    await b.say("general", "mon cousin vend des montres, ça intéresse quelqu'un ?")
    await c.say("general", "moi aussi, lien en privé")
    status, rep = await report(a, {"category": "scam", "room": "general"})
    assert status == 201
    console = await add_console(server, "modo1", "moderator")
    me = (await console.call("GET", "/api/mod/me"))[1]["id"]
    [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
    assert case["target_kind"] == "room" and case["target"] == "general"
    path = f"/api/mod/cases/{case['id']}"
    _, view = await console.call("GET", path)
    people = {p["pseudo"]: p for p in view["room_people"]}
    assert set(people) == {"Bruno_1", "Chloe_1"}
    assert people["Bruno_1"]["seen"] == ["evidence", "activity"] and people["Bruno_1"]["online"] is True
    bruno, chloe = people["Bruno_1"]["session"], people["Chloe_1"]["session"]

    await console.call("POST", f"{path}/claim")
    # nothing done yet: a room case is not closed as "action taken"
    status, data = await console.call("POST", f"{path}/actions", {"action": "close"})
    assert status == 422 and data["error"]["code"] == "action_invalid"
    # a person action needs someone seen in the evidence
    for session in (None, d.session["id"], "no-such-session"):
        status, data = await console.call("POST", f"{path}/actions", {"action": "warn", "session": session})
        assert status == 422 and data["error"]["code"] == "action_invalid", session
    await d.nothing("statement")

    # time out Chloé: statement, refused sends, audited with the case; the case stays open
    status, out = await console.call("POST", f"{path}/actions",
                                     {"action": "timeout", "duration_s": 600, "session": chloe, "reason": "spam"})
    assert status == 200 and out["closed"] is False and out["session"] == chloe
    statement = await c.recv("statement")
    assert statement["action"] == "timeout" and statement["category"] == "scam"
    assert await c.error({"type": "send", "room": "general", "text": "re", "client_id": "c1"}) == "timed_out"
    # kick Bruno from the room of the case (the default room)
    status, out = await console.call("POST", f"{path}/actions", {"action": "kick", "session": bruno})
    assert status == 200, out
    assert (await b.recv("statement"))["room"] == "general"
    assert (await b.recv("left"))["room"] == "general"
    _, view = await console.call("GET", path)
    assert view["case"]["status"] == "open"
    assert [(x["action"], x["moderator"]) for x in view["decisions"]] == [("timeout", me), ("kick", me)]
    await a.nothing("report_outcome")
    # a room action, then the moderator closes the case: the reporter learns action was taken
    status, out = await console.call("POST", f"{path}/actions", {"action": "slow_mode", "seconds": 30})
    assert status == 200 and out["room"] == "general"
    status, out = await console.call("POST", f"{path}/actions", {"action": "close", "reason": "fait"})
    assert status == 200 and out["closed"] is True
    outcome = await a.recv("report_outcome")
    assert outcome["report"] == rep["id"] and outcome["outcome"] == "action_taken"
    _, view = await console.call("GET", path)
    assert view["case"]["status"] == "closed" and view["case"]["outcome"] == "action_taken"

    audit = server.core.audit
    timeout = [e for e in await audit.entries(target=f"session:{chloe}") if e.action == "timeout"]
    assert len(timeout) == 1 and msgspec.json.decode(timeout[0].data)["case"] == case["id"]
    assert timeout[0].actor == f"mod:{me}"
    kick = [e for e in await audit.entries(target=f"session:{bruno}") if e.action == "kick"]
    assert len(kick) == 1 and msgspec.json.decode(kick[0].data)["room"] == "general"
    assert [e.action for e in await audit.entries(target=f"case:{case['id']}")][-1] == "close"
    assert (await verify(audit)).ok
    await console.close()


async def test_a_person_case_keeps_its_target(server, new_client) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    for x in (a, b):
        await x.join("general")
    await b.say("general", "salut")
    await report(a, {"category": "harassment", "room": "general", "seq": 1})
    console = await add_console(server, "modo1", "moderator")
    [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
    path = f"/api/mod/cases/{case['id']}"
    await console.call("POST", f"{path}/claim")
    # a person case acts on its own person only, and is not closed with `close`
    status, data = await console.call("POST", f"{path}/actions", {"action": "warn", "session": a.session["id"]})
    assert status == 422 and data["error"]["code"] == "action_invalid"
    status, data = await console.call("POST", f"{path}/actions", {"action": "close"})
    assert status == 422 and data["error"]["code"] == "action_invalid"
    await a.nothing("statement")
    status, out = await console.call("POST", f"{path}/actions", {"action": "warn", "session": b.session["id"]})
    assert status == 200 and out["action"] == "warn"
    assert (await b.recv("statement"))["action"] == "warn"
    await console.close()
