"""The evidence bundle screen's API: frozen evidence with the digest recomputed by the server (verified or
not), people and session times, the chain of custody; `sexual_minor` evidence only for child safety."""

from __future__ import annotations

from sqlalchemy import update

from causerie.storage.tables import reports
from moderation_helpers import add_console, report


async def test_bundle_recomputes_the_digest_and_stays_with_child_safety(server, new_client) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    for x in (a, b):
        await x.join("general")
    for i in range(1, 6):
        await (b if i == 3 else a).say("general", f"message {i}")
    status, rep = await report(a, {"category": "sexual_minor", "room": "general", "seq": 3, "text": "il insiste"})
    assert status == 201
    plain = await add_console(server, "modo1", "moderator", "admin")
    child = await add_console(server, "camille", "child_safety")
    [case] = (await child.call("GET", "/api/mod/cases"))[1]["cases"]
    path = f"/api/mod/cases/{case['id']}/bundle"

    # a moderator or admin without the child-safety role never sees this evidence, and the refusal is audited
    status, data = await plain.call("GET", path)
    assert status == 403 and data["error"]["code"] == "mod_forbidden" and "evidence" not in data
    denied = [e for e in await server.core.audit.entries(target=f"case:{case['id']}") if e.action == "access_denied"]
    assert len(denied) == 1

    status, bundle = await child.call("GET", path)
    assert status == 200
    assert bundle["verified"] is True and bundle["prepared_by_name"] == "camille"
    [ev] = bundle["evidence"]
    assert ev["report"] == rep["id"] and ev["category"] == "sexual_minor" and ev["verified"] is True
    assert ev["sha256"] == ev["sha256_computed"] == rep["evidence_sha256"]
    assert [(m["seq"], m["reported"]) for m in ev["messages"]] == [(1, False), (2, False), (3, True), (4, False),
                                                                   (5, False)]
    assert [m["text"] for m in ev["messages"] if m["reported"]] == ["message 3"]
    people = {p["pseudo"]: p for p in ev["people"]}
    assert set(people) == {"Alice_1", "Bruno_1"} and people["Bruno_1"]["started_at"] > 0
    assert people["Bruno_1"]["ended_at"] is None and ev["frozen_at"] > 0 and ev["reporter_pseudo"] == "Alice_1"
    custody = bundle["custody"]
    assert custody[-1]["action"] == "bundle" and custody[-1]["actor_name"] == "camille"
    assert all(len(e["hash"]) == 64 for e in custody)

    # someone alters the stored evidence: the recomputed digest no longer matches, and the bundle says so
    async with server.core.engine.begin() as conn:
        stored = (await conn.execute(reports.select().where(reports.c.id == rep["id"]))).first()
        altered = stored._mapping["evidence"].replace("message 3", "message ?")
        await conn.execute(update(reports).where(reports.c.id == rep["id"]).values(evidence=altered))
    status, bundle = await child.call("GET", path)
    assert status == 200 and bundle["verified"] is False
    [ev] = bundle["evidence"]
    assert ev["verified"] is False and ev["sha256"] == rep["evidence_sha256"] != ev["sha256_computed"]
    _, view = await child.call("GET", f"/api/mod/cases/{case['id']}")
    assert view["items"][0]["evidence_intact"] is False
    assert (await plain.call("GET", path))[0] == 403
    for c in (plain, child):
        await c.close()
