"""Reports, cases and the console API through a real server: authorisation, evidence, decisions,
statements of reasons, appeals, enforcement and the live feed."""

from __future__ import annotations

import asyncio
import json
import re

import pyotp
import pytest
from aiohttp import ClientSession

from causerie.moderation.audit import verify
from chat_client import EntryRefused
from moderation_helpers import PASSWORD, add_console, report


async def _chat_pair(new_client):  # type: ignore[no-untyped-def]
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    await a.join("general")
    await b.join("general")
    return a, b


async def test_a_chat_session_cannot_reach_any_console_api(server, new_client, http) -> None:
    a = await new_client("Alice_1")
    bearer = {"Authorization": f"Bearer {a.token}"}
    from causerie.web.mod import routes

    paths = [(r.method, r.path.replace("{case}", "1").replace("{session}", a.session["id"]))  # type: ignore[attr-defined]
             for r in routes if r.path.startswith("/api/mod/") and r.path != "/api/mod/login"]  # type: ignore[attr-defined]
    assert len(paths) >= 9
    for method, path in paths:
        async with http.request(method, server.url + path, headers=bearer, json={}) as resp:
            assert resp.status == 401, (method, path)
            assert (await resp.json())["error"]["code"] == "mod_not_authenticated"


async def test_login_needs_password_and_a_fresh_totp_code(server) -> None:
    console = await add_console(server, "modo1", "moderator", login=False)
    now = server.core.clock.now_ms() // 1000
    bad = [{"name": "modo1", "password": "wrong password!", "code": pyotp.TOTP(console.secret).at(now)},
           {"name": "modo1", "password": PASSWORD, "code": "000000"},
           {"name": "nobody", "password": PASSWORD, "code": "123456"}]
    for body in bad:
        status, data = await console.call("POST", "/api/mod/login", body)
        assert status == 401 and data["error"]["code"] == "mod_login_failed"
    await console.login(at=now)
    # the same code cannot be replayed
    status, data = await console.call("POST", "/api/mod/login", {"name": "modo1", "password": PASSWORD,
                                                                  "code": pyotp.TOTP(console.secret).at(now)})
    assert status == 401
    await console.close()


