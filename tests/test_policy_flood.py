"""Slow mode (set by a moderator, and automatic during a join wave) and duplicate blasts."""

from __future__ import annotations

import pytest

from causerie.actions.held import do_release_held
from causerie.actions.slow_mode import do_set_slow_mode
from causerie.errors import CauserieError
from policy_helpers import world

OLD = 11 * 60


async def test_moderator_slow_mode(settings, no_tracebacks) -> None:
    async with world(settings) as w:
        me = await w.enter("Adulte_0", 30)
        await me.join("general")
        await me.join("sport")
        await do_set_slow_mode(w.core, "general", 30)
        await me.say("general", "un")
        got = await me.request({"type": "send", "room": "general", "text": "deux", "client_id": "d"}, "ack")
        assert got["code"] == "slow_mode" and got["retry_after"] == 30 and "30 s" in got["message"]["en"]
        await me.say("sport", "ailleurs, pas de mode lent")
        w.clock.advance(29)
        got = await me.request({"type": "send", "room": "general", "text": "deux", "client_id": "d2"}, "ack")
        assert got["code"] == "slow_mode" and got["retry_after"] == 1
        w.clock.advance(1)
        assert (await me.say("general", "deux"))["seq"] == 2
        await do_set_slow_mode(w.core, "general", 0)
        assert (await me.say("general", "trois"))["seq"] == 3
        for bad in (-1, 3601):
            with pytest.raises(CauserieError) as refused:
                await do_set_slow_mode(w.core, "general", bad)
            assert refused.value.code == "slow_mode_invalid"
        with pytest.raises(CauserieError) as refused:
            await do_set_slow_mode(w.core, "nulle-part", 10)
        assert refused.value.code == "room_unknown"


async def test_slow_mode_survives_a_restart(settings) -> None:
    async with world(settings) as w:
        await do_set_slow_mode(w.core, "musique", 15)
    async with world(settings) as w:
        me = await w.enter("Adulte_0", 30)
        await me.join("musique")
        await me.say("musique", "un")
        got = await me.request({"type": "send", "room": "musique", "text": "deux", "client_id": "d"}, "ack")
        assert got["code"] == "slow_mode" and got["retry_after"] == 15


async def test_join_wave_slows_the_room_for_newcomers(settings) -> None:
    async with world(settings) as w:
        regular = await w.enter("Habitue_0", 30)
        await regular.join("cinema-series")
        w.clock.advance(OLD)
        newcomers = [await w.enter(f"Nouveau_{i}", 30) for i in range(11)]
        for c in newcomers[:10]:
            await c.join("cinema-series")
        assert w.core.policy.slow_mode("cinema-series") is None
        assert await w.signals("join_wave") == []
        await newcomers[10].join("cinema-series")
        mode = w.core.policy.slow_mode("cinema-series")
        assert mode is not None and mode.newcomers_only and mode.seconds == 10
        [signal] = await w.signals("join_wave")
        assert signal.data["room"] == "cinema-series"
        await newcomers[0].say("cinema-series", "coucou")
        got = await newcomers[0].request({"type": "send", "room": "cinema-series", "text": "re",
                                          "client_id": "r"}, "ack")
        assert got["code"] == "slow_mode" and got["retry_after"] == 10
        await regular.say("cinema-series", "bienvenue")
        await regular.say("cinema-series", "à tous")  # people already here are not slowed
        # The wave's slow mode ends by itself.
        w.clock.advance(600)
        await newcomers[0].say("cinema-series", "re")
        await newcomers[0].say("cinema-series", "re re")


async def test_old_sessions_joining_together_are_no_wave(settings) -> None:
    async with world(settings) as w:
        people = [await w.enter(f"Habitue_{i}", 30) for i in range(12)]
        w.clock.advance(OLD)
        for c in people:
            await c.join("amities")
        assert w.core.policy.slow_mode("amities") is None


async def test_same_text_to_more_than_5_rooms_or_people_is_held(settings, no_tracebacks) -> None:
    async with world(settings) as w:
        spammer = await w.enter("Vendeur_0", 30)
        readers = [await w.enter(f"Lecteur_{i}", 30) for i in range(3)]
        rooms = ["general", "musique", "sport", "amities"]
        for room in rooms:
            await spammer.join(room)
        await readers[0].join("amities")
        w.clock.advance(OLD)
        texts = ["Qui veut parler de cuisine italienne ce soir ? 1",
                 "qui VEUT parler de cuisine italienne ce soir 2 !!",
                 "Qui veut parler de cuisiiine italienne, ce soir ?"]
        for i, room in enumerate(rooms[:3]):
            assert (await spammer.say(room, texts[i % 3]))["type"] == "ack"
            w.clock.advance(3)
        for i, reader in enumerate(readers[1:]):
            assert (await spammer.pm(reader.pseudo, texts[i]))["type"] == "ack"
            w.clock.advance(3)
        # Fifth target went through; the sixth distinct one is held.
        got = await spammer.request({"type": "send", "room": "amities", "text": texts[0], "client_id": "h"}, "ack")
        assert got["type"] == "error" and got["code"] == "message_held" and got["category"] == "spam"
        assert got["message"]["fr"] and got["message"]["en"]
        await readers[0].nothing("message", room="amities")
        [held] = await w.core.screened.pending()
        assert held.category == "spam" and held.room_id == "amities" and held.action == "hold"
        [signal] = await w.signals("duplicate_blast")
        assert signal.session_id == spammer.session["id"] and signal.data["targets"] == 6
        # Once it is a blast, every copy waits for review, even where it already went; other texts pass.
        w.clock.advance(3)
        got = await spammer.request({"type": "send", "room": "general", "text": texts[1], "client_id": "h2"}, "ack")
        assert got["code"] == "message_held"
        w.clock.advance(3)
        assert (await spammer.say("amities", "Quelqu'un a vu le dernier film de Kore-eda ?"))["type"] == "ack"
        # A moderator may release the held message: it is delivered like a new one.
        ack = await do_release_held(w.core, held.id)
        assert ack is not None
        assert (await readers[0].recv("message", room="amities", seq=ack.seq))["text"] == texts[0]
        # Ten minutes later the window has passed.
        w.clock.advance(600)
        assert (await spammer.say("amities", texts[2]))["type"] == "ack"


async def test_short_greetings_to_many_people_are_not_a_blast(settings) -> None:
    async with world(settings) as w:
        me = await w.enter("Poli_0", 30)
        others = [await w.enter(f"Voisin_{i}", 30, connect=False) for i in range(7)]
        w.clock.advance(OLD)
        for i, other in enumerate(others[:7]):
            if i == 6:
                break
            assert (await me.pm(other.pseudo, "Salut, ça va ?"))["type"] == "ack"
            w.clock.advance(400)  # PM openings: 10 per hour
        assert await w.signals("duplicate_blast") == []
