"""Search of closed cases: by target pseudonym (or room), category and closing date, filtered by role
like the queue (a `sexual_minor` case only for child safety; the legal officer has none)."""

from __future__ import annotations

from moderation_helpers import add_console, report


async def _report(client, body: dict) -> None:  # type: ignore[no-untyped-def]
    status, data = await report(client, body)
    assert status == 201, data


async def _decide(console, target: str, action: dict) -> int:  # type: ignore[no-untyped-def]
    [case] = [c for c in (await console.call("GET", "/api/mod/cases"))[1]["cases"]
              if (c.get("pseudo") or c["target"]) == target]
    await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
    status, out = await console.call("POST", f"/api/mod/cases/{case['id']}/actions", action)
    assert status == 200, out
    return int(case["id"])


async def _search(console, **params: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return await console.call("GET", f"/api/mod/closed-cases?{query}")


async def test_closed_cases_are_searched_by_target_category_and_date_within_the_roles(server, new_client) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    c = await new_client("Chloe_1", gender="woman")
    d = await new_client("Denis_1")
    for x in (a, b, c, d):
        await x.join("general")
    await _report(a, {"category": "harassment", "pseudo": "Bruno_1"})
    await _report(a, {"category": "sexual_minor", "pseudo": "Chloe_1"})
    await _report(b, {"category": "scam", "room": "general"})
    await _report(a, {"category": "scam", "pseudo": "Denis_1"})  # stays open
    mod = await add_console(server, "modo1", "moderator")
    child = await add_console(server, "camille", "child_safety")
    admin = await add_console(server, "admin1", "admin")
    legal = await add_console(server, "legal1", "legal")
    before = server.core.clock.now_ms()
    bruno_case = await _decide(mod, "Bruno_1", {"action": "warn"})
    room_case = await _decide(mod, "general", {"action": "dismiss"})
    chloe_case = await _decide(child, "Chloe_1", {"action": "dismiss"})

    status, found = await _search(mod)
    assert status == 200
    assert {x["id"] for x in found["cases"]} == {bruno_case, room_case}  # not the child-safety one, not the open one
    assert found["more"] is False
    [bruno] = (await _search(mod, target="bruno_1"))[1]["cases"]  # any case of letters
    assert bruno["id"] == bruno_case and bruno["pseudo"] == "Bruno_1" and bruno["outcome"] == "warn"
    assert bruno["claimed_by_name"] == "modo1" and bruno["closed_at"] >= before
    assert [x["id"] for x in (await _search(mod, target="general"))[1]["cases"]] == [room_case]
    assert [x["id"] for x in (await _search(mod, category="harassment"))[1]["cases"]] == [bruno_case]
    assert (await _search(mod, target="Chloe_1"))[1]["cases"] == []  # hidden from a plain moderator
    # dates bound the closing time (`to` excluded)
    closed = bruno["closed_at"]
    assert bruno_case in [x["id"] for x in (await _search(mod, **{"from": str(closed)}))[1]["cases"]]
    assert bruno_case not in [x["id"] for x in (await _search(mod, to=str(closed)))[1]["cases"]]
    assert (await _search(mod, **{"from": str(server.core.clock.now_ms() + 60_000)}))[1]["cases"] == []
    # the roles filter it like the queue
    assert [x["id"] for x in (await _search(child, target="Chloe_1"))[1]["cases"]] == [chloe_case]
    assert chloe_case not in [x["id"] for x in (await _search(admin))[1]["cases"]]
    status, found = await _search(legal)
    assert status == 200 and found["cases"] == [] and found["queues"] == []
    # bad searches get a stable code
    for params in ({"category": "nonsense"}, {"from": "hier"}, {"from": "10", "to": "5"}, {"target": "x" * 65}):
        status, data = await _search(mod, **params)
        assert status == 422 and data["error"]["code"] == "search_invalid", params
        assert data["error"]["message"]["fr"] and data["error"]["message"]["en"]
    for x in (mod, child, admin, legal):
        await x.close()
