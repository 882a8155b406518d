"""Rate limits and contact rules, each at, below and above its threshold, with a hand-moved clock.

Defaults (docs/policy.md): new PM conversations 10/h for adults, 5/h for teens, 3 and 2 in a session's
first 10 minutes; messages 8 at once then one every 2 s; joins 12 at once then one every 10 s; entries
10 per device and 60 per network at once. Every refusal has a code, both languages and `retry_after`,
and changes nothing.
"""

from __future__ import annotations

from causerie.policy.contact import has_link
from policy_helpers import World, fresh_ip, post_session, world

OLD = 11 * 60  # seconds: past a session's first 10 minutes


async def _people(w: World, n: int, age: int, prefix: str) -> list[str]:
    return [(await w.enter(f"{prefix}_{i}", age, connect=False)).pseudo for i in range(n)]


async def test_adult_opens_10_new_conversations_per_hour(settings, no_tracebacks) -> None:
    async with world(settings) as w:
        me = await w.enter("Adulte_0", 30)
        names = await _people(w, 12, 30, "Pair")
        w.clock.advance(OLD)
        for name in names[:10]:
            assert (await me.pm(name, "bonjour"))["type"] == "ack"
            w.clock.advance(2)  # the message bucket refills; the PM one barely moves
        refused = await me.request({"type": "pm", "to": names[10], "text": "bonjour", "client_id": "x"}, "ack")
        assert refused["type"] == "error" and refused["code"] == "pm_limit"
        assert refused["message"]["fr"] and refused["message"]["en"]
        assert 300 <= refused["retry_after"] <= 360
        assert await w.core.pms.between(me.session["id"], w.core.directory.find(names[10]).session_id) is None
        # Existing conversations carry on.
        assert (await me.pm(names[0], "toujours là"))["type"] == "ack"
        [signal] = await w.signals("mass_contact")
        assert signal.session_id == me.session["id"] and signal.data["limit"] == "pmnew"
        w.clock.advance(refused["retry_after"])
        assert (await me.pm(names[10], "bonjour"))["type"] == "ack"


async def test_teen_opens_5_new_conversations_per_hour(settings) -> None:
    async with world(settings) as w:
        me = await w.enter("Ado_0", 16)
        names = await _people(w, 6, 16, "Jeune")
        w.clock.advance(OLD)
        for name in names[:5]:
            assert (await me.pm(name, "salut"))["type"] == "ack"
            w.clock.advance(2)
        got = await me.request({"type": "pm", "to": names[5], "text": "salut", "client_id": "x"}, "ack")
        assert got["code"] == "pm_limit" and got["retry_after"] > 600


async def test_first_ten_minutes_are_stricter(settings) -> None:
    async with world(settings) as w:
        names = await _people(w, 4, 30, "Pair")
        me = await w.enter("Adulte_0", 30)
        for name in names[:3]:
            assert (await me.pm(name, "bonjour"))["type"] == "ack"
            w.clock.advance(2)
        got = await me.request({"type": "pm", "to": names[3], "text": "bonjour", "client_id": "x"}, "ack")
        assert got["code"] == "pm_limit" and got["retry_after"] <= 200
        [signal] = await w.signals("mass_contact")
        assert signal.data["new_session"] is True
        w.clock.advance(got["retry_after"])
        assert (await me.pm(names[3], "bonjour"))["type"] == "ack", got


async def test_recipient_of_a_first_pm_sees_age_and_band_and_can_ignore(settings) -> None:
    async with world(settings) as w:
        a = await w.enter("Ado_A", 17)
        b = await w.enter("Ado_B", 15)
        await a.pm("Ado_B", "coucou")
        opened = await b.recv("pm_opened")
        assert opened["pm"]["peer"]["age"] == 17 and opened["pm"]["peer"]["band"] == "teen"
        assert (await b.request({"type": "ignore", "pseudo": "Ado_A"}, "ignored"))["pseudos"] == ["Ado_A"]
        w.clock.advance(2)
        assert (await a.request({"type": "pm", "to": "Ado_B", "text": "re", "client_id": "r"}, "ack"))[
            "code"] == "pm_refused"