async def test_csrf_token_is_required_for_changes(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    await b.say("general", "bonjour")
    status, rep = await report(a, {"category": "harassment", "room": "general", "seq": 1})
    assert status == 201
    console = await add_console(server, "modo1", "moderator")
    [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
    status, data = await console.call("POST", f"/api/mod/cases/{case['id']}/claim", csrf=False)
    assert status == 403 and data["error"]["code"] == "csrf_invalid"
    console.csrf = "forged"
    status, data = await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
    assert status == 403 and data["error"]["code"] == "csrf_invalid"
    await console.close()


async def test_idle_console_session_expires(server, monkeypatch) -> None:
    from causerie.clock import ManualClock

    clock = ManualClock(server.core.clock.now_ms())
    monkeypatch.setattr(server.core, "clock", clock)
    console = await add_console(server, "modo1", "moderator")
    assert (await console.call("GET", "/api/mod/me"))[0] == 200
    clock.advance(server.core.moderation.config.idle_timeout_s + 1)
    status, data = await console.call("GET", "/api/mod/me")
    assert status == 401 and data["error"]["code"] == "mod_not_authenticated"
    await console.close()


async def test_sexual_minor_evidence_only_for_child_safety(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    await b.say("general", "un message")
    status, rep = await report(a, {"category": "sexual_minor", "room": "general", "seq": 1,
                                   "text": "il drague une ado"})
    assert status == 201
    plain = await add_console(server, "modo1", "moderator", "admin")
    child = await add_console(server, "cs1", "child_safety")
    assert (await plain.call("GET", "/api/mod/cases"))[1]["cases"] == []
    [case] = (await child.call("GET", "/api/mod/cases"))[1]["cases"]
    assert case["queue"] == "child_safety"
    status, data = await plain.call("GET", f"/api/mod/cases/{case['id']}")
    assert status == 403 and data["error"]["code"] == "mod_forbidden"
    status, data = await plain.call("GET", f"/api/mod/cases/{case['id']}/bundle")
    assert status == 403
    assert (await plain.call("POST", f"/api/mod/cases/{case['id']}/claim"))[0] == 403
    status, data = await child.call("GET", f"/api/mod/cases/{case['id']}")
    assert status == 200 and data["items"][0]["evidence"]["messages"][0]["text"] == "un message"
    for c in (plain, child):
        await c.close()


async def test_only_the_legal_officer_reads_identification_data(server, new_client) -> None:
    a = await new_client("Alice_1")
    sid = a.session["id"]
    mod = await add_console(server, "modo1", "moderator", "child_safety", "admin")
    legal = await add_console(server, "legal1", "legal")
    status, data = await mod.call("GET", f"/api/mod/legal/sessions/{sid}")
    assert status == 403 and data["error"]["code"] == "mod_forbidden"
    status, data = await legal.call("GET", f"/api/mod/legal/sessions/{sid}")
    assert status == 200 and data["ip"] == "127.0.0.1" and data["pseudo"] == "Alice_1"
    assert (await legal.call("GET", "/api/mod/cases"))[1]["cases"] == []  # the legal officer has no queue
    for c in (mod, legal):
        await c.close()


async def test_evidence_stays_intact_after_messages_are_deleted(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    for i in range(1, 31):
        await (b if i == 25 else a).say("general", f"message {i}")
    status, rep = await report(a, {"category": "threat", "room": "general", "seq": 25, "text": "menace"})
    assert status == 201 and len(rep["evidence_sha256"]) == 64
    assert set(rep["message"]) == {"fr", "en"}
    # the room's history expires: every message is deleted
    from causerie.storage.tables import messages

    async with server.core.engine.begin() as conn:
        await conn.execute(messages.delete())
    _, page = await a.get("/api/rooms/general/history")
    assert page["messages"] == []
    console = await add_console(server, "modo1", "moderator")
    [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
    assert case["category"] == "threat" and case["pseudo"] == "Bruno_1"
    _, view = await console.call("GET", f"/api/mod/cases/{case['id']}")
    [item] = view["items"]
    assert item["evidence_intact"] and item["evidence_sha256"] == rep["evidence_sha256"]
    seqs = [m["seq"] for m in item["evidence"]["messages"]]
    assert seqs == list(range(5, 31))  # 20 before, the message, and the 5 after it that existed
    assert [m for m in item["evidence"]["messages"] if m["reported"]][0]["text"] == "message 25"
    people = {p["pseudo"]: p for p in item["evidence"]["people"]}
    assert people["Bruno_1"]["age"] == 25 and people["Alice_1"]["gender"] == "woman"
    await console.close()


async def test_report_menu_is_advertised_and_bad_reports_are_refused(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    assert "report" in a.welcome["features"]
    assert (await report(a, {"category": "nonsense", "pseudo": "Bruno_1"}))[1]["error"]["code"] == "category_invalid"
    assert (await report(a, {"category": "scam"}))[1]["error"]["code"] == "report_invalid"
    assert (await report(a, {"category": "scam", "room": "general", "seq": 99}))[1]["error"]["code"] == "not_found"
    assert (await report(a, {"category": "scam", "pseudo": "Alice_1"}))[1]["error"]["code"] == "report_invalid"
    status, _ = await report(a, {"category": "scam", "pseudo": "Bruno_1"})
    assert status == 201


async def test_a_refused_report_says_why_in_french_and_in_english(server, new_client) -> None:
    a, _ = await _chat_pair(new_client)
    status, data = await report(a, {"category": "scam", "pseudo": "Alice_1"})
    assert status == 422 and data["error"]["code"] == "report_invalid"
    message = data["error"]["message"]
    assert message["fr"] == "Signalement invalide : vous ne pouvez pas vous signaler vous-même"
    assert not set(re.findall(r"[a-z]+", message["fr"].lower())) & {"you", "cannot", "report", "yourself"}
    assert message["en"] == "Invalid report: you cannot report yourself"


async def test_cases_merge_per_target_and_are_ordered_by_priority(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    c = await new_client("Chloe_1")
    await c.join("general")
    await b.say("general", "hello")
    await c.say("general", "spam spam")
    await report(a, {"category": "scam", "pseudo": "Chloe_1"})
    await report(a, {"category": "harassment", "room": "general", "seq": 1})
    await report(c, {"category": "threat", "room": "general", "seq": 1})
    console = await add_console(server, "modo1", "moderator")
    cases = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
    assert [x["pseudo"] for x in cases] == ["Bruno_1", "Chloe_1"]  # two reports on Bruno merged, first
    assert cases[0]["category"] == "threat"
    # two distinct reporters: threat 90 × 0.5 × 2
    assert cases[0]["priority"] == pytest.approx(90.0)
    await console.close()


async def test_no_two_moderators_hold_the_same_case(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    await report(a, {"category": "scam", "pseudo": "Bruno_1"})
    one = await add_console(server, "modo1", "moderator")
    two = await add_console(server, "modo2", "moderator")
    [case] = (await one.call("GET", "/api/mod/cases"))[1]["cases"]
    results = await asyncio.gather(one.call("POST", f"/api/mod/cases/{case['id']}/claim"),
                                   two.call("POST", f"/api/mod/cases/{case['id']}/claim"))
    assert sorted(r[0] for r in results) == [200, 409]
    loser = one if results[0][0] == 409 else two
    status, data = await loser.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "warn"})
    assert status == 409 and data["error"]["code"] == "case_not_claimed"
    for c in (one, two):
        await c.close()


async def test_ban_statement_appeal_and_a_second_moderator_decides(server, new_client, http) -> None:
    a, b = await _chat_pair(new_client)
    await b.say("general", "bonsoir tout le monde")
    status, rep = await report(a, {"category": "threat", "room": "general", "seq": 1})
    first = await add_console(server, "modo1", "moderator")
    second = await add_console(server, "modo2", "moderator")
    [case] = (await first.call("GET", "/api/mod/cases"))[1]["cases"]
    assert (await first.call("POST", f"/api/mod/cases/{case['id']}/claim"))[0] == 200
    status, out = await first.call("POST", f"/api/mod/cases/{case['id']}/actions",
                                   {"action": "ban", "scope": "network", "duration_s": 86400,
                                    "reason": "menaces répétées"})
    assert status == 200, out
    statement = await b.recv("statement")
    assert statement["action"] == "ban" and statement["automated"] is False
    assert statement["category"] == "threat" and statement["duration_s"] == 86400
    assert "menaces répétées" in statement["message"]["fr"] and statement["ground"]["en"]
    assert (await b.recv("session_ended"))["reason"] == "banned"
    outcome = await a.recv("report_outcome")
    assert outcome["report"] == rep["id"] and outcome["outcome"] == "action_taken"
    # nobody from the same network comes back (the test clients share the loopback network)
    with pytest.raises(EntryRefused) as refused:
        await b.enter("Bruno_2")
    assert refused.value.code == "banned"
    # appeal, with the token of the statement (and some text)
    async with http.post(f"{server.url}/api/appeals", json={"token": statement["appeal_token"],
                                                             "text": "  "}) as resp:
        assert resp.status == 422 and (await resp.json())["error"]["code"] == "appeal_text_invalid"
    async with http.post(f"{server.url}/api/appeals", json={"token": statement["appeal_token"],
                                                             "text": "je plaisantais"}) as resp:
        assert resp.status == 201
    async with http.post(f"{server.url}/api/appeals", json={"token": statement["appeal_token"],
                                                             "text": "encore"}) as resp:
        assert (await resp.json())["error"]["code"] == "appeal_exists"
    [appeal] = (await first.call("GET", "/api/mod/cases"))[1]["cases"]
    assert appeal["kind"] == "appeal"
    status, data = await first.call("POST", f"/api/mod/cases/{appeal['id']}/claim")
    assert status == 403 and data["error"]["code"] == "appeal_same_moderator"
    assert (await second.call("POST", f"/api/mod/cases/{appeal['id']}/claim"))[0] == 200
    _, view = await second.call("GET", f"/api/mod/cases/{appeal['id']}")
    assert view["items"][0]["text"] == "je plaisantais" and view["items"][0]["decision"]["action"] == "ban"
    status, out = await second.call("POST", f"/api/mod/cases/{appeal['id']}/actions", {"action": "reverse"})
    assert status == 200 and out["outcome"] == "reversed"
    async with http.get(f"{server.url}/api/appeals/{statement['appeal_token']}") as resp:
        assert (await resp.json())["status"] == "reversed"
    await b.enter("Bruno_2")  # the ban is lifted
    assert (await verify(server.core.audit)).ok
    actions = [e.action for e in await server.core.audit.entries()]
    for expected in ("report", "claim", "ban", "appeal", "appeal_reversed"):
        assert expected in actions
    for c in (first, second):
        await c.close()


async def test_timeout_stops_sends_with_a_code_and_a_statement(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    await b.say("general", "salut la compagnie")
    await report(a, {"category": "harassment", "room": "general", "seq": 1})
    console = await add_console(server, "modo1", "moderator")
    [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
    await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
    status, data = await console.call("POST", f"/api/mod/cases/{case['id']}/actions",
                                      {"action": "timeout", "duration_s": 60})
    assert status == 422 and data["error"]["code"] == "action_invalid"
    status, _ = await console.call("POST", f"/api/mod/cases/{case['id']}/actions",
                                   {"action": "timeout", "duration_s": 600})
    assert status == 200
    assert (await b.recv("statement"))["action"] == "timeout"
    assert await b.error({"type": "send", "room": "general", "text": "re", "client_id": "t1"}) == "timed_out"
    assert await b.error({"type": "pm", "to": "Alice_1", "text": "re", "client_id": "t2"}) == "timed_out"
    await a.say("general", "moi je peux")
    await console.close()


async def test_repeat_abusers_climb_the_ladder(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    console = await add_console(server, "modo1", "moderator")
    got = []
    for i in range(2):
        await report(a, {"category": "harassment", "pseudo": "Bruno_1", "text": f"fois {i}"})
        [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
        await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
        status, out = await console.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "sanction"})
        assert status == 200, out
        got.append((out["action"], out["duration_s"]))
    assert got == [("warn", None), ("timeout", 3600)]
    await console.close()


async def test_held_message_reaches_the_live_feed_and_is_released(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    console = await add_console(server, "modo1", "moderator")
    async with ClientSession(cookie_jar=console.http.cookie_jar) as feed_http:
        async with feed_http.get(f"{server.url}/api/mod/events") as feed:
            assert (await feed.content.readline()).startswith(b": connected")
            await feed.content.readline()
            loop = asyncio.get_running_loop()
            start = loop.time()
            await a.send({"type": "send", "room": "general", "text": "t'es vraiment un gros connard",
                           "client_id": "h1"})
            assert (await a.recv("error"))["code"] == "message_held"
            line = await asyncio.wait_for(feed.content.readline(), 1.0)
            assert line == b"event: case\n"
            data = json.loads((await feed.content.readline())[6:])
            assert loop.time() - start < 1.0
    _, view = await console.call("GET", f"/api/mod/cases/{data['case_id']}")
    [item] = view["items"]
    assert item["kind"] == "screened" and item["status"] == "pending"
    await console.call("POST", f"/api/mod/cases/{data['case_id']}/claim")
    status, out = await console.call("POST", f"/api/mod/cases/{data['case_id']}/actions",
                                     {"action": "release", "screened": item["id"]})
    assert status == 200 and out["status"] == "released"
    assert (await b.recv("message", room="general"))["text"] == "t'es vraiment un gros connard"
    await console.close()


async def test_threat_escalation_alerts_admins_and_prepares_the_bundle(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    await b.say("general", "on se voit demain soir")
    await report(a, {"category": "threat", "room": "general", "seq": 1})
    mod = await add_console(server, "modo1", "moderator")
    admin = await add_console(server, "admin1", "admin")
    [case] = (await mod.call("GET", "/api/mod/cases"))[1]["cases"]
    await mod.call("POST", f"/api/mod/cases/{case['id']}/claim")
    async with ClientSession(cookie_jar=admin.http.cookie_jar) as feed_http:
        async with feed_http.get(f"{server.url}/api/mod/events") as feed:
            await feed.content.readline()
            await feed.content.readline()
            status, out = await mod.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "urgent"})
            assert status == 200
            lines = [await asyncio.wait_for(feed.content.readline(), 2.0) for _ in range(3)]
            assert b"event: urgent\n" in lines
    before = case["priority"]
    status, bundle = await mod.call("GET", out["bundle"])
    assert status == 200 and bundle["case"]["case"]["urgent"] is True
    assert bundle["case"]["case"]["priority"] == before * 10
    status, _ = await mod.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "urgent"})
    assert status == 200
    _, view = await mod.call("GET", f"/api/mod/cases/{case['id']}")
    assert view["case"]["priority"] == before * 10  # escalating twice does not multiply twice
    assert bundle["case"]["items"][0]["evidence_intact"]
    assert any(e["action"] == "urgent" for e in bundle["custody"])
    for c in (mod, admin):
        await c.close()


async def test_ban_evasion_by_near_variant_pseudonym_is_flagged_not_banned(server, new_client) -> None:
    a, b = await _chat_pair(new_client)
    await report(a, {"category": "scam", "pseudo": "Bruno_1"})
    console = await add_console(server, "modo1", "moderator")
    [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
    await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
    await console.call("POST", f"/api/mod/cases/{case['id']}/actions", {"action": "ban", "scope": "session"})
    await b.recv("session_ended")
    c = await new_client("brun0-2")  # another device, same network (loopback), near-variant pseudonym
    assert c.welcome["session"]["pseudo"] == "brun0-2"
    [flag] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
    assert flag["category"] == "ban_evasion" and flag["pseudo"] == "brun0-2"
    await console.close()


def test_moderators_add_cli(tmp_path) -> None:
    import subprocess
    import sys

    db = f"sqlite:///{tmp_path}/cli.db"
    out = subprocess.run([sys.executable, "-m", "causerie", "moderators", "add", "camille", "--role", "moderator",
                          "--role", "child_safety", "--password-stdin", "--db", db], input=PASSWORD + "\n",
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "roles: child_safety, moderator" in out.stdout and "otpauth://totp/" in out.stdout
    assert PASSWORD not in out.stdout
    again = subprocess.run([sys.executable, "-m", "causerie", "moderators", "add", "camille", "--role", "moderator",
                            "--password-stdin", "--db", db], input=PASSWORD + "\n", capture_output=True, text=True,
                           timeout=60)
    assert again.returncode == 2 and "exists already" in again.stderr
