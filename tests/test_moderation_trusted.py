"""Trusted flaggers (DSA art. 22): only an admin marks or unmarks a reporter, every change is audited,
and a trusted flagger's report raises the case's priority."""

from __future__ import annotations

import pytest

from moderation_helpers import add_console, report


async def test_only_an_admin_sets_trusted_flaggers_and_each_change_is_audited(server, new_client) -> None:
    a = await new_client("Alice_1", gender="woman")
    sid = a.session["id"]
    mod = await add_console(server, "modo1", "moderator", "child_safety")
    admin = await add_console(server, "admin1", "admin")
    for method in ("PUT", "DELETE"):
        status, data = await mod.call(method, f"/api/mod/trusted-flaggers/{sid}")
        assert status == 403 and data["error"]["code"] == "mod_forbidden"
    status, data = await admin.call("PUT", "/api/mod/trusted-flaggers/nobody-here")
    assert status == 404 and data["error"]["code"] == "not_found"
    status, data = await admin.call("PUT", f"/api/mod/trusted-flaggers/{sid}", csrf=False)
    assert status == 403 and data["error"]["code"] == "csrf_invalid"
    status, data = await admin.call("PUT", f"/api/mod/trusted-flaggers/{sid}")
    assert status == 200 and data == {"session": sid, "trusted": True, "changed": True}
    status, data = await admin.call("PUT", f"/api/mod/trusted-flaggers/{sid}")
    assert status == 200 and data["changed"] is False
    status, data = await admin.call("DELETE", f"/api/mod/trusted-flaggers/{sid}")
    assert status == 200 and data == {"session": sid, "trusted": False, "changed": True}
    entries = [(e.actor, e.action, e.target) for e in await server.core.audit.entries(target=f"session:{sid}")]
    admin_id = (await admin.call("GET", "/api/mod/me"))[1]["id"]
    assert entries.count((f"mod:{admin_id}", "trusted_flagger_set", f"session:{sid}")) == 2
    assert (f"mod:{admin_id}", "trusted_flagger_unset", f"session:{sid}") in entries
    for c in (mod, admin):
        await c.close()


async def test_a_trusted_flaggers_report_raises_the_priority(server, new_client) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    await new_client("Chloe_1", gender="woman")
    admin = await add_console(server, "admin1", "admin")
    assert (await admin.call("PUT", f"/api/mod/trusted-flaggers/{a.session['id']}"))[0] == 200
    assert (await report(a, {"category": "harassment", "pseudo": "Chloe_1"}))[0] == 201
    assert (await report(b, {"category": "harassment", "pseudo": "Alice_1"}))[0] == 201
    cases = {x["pseudo"]: x for x in (await admin.call("GET", "/api/mod/cases"))[1]["cases"]}
    # harassment 30 × confidence 1.0 × 1 reporter × 2 (trusted) against 30 × 0.5 for an ordinary report
    assert cases["Chloe_1"]["priority"] == pytest.approx(60.0)
    assert cases["Alice_1"]["priority"] == pytest.approx(15.0)
    _, view = await admin.call("GET", f"/api/mod/cases/{cases['Chloe_1']['id']}")
    [item] = view["items"]
    assert item["trusted"] is True and item["reporter_trusted"] is True and item["reporter_pseudo"] == "Alice_1"
    # once unmarked, the same person's next report weighs like anyone's
    assert (await admin.call("DELETE", f"/api/mod/trusted-flaggers/{a.session['id']}"))[0] == 200
    assert (await report(a, {"category": "harassment", "pseudo": "Bruno_1"}))[0] == 201
    cases = {x["pseudo"]: x for x in (await admin.call("GET", "/api/mod/cases"))[1]["cases"]}
    assert cases["Bruno_1"]["priority"] == pytest.approx(15.0)
    await admin.close()
