"""Statements of reasons reach people who were offline: kept until the client confirms them, handed over
at the next entry from the same device (with a fresh appeal token), also beside a `banned` refusal."""

from __future__ import annotations

from aiohttp import ClientSession, CookieJar

from chat_client import ChatClient
from moderation_helpers import add_console


async def _device_client(server, clients, pseudo: str) -> ChatClient:  # type: ignore[no-untyped-def]
    """A client whose cookie jar keeps the device cookie (aiohttp drops cookies of IP hosts by default)."""
    c = ChatClient(server.url)
    await c.http.close()
    c.http = ClientSession(cookie_jar=CookieJar(unsafe=True))
    clients.append(c)
    await c.enter(pseudo)
    await c.connect()
    await c.join("general")
    return c


async def _enter(client: ChatClient, pseudo: str) -> tuple[int, dict]:
    body = {"pseudo": pseudo, "age": 25, "gender": "man", "postal_code": "75011"}
    async with client.http.post(f"{client.base_url}/api/session", json=body) as resp:
        return resp.status, await resp.json()


async def _decide(server, reporter, action: dict):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {reporter.token}"}
    async with reporter.http.post(f"{server.url}/api/reports", json={"category": "harassment", "pseudo": "Bruno_1"},
                                  headers=headers) as resp:
        assert resp.status == 201
    console = await add_console(server, f"modo{action['action']}", "moderator")
    [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
    await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
    status, out = await console.call("POST", f"/api/mod/cases/{case['id']}/actions", action)
    assert status == 200, out
    await console.close()
    return out


async def test_a_person_banned_while_offline_gets_the_statement_at_the_next_entry(server, clients, http) -> None:
    a = await _device_client(server, clients, "Alice_1")
    b = await _device_client(server, clients, "Bruno_1")
    await b.drop()  # the tab closed: the session waits out its grace period
    out = await _decide(server, a, {"action": "ban", "scope": "session", "duration_s": 86400, "reason": "insultes"})
    # Bruno comes back from the same device: the entry hands the statement over, with an appeal token
    status, entered = await _enter(b, "Bruno_2")
    assert status == 201
    [statement] = entered["statements"]
    assert statement["type"] == "statement" and statement["decision"] == out["decision"]
    assert statement["action"] == "ban" and statement["automated"] is False and "insultes" in statement["message"]["fr"]
    assert statement["appeal_token"] and statement["appeal_until"]
    async with http.post(f"{server.url}/api/appeals", json={"token": statement["appeal_token"],
                                                             "text": "je conteste"}) as resp:
        assert resp.status == 201
    # handed over once: the next entry from that device brings nothing
    b.token, b.session = entered["token"], entered["session"]
    await b.connect()
    async with b.http.delete(f"{server.url}/api/session", headers={"Authorization": f"Bearer {b.token}"}) as resp:
        assert resp.status == 204
    status, again = await _enter(b, "Bruno_3")
    assert status == 201 and again["statements"] == []


async def test_a_statement_confirmed_by_its_receipt_is_not_handed_over_again(server, clients, http) -> None:
    a = await _device_client(server, clients, "Alice_1")
    b = await _device_client(server, clients, "Bruno_1")
    await _decide(server, a, {"action": "warn", "reason": "calme-toi"})
    statement = await b.recv("statement")
    assert statement["receipt"]
    async with http.post(f"{server.url}/api/statements/receipt", json={"receipt": statement["receipt"]}) as resp:
        assert resp.status == 204
    async with http.post(f"{server.url}/api/statements/receipt", json={"receipt": statement["receipt"]}) as resp:
        assert resp.status == 404 and (await resp.json())["error"]["code"] == "not_found"
    await b.drop()
    async with b.http.delete(f"{server.url}/api/session", headers={"Authorization": f"Bearer {b.token}"}) as resp:
        assert resp.status == 204
    status, entered = await _enter(b, "Bruno_2")
    assert status == 201 and entered["statements"] == []


async def test_a_device_ban_refusal_carries_the_undelivered_statement(server, clients, http) -> None:
    a = await _device_client(server, clients, "Alice_1")
    b = await _device_client(server, clients, "Bruno_1")
    await b.drop()
    await _decide(server, a, {"action": "ban", "scope": "device", "reason": "menaces"})
    status, refused = await _enter(b, "Bruno_2")
    assert status == 403 and refused["error"]["code"] == "banned"
    [statement] = refused["statements"]
    assert statement["action"] == "ban" and statement["duration_s"] is None
    async with http.get(f"{server.url}/api/appeals/{statement['appeal_token']}") as resp:
        assert resp.status == 200 and (await resp.json())["status"] == "none"
