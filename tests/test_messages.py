"""Room messages: gapless sequences, acknowledgement after storage, idempotent retries."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from causerie.storage.tables import messages


async def test_two_people_chat_in_a_room(new_client) -> None:
    a = await new_client("Alice_1", gender="woman")
    b = await new_client("Bruno_1")
    await a.join("general")
    await b.join("general")
    ack = await a.say("general", "  salut tout le monde  ", client_id="c-1")
    assert ack["room"] == "general" and ack["seq"] == 1 and ack["client_id"] == "c-1"
    got = await b.recv("message", room="general")
    assert got == {"type": "message", "room": "general", "seq": 1, "from": "Alice_1",
                   "text": "salut tout le monde", "ts": ack["ts"], "client_id": "c-1"}
    mine = await a.recv("message", room="general")
    assert mine["seq"] == 1
    await b.say("general", "coucou")
    assert (await a.recv("message", room="general"))["seq"] == 2


async def test_sequences_are_gapless_under_concurrent_senders(new_client, server) -> None:
    senders = [await new_client(f"Sender_{i}") for i in range(5)]
    reader = await new_client("Reader_1")
    for s in senders + [reader]:
        await s.join("general")

    async def burst(c, n):  # type: ignore[no-untyped-def]
        for i in range(n):
            await c.send({"type": "send", "room": "general", "text": f"{c.pseudo} {i}", "client_id": f"b{i}"})

    await asyncio.gather(*(burst(s, 20) for s in senders))
    seqs = [(await reader.recv("message", room="general"))["seq"] for _ in range(100)]
    assert seqs == list(range(1, 101))


async def test_retried_send_is_stored_once(new_client, server) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    await a.join("general")
    await b.join("general")
    first = await a.say("general", "une seule fois", client_id="retry-1")
    again = await a.say("general", "une seule fois", client_id="retry-1")
    assert again["seq"] == first["seq"] and again["ts"] == first["ts"]
    await b.recv("message", room="general", seq=first["seq"])
    await b.nothing("message", room="general")
    async with server.core.engine.connect() as conn:
        count = (await conn.execute(select(func.count()).select_from(messages))).scalar_one()
    assert count == 1
    # After a reconnect, the retry is still recognised.
    await a.drop()
    await a.connect()
    assert (await a.say("general", "une seule fois", client_id="retry-1"))["seq"] == first["seq"]


async def test_ack_only_after_the_message_is_stored(new_client, server) -> None:
    a = await new_client("Alice_1")
    await a.join("general")
    ack = await a.say("general", "durable")
    async with server.core.engine.connect() as conn:
        row = (await conn.execute(select(messages.c.seq, messages.c.text))).one()
    assert tuple(row) == (ack["seq"], "durable")


async def test_text_limits(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    await a.join("general")
    assert await a.error({"type": "send", "room": "general", "text": "   ", "client_id": "x"}) == "text_empty"
    code = await a.error({"type": "send", "room": "general", "text": "x" * 1001, "client_id": "x"})
    assert code == "text_too_long"
    assert await a.error({"type": "send", "room": "general", "text": "ok", "client_id": ""}) == "client_id_invalid"
    assert (await a.say("general", "é" * 1000))["seq"] == 1


async def test_cannot_send_to_a_room_not_joined(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    b = await new_client("Bruno_1")
    await b.join("sport")
    assert await a.error({"type": "send", "room": "sport", "text": "hop", "client_id": "x"}) == "not_joined"
    await b.nothing("message", room="sport")
