"""No path crosses the age bands: band × action, over the WebSocket and the HTTP API.

For each viewer band, every action aimed at the other band gets exactly the answer it would get for
something that does not exist; PMs and invitations aimed at the other band are recorded as signals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from chat_client import ChatClient


@dataclass
class Side:
    me: ChatClient  # the viewer
    peer: ChatClient  # someone of the viewer's band (to prove the action works within a band)
    other: ChatClient  # someone of the other band
    other_room: str  # a public room of the other band
    my_room: str
    other_private: str  # a private room of the other band (its creator is `other`)
    my_private: str
    other_pm: int  # a conversation between two people of the other band


async def _private(c: ChatClient, name: str) -> str:
    got = await c.request({"type": "create_room", "name": name}, "room_created")
    room = str(got["room"]["id"])
    await c.join(room)
    return room


@pytest.fixture(params=["adult", "teen"])
async def side(request: pytest.FixtureRequest, new_client) -> Side:
    a1 = await new_client("Adulte_1", age=30)
    a2 = await new_client("Adulte_2", age=41, gender="woman")
    t1 = await new_client("Ado_1", age=16, gender="woman")
    t2 = await new_client("Ado_2", age=15)
    a_private = await _private(a1, "Salon des grands")
    t_private = await _private(t1, "Salon des ados")
    await a1.join("general")
    await a1.say("general", "message adulte")
    await t1.join("ados-general")
    await t1.say("ados-general", "message ado")
    a_pm = (await a1.pm("Adulte_2", "salut entre grands"))["pm"]
    t_pm = (await t1.pm("Ado_2", "entre ados"))["pm"]
    for c in (a1, a2, t1, t2):
        await c.recv("pm_opened")
    if request.param == "adult":
        return Side(a1, a2, t1, "ados-general", "general", t_private, a_private, t_pm)
    return Side(t1, t2, a1, "general", "ados-general", a_private, t_private, a_pm)


async def _http(c: ChatClient, path: str) -> tuple[int, Any]:
    return await c.get(path)


async def test_room_list(side: Side) -> None:
    status, body = await _http(side.me, "/api/rooms")
    assert status == 200
    band = side.me.session["band"]
    ids = {r["id"] for r in body["rooms"]}
    assert all(r["band"] == band for r in body["rooms"])
    assert side.my_room in ids and side.my_private in ids
    assert side.other_room not in ids and side.other_private not in ids


async def test_join(side: Side, no_tracebacks) -> None:
    unknown = await side.me.error({"type": "join", "room": "no-such-room"})
    assert unknown == "room_unknown"
    assert await side.me.error({"type": "join", "room": side.other_room}) == unknown
    assert await side.me.error({"type": "join", "room": side.other_private}) == unknown
    joined = await side.peer.join(side.my_room)
    assert joined["room"]["band"] == side.me.session["band"]


async def test_history_over_http(side: Side) -> None:
    missing = await _http(side.me, "/api/rooms/no-such-room/history")
    assert missing[0] == 404 and missing[1]["error"]["code"] == "room_unknown"
    assert await _http(side.me, f"/api/rooms/{side.other_room}/history") == missing
    assert await _http(side.me, f"/api/rooms/{side.other_private}/history") == missing
    status, mine = await _http(side.me, f"/api/rooms/{side.my_room}/history")
    assert status == 200 and mine["messages"]


async def test_presence(side: Side, new_client) -> None:
    got = await side.me.request({"type": "presence"}, "presence")
    names = {p["pseudo"] for p in got["people"]}
    assert side.peer.pseudo in names and side.other.pseudo not in names
    assert {p["band"] for p in got["people"]} == {side.me.session["band"]}
    # Nobody of the other band comes in as a diff; someone of my band does.
    other_age, my_age = (16, 50) if side.me.session["band"] == "adult" else (40, 17)
    await new_client("Nouveau_1", age=other_age)
    await new_client("Nouveau_2", age=my_age)
    diff = await side.me.recv("presence_diff")
    assert [p["pseudo"] for p in diff["added"]] == ["Nouveau_2"]
    await side.me.nothing("presence_diff")
    got = await side.me.request({"type": "presence", "filters": {"age_min": 0, "age_max": 200}}, "presence")
    assert "Nouveau_1" not in {p["pseudo"] for p in got["people"]}


async def test_pm_by_pseudonym_is_refused_and_recorded(side: Side, server, no_tracebacks) -> None:
    unknown = await side.me.error({"type": "pm", "to": "Personne_42", "text": "coucou", "client_id": "x1"})
    assert unknown == "user_unknown"
    assert await server.core.signals.list(kind="cross_band_attempt") == []
    # By exact name and by another capitalisation.
    for name in (side.other.pseudo, side.other.pseudo.upper()):
        assert await side.me.error({"type": "pm", "to": name, "text": "coucou", "client_id": name}) == unknown
    await side.other.nothing("pm_opened")
    await side.other.nothing("pm_message", **{"from": side.me.pseudo})
    [signal] = await server.core.signals.list(kind="cross_band_attempt")
    assert signal.session_id == side.me.session["id"]
    assert signal.data["action"] == "pm" and signal.data["target"] == side.other.session["id"]
    assert signal.device_hash and signal.network_hash
    # Within the band, the same frame works.
    assert (await side.me.pm(side.peer.pseudo, "coucou"))["type"] == "ack"


async def test_pm_by_conversation_id(side: Side, no_tracebacks) -> None:
    unknown = await side.me.error({"type": "pm", "pm": 99_999, "text": "hé", "client_id": "y1"})
    assert unknown == "pm_unknown"
    assert await side.me.error({"type": "pm", "pm": side.other_pm, "text": "hé", "client_id": "y2"}) == unknown
    assert await side.me.error({"type": "typing", "pm": side.other_pm}) == unknown
    assert await side.me.error({"type": "read", "pm": side.other_pm, "seq": 1}) == unknown
    await side.other.nothing("pm_message", **{"from": side.me.pseudo})
    await side.other.nothing("typing")


async def test_pm_history_over_http(side: Side) -> None:
    missing = await _http(side.me, "/api/pms/99999/history")
    assert missing[0] == 404 and missing[1]["error"]["code"] == "pm_unknown"
    assert await _http(side.me, f"/api/pms/{side.other_pm}/history") == missing


async def test_resume_does_not_reach_the_other_band(side: Side) -> None:
    await side.me.drop()
    await side.me.connect(resume={"rooms": {side.other_room: 0}, "pms": {str(side.other_pm): 0}})
    await side.me.nothing("message")
    await side.me.nothing("pm_message")


async def test_invite(side: Side, server, no_tracebacks) -> None:
    frame = {"type": "invite", "room": side.my_private, "pseudo": "Personne_42"}
    assert await side.me.error(frame) == "user_unknown"
    assert await side.me.error({**frame, "pseudo": side.other.pseudo}) == "user_unknown"
    await side.other.nothing("invitation")
    [signal] = await server.core.signals.list(kind="cross_band_attempt")
    assert signal.data["action"] == "invite" and signal.data["target"] == side.other.session["id"]
    # Nor can the other band's creator invite me into theirs.
    assert await side.other.error({"type": "invite", "room": side.other_private,
                                   "pseudo": side.me.pseudo}) == "user_unknown"
    await side.me.nothing("invitation")
    got = await side.me.request({**frame, "pseudo": side.peer.pseudo}, "invited")
    assert got["type"] == "invited"


async def test_ignore_and_unignore(side: Side, no_tracebacks) -> None:
    for kind in ("ignore", "unignore"):
        unknown = await side.me.error({"type": kind, "pseudo": "Personne_42"})
        assert unknown == "user_unknown"
        assert await side.me.error({"type": kind, "pseudo": side.other.pseudo}) == unknown
    got = await side.me.request({"type": "ignore", "pseudo": side.peer.pseudo}, "ignored")
    assert got["pseudos"] == [side.peer.pseudo]


async def test_member_counts_of_the_other_band_are_not_pushed(side: Side, new_client) -> None:
    other_age = 16 if side.me.session["band"] == "adult" else 40
    newcomer = await new_client("Nouveau_3", age=other_age)
    await newcomer.join(side.other_room)
    await side.me.nothing("members", room=side.other_room)
