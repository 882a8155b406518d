"""Entry without signup: pseudonym, age, gender, postal code → a session."""

from __future__ import annotations

import pytest

from chat_client import ChatClient, EntryRefused


async def test_entry_resolves_the_commune_and_band(server, clients) -> None:
    c = ChatClient(server.url)
    clients.append(c)
    data = await c.enter("Camille_75", age=27, gender="woman", postal_code="75011")
    assert data["session"]["band"] == "adult"
    assert data["session"]["commune"] == "Paris 11"
    assert data["session"]["departement"] == "75"
    assert "postal_code" not in data["session"]
    assert len(data["token"]) >= 40


async def test_teen_band(new_client) -> None:
    c = await new_client("Lea_16", age=16, gender="woman", connect=False)
    assert c.session["band"] == "teen"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"pseudo": "ab"}, 422, "pseudo_invalid"),
        ({"pseudo": "a" * 21}, 422, "pseudo_invalid"),
        ({"pseudo": "bad name"}, 422, "pseudo_invalid"),
        ({"pseudo": "<script>"}, 422, "pseudo_invalid"),
        ({"pseudo": "Admin"}, 422, "pseudo_reserved"),
        ({"pseudo": "moderateur"}, 422, "pseudo_reserved"),
        ({"pseudo": "Causerie_officiel"}, 422, "pseudo_reserved"),
        ({"age": 14}, 403, "age_too_young"),
        ({"age": -3}, 422, "age_invalid"),
        ({"age": 500}, 422, "age_invalid"),
        ({"gender": "robot"}, 422, "gender_invalid"),
        ({"postal_code": "7501"}, 422, "postal_code_invalid"),
        ({"postal_code": "ABCDE"}, 422, "postal_code_invalid"),
        ({"postal_code": "00000"}, 422, "postal_code_unknown"),
        ({"postal_code": "75011", "insee": "99999"}, 422, "postal_code_unknown"),
    ],
)
async def test_bad_entry_gets_a_stable_code(server, http, no_tracebacks, body, status, code) -> None:
    full = {"pseudo": "Valid_1", "age": 25, "gender": "man", "postal_code": "75011", **body}
    async with http.post(f"{server.url}/api/session", json=full) as resp:
        data = await resp.json()
    assert resp.status == status
    assert data["error"]["code"] == code
    assert data["error"]["message"]["fr"] and data["error"]["message"]["en"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{not json", "bad_json"),
        (b"[]", "bad_frame"),
        (b'{"pseudo": "Valid_1"}', "bad_frame"),
        (b'{"pseudo": "Valid_1", "age": "25", "gender": "man", "postal_code": "75011"}', "bad_frame"),
    ],
)
async def test_malformed_entry_body(server, http, no_tracebacks, raw, code) -> None:
    async with http.post(f"{server.url}/api/session", data=raw,
                         headers={"Content-Type": "application/json"}) as resp:
        data = await resp.json()
    assert resp.status == 400
    assert data["error"]["code"] == code


async def test_pseudonym_unique_among_people_online_case_insensitive(new_client, server, clients) -> None:
    await new_client("Camille")
    other = ChatClient(server.url)
    clients.append(other)
    with pytest.raises(EntryRefused) as refused:
        await other.enter("CAMILLE")
    assert refused.value.code == "pseudo_taken"
    assert refused.value.status == 409


async def test_pseudonym_free_again_after_leaving(new_client, server, clients) -> None:
    first = await new_client("Camille")
    async with first.http.delete(f"{server.url}/api/session",
                                 headers={"Authorization": f"Bearer {first.token}"}) as resp:
        assert resp.status == 204
    second = ChatClient(server.url)
    clients.append(second)
    await second.enter("camille")
    assert second.session["pseudo"] == "camille"


async def test_device_cookie_is_set_and_kept(server, http) -> None:
    body = {"pseudo": "Dev_one", "age": 30, "gender": "other", "postal_code": "69001"}
    async with http.post(f"{server.url}/api/session", json=body) as resp:
        first = resp.cookies["causerie_device"]
        assert first["httponly"]
    body["pseudo"] = "Dev_two"
    headers = {"Cookie": f"causerie_device={first.value}"}
    async with http.post(f"{server.url}/api/session", json=body, headers=headers) as resp:
        assert resp.cookies["causerie_device"].value == first.value  # the same device keeps its token
    body["pseudo"] = "Dev_three"
    async with http.post(f"{server.url}/api/session", json=body, headers={"Cookie": ""}) as resp:
        assert resp.cookies["causerie_device"].value != first.value


async def test_identification_data_is_recorded(new_client, server) -> None:
    """LCEN: IP, source port, user agent and start time of every session; server time of messages."""
    c = await new_client("Legal_1")
    await c.join("general")
    await c.say("general", "bonjour")
    from sqlalchemy import select

    from causerie.storage.tables import messages, sessions

    async with server.core.engine.connect() as conn:
        row = (await conn.execute(select(sessions).where(sessions.c.pseudo == "Legal_1"))).one()._mapping
        msg = (await conn.execute(select(messages))).one()._mapping
    assert row["ip"] == "127.0.0.1" and row["ip_port"] > 0
    assert "Python" in row["user_agent"]
    assert row["started_at"] > 0 and row["ended_at"] is None
    assert len(row["token_hash"]) == 64 and c.token not in row["token_hash"]
    assert row["network_hash"] != "127.0.0.1" and len(row["network_hash"]) == 64
    assert msg["session_id"] == row["id"] and msg["created_at"] >= row["started_at"]


async def test_postal_code_lookup(server, http) -> None:
    async with http.get(f"{server.url}/api/postal-codes/50590") as resp:
        data = await resp.json()
    assert resp.status == 200
    assert len(data["communes"]) > 1
    assert all(c["departement"] == "50" for c in data["communes"])
    async with http.get(f"{server.url}/api/postal-codes/99999") as resp:
        assert (await resp.json())["error"]["code"] == "postal_code_unknown"


async def test_session_ends_after_grace_without_connection(settings, tmp_path) -> None:
    from chat_client import start_server

    srv, runner = await start_server(settings.with_(session_grace_s=0.2))
    try:
        c = ChatClient(srv.url)
        await c.enter("Ghost_1")
        await c.connect()
        await c.drop()
        import asyncio

        for _ in range(50):
            await asyncio.sleep(0.05)
            if srv.core.directory.find("Ghost_1") is None:
                break
        assert srv.core.directory.find("Ghost_1") is None
        record = await srv.core.sessions.live_by_pseudo("Ghost_1")
        assert record is None
        await c.close()
    finally:
        await runner.cleanup()
