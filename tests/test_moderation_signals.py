"""Safety signals become cases: a duplicate blast opens a case about the sender (with every held copy to
release or delete), a join wave a case about the room, and a limit doing its job none."""

from __future__ import annotations

from moderation_helpers import add_console
from policy_helpers import world

OLD = 11 * 60


async def test_a_duplicate_blast_shows_up_as_a_case_in_the_queue(settings) -> None:
    async with world(settings) as w:
        spammer = await w.enter("Vendeur_0", 30)
        reader = await w.enter("Lecteur_0", 30)
        rooms = ["general", "musique", "sport", "amities", "cinema-series", "jeux-video"]
        for room in rooms:
            await spammer.join(room)
        await reader.join("jeux-video")
        w.clock.advance(OLD)
        text = "Venez tous voir ma chaîne de recettes de cuisine italienne ce soir"
        for room in rooms[:5]:
            assert (await spammer.say(room, text))["type"] == "ack"
            w.clock.advance(3)
        got = await spammer.request({"type": "send", "room": "jeux-video", "text": text, "client_id": "b6"}, "ack")
        assert got["type"] == "error" and got["code"] == "message_held"
        console = await add_console(w.server, "modo1", "moderator")
        [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
        assert case["pseudo"] == "Vendeur_0" and case["target_kind"] == "session"
        assert case["category"] == "scam" and case["queue"] == "moderator"
        _, view = await console.call("GET", f"/api/mod/cases/{case['id']}")
        kinds = {i["kind"]: i for i in view["items"]}
        assert kinds["signal"]["signal"] == "duplicate_blast" and kinds["signal"]["data"]["targets"] == 6
        assert kinds["signal"]["confidence"] == 0.8
        held = kinds["screened"]
        assert held["room"] == "jeux-video" and held["status"] == "pending" and held["labels"] == ["duplicate_blast"]
        # the moderator releases the held copy from the case: it reaches the room like a new message
        await console.call("POST", f"/api/mod/cases/{case['id']}/claim")
        status, out = await console.call("POST", f"/api/mod/cases/{case['id']}/actions",
                                         {"action": "release", "screened": held["id"]})
        assert status == 200 and out["status"] == "released"
        assert (await reader.recv("message", room="jeux-video"))["text"] == text
        await console.close()


async def test_a_join_wave_is_a_case_about_the_room_and_rate_limits_are_none(settings) -> None:
    async with world(settings) as w:
        w.clock.advance(OLD)
        newcomers = [await w.enter(f"Nouveau_{i}", 30) for i in range(11)]
        for c in newcomers:
            await c.join("cinema-series")
        [signal] = await w.signals("join_wave")
        console = await add_console(w.server, "modo1", "moderator")
        w.clients.append(console)  # type: ignore[arg-type]  # closed at the end, even on failure
        [case] = (await console.call("GET", "/api/mod/cases"))[1]["cases"]
        assert case["target_kind"] == "room" and case["target"] == "cinema-series"
        _, view = await console.call("GET", f"/api/mod/cases/{case['id']}")
        [item] = view["items"]
        assert item["kind"] == "signal" and item["id"] == signal.id and item["signal"] == "join_wave"
        # the newcomer whose join tipped the wave is someone the moderator may act on from the room case
        assert [(p["session"], p["seen"]) for p in view["room_people"]] == [(signal.session_id, ["signal"])]
        # a flood of sends is refused by the rate limit: a signal, but no case
        talker = newcomers[0]
        await talker.join("general")
        for i in range(40):
            got = await talker.request({"type": "send", "room": "general", "text": f"x{i}",
                                        "client_id": f"f{i}"}, "ack")
            if got["type"] == "error" and got["code"] == "rate_limited":
                break
        assert await w.signals("rate_limited")
        assert len((await console.call("GET", "/api/mod/cases"))[1]["cases"]) == 1