async def test_messages_8_at_once_then_one_every_2_seconds(settings) -> None:
    async with world(settings) as w:
        me = await w.enter("Adulte_0", 30)
        reader = await w.enter("Lecteur_0", 30)
        await me.join("general")
        await reader.join("general")
        for i in range(8):
            await me.say("general", f"message {i}")
        got = await me.request({"type": "send", "room": "general", "text": "un de trop", "client_id": "x"}, "ack")
        assert got["type"] == "error" and got["code"] == "rate_limited" and got["retry_after"] == 2
        assert got["ref"] == "x"
        status, page = await me.get("/api/rooms/general/history")
        assert [m["text"] for m in page["messages"]][-1] == "message 7" and len(page["messages"]) == 8
        [signal] = await w.signals("rate_limited")
        assert signal.data["limit"] == "msg" and signal.data["scope"] == "s"
        w.clock.advance(2)
        assert (await me.say("general", "un de plus"))["seq"] == 9
        assert [(await reader.recv("message", room="general"))["seq"] for _ in range(9)] == list(range(1, 10))


async def test_joins_12_at_once_then_one_every_10_seconds(settings) -> None:
    async with world(settings) as w:
        me = await w.enter("Adulte_0", 30)
        for _ in range(6):
            await me.join("musique")
            await me.request({"type": "leave", "room": "musique"}, "left")
            await me.join("sport")
            await me.request({"type": "leave", "room": "sport"}, "left")
        got = await me.request({"type": "join", "room": "musique"}, "joined")
        assert got["code"] == "rate_limited" and got["retry_after"] == 10
        assert "musique" not in await w.core.rooms.rooms_of(me.session["id"])
        w.clock.advance(10)
        await me.join("musique")


async def test_entries_per_device_and_per_network(settings) -> None:
    async with world(settings) as w:
        for i in range(10):
            await w.enter(f"Meme_app_{i}", 30, device="dev-1", connect=False)
        assert await w.refused("Meme_app_10", 30, device="dev-1") == "rate_limited"
        assert (await w.enter("Autre_app", 30, device="dev-2", connect=False)).session
        net = "203.0.113.50"
        for i in range(60):
            await w.enter(f"Meme_net_{i}", 30, ip=net, connect=False)
        client = w.clients[0]
        status, body, headers = await post_session(client, "Meme_net_60", 30, device=None, ip=net)
        assert status == 429 and body["error"]["code"] == "rate_limited"
        assert body["error"]["retry_after"] == 5 and headers["Retry-After"] == "5"
        assert await w.core.sessions.live_by_pseudo("Meme_net_60") is None
        status, _, _ = await post_session(client, "Meme_net_60", 30, device=None, ip=fresh_ip())
        assert status == 201
        w.clock.advance(5)
        status, _, _ = await post_session(client, "Meme_net_61", 30, device=None, ip=net)
        assert status == 201


async def test_no_links_in_the_teen_band(settings) -> None:
    async with world(settings) as w:
        t1 = await w.enter("Ado_1", 16)
        await w.enter("Ado_2", 16)
        a1 = await w.enter("Adulte_1", 30)
        await w.enter("Adulte_2", 30)
        await t1.join("ados-general")
        for text in ("viens sur https://exemple.org", "www.insta-truc.fr", "mon-site.com/page",
                     "discord.gg/abcd", "snap . com / moi", "tinyurl(dot)com"):
            w.clock.advance(2)
            got = await t1.request({"type": "pm", "to": "Ado_2", "text": text, "client_id": text}, "ack")
            assert got["code"] == "link_not_allowed", text
            got = await t1.request({"type": "send", "room": "ados-general", "text": text, "client_id": text},
                                   "ack")
            assert got["code"] == "link_not_allowed", text
        assert await w.core.pms.of(t1.session["id"]) == []
        w.clock.advance(2)
        assert (await t1.pm("Ado_2", "Salut. Tu fais quoi ce soir ? J'ai fini mes devoirs."))["type"] == "ack"
        assert (await a1.pm("Adulte_2", "regarde https://exemple.org"))["type"] == "ack"


def test_link_detector() -> None:
    for text in ("http://a.b", "HTTPS://X.FR", "www.site", "bit.ly/xyz", "site.fr", "ok google.com ?"):
        assert has_link(text), text
    for text in ("salut ça va", "J'ai 16 ans. Et toi ?", "à 8h30.", "le cours de français", "1.5 km"):
        assert not has_link(text), text
