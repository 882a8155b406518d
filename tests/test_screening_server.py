"""Screening inside the server: nothing is delivered before it is screened."""

from __future__ import annotations

from causerie.actions.held import do_delete_held, do_release_held


async def _pair(new_client, room="general", age=25):  # type: ignore[no-untyped-def]
    a = await new_client("Alice_1", age=age, gender="woman")
    b = await new_client("Bruno_1", age=age)
    room = room if age >= 18 else "ados-general"
    await a.join(room)
    await b.join(room)
    return a, b, room


async def test_allowed_message_arrives_unchanged(new_client) -> None:
    a, b, room = await _pair(new_client)
    text = "salut ça va ? quelqu'un a vu le match hier ?"
    ack = await a.say(room, text)
    assert ack.get("notice") is None
    assert (await b.recv("message", room=room))["text"] == text


async def test_blocked_message_reaches_nobody_and_the_sender_learns_why(new_client, server, no_tracebacks) -> None:
    a, b, room = await _pair(new_client)
    await a.send({"type": "send", "room": room, "text": "je vends de la coke, 60 le gramme", "client_id": "d1"})
    err = await a.recv("error")
    assert err["code"] == "message_blocked" and err["category"] == "drugs" and err["ref"] == "d1"
    assert "non envoyé" in err["message"]["fr"].lower() and err["message"]["en"]
    await b.nothing("message", room=room)
    await a.nothing("message", room=room)
    _, page = await b.get(f"/api/rooms/{room}/history")
    assert page["messages"] == []
    [] = await server.core.screened.pending()  # blocked is final, not pending


async def test_held_message_reaches_nobody_until_released(new_client, server) -> None:
    a, b, room = await _pair(new_client)
    await a.say(room, "premier")
    await b.recv("message", room=room, seq=1)
    await a.send({"type": "send", "room": room, "text": "t'es vraiment un gros connard", "client_id": "h1"})
    err = await a.recv("error")
    assert err["code"] == "message_held" and err["category"] == "harassment"
    await b.nothing("message", room=room)
    [held] = await server.core.screened.pending()
    assert held.room_id == room and held.action == "hold"
    ack = await do_release_held(server.core, held.id)
    assert ack is not None and ack.seq == 2
    got = await b.recv("message", room=room)
    assert got["seq"] == 2 and got["text"] == "t'es vraiment un gros connard" and got["from"] == "Alice_1"
    assert await server.core.screened.pending() == []


async def test_deleted_held_message_is_never_delivered(new_client, server) -> None:
    a, b, room = await _pair(new_client)
    await a.send({"type": "send", "room": room, "text": "espèce de sale con, ferme ta gueule", "client_id": "h2"})
    assert (await a.recv("error"))["code"] == "message_held"
    [held] = await server.core.screened.pending()
    await do_delete_held(server.core, held.id)
    await b.nothing("message", room=room)
    assert (await server.core.screened.get(held.id)).status == "deleted"  # type: ignore[union-attr]


async def test_contact_details_flagged_between_adults_blocked_between_teens(new_client) -> None:
    a, b, room = await _pair(new_client)
    ack = await a.say(room, "ajoute moi sur snap: theo.zz.92")
    assert ack["notice"]["code"] == "message_flagged" and ack["notice"]["category"] == "contact"
    await b.recv("message", room=room)


async def test_contact_details_blocked_in_the_teen_band(new_client) -> None:
    a, b, room = await _pair(new_client, age=16)
    await a.send({"type": "send", "room": room, "text": "ajoute moi sur snap: theo.zz.92", "client_id": "t1"})
    err = await a.recv("error")
    assert err["code"] == "message_blocked" and err["category"] == "contact"
    await b.nothing("message", room=room)


async def test_pm_screening_knows_the_ages(new_client) -> None:
    adult = await new_client("Adulte_35", age=35)
    await new_client("Autre_30", age=30, gender="woman")
    ack = await adult.pm("Autre_30", "t'as quel âge ? tu habites où ?")
    assert ack["type"] == "ack"
    # Adult to teen is impossible anyway (no cross-band PM); a teen asking a teen is fine.
    t1 = await new_client("Ado_16", age=16)
    await new_client("Ado_15", age=15, gender="woman")
    assert (await t1.pm("Ado_15", "t'as quel âge ?"))["type"] == "ack"
