"""Age consistency: a device or network seen declaring an adult age within 30 days stays out of the
teen band; any change of declared band from one device or network is a signal for moderators."""

from __future__ import annotations

from policy_helpers import post_session, world

DAY = 86_400


async def test_adult_device_is_kept_out_of_the_teen_band_for_30_days(settings, no_tracebacks) -> None:
    async with world(settings) as w:
        await w.enter("Adulte_1", 34, device="dev-A")
        w.clock.advance(29 * DAY)
        code = await w.refused("Ado_1", 16, device="dev-A")
        assert code == "entry_unavailable"
        [signal] = await w.signals("adult_device_in_teen_band")
        assert signal.session_id is None and signal.data["via"] == ["device"]
        assert signal.data["declared_age"] == 16 and signal.device_hash
        # Nothing was created: the pseudonym is free, and nobody of that name is online.
        assert w.core.directory.find("Ado_1") is None
        assert await w.core.sessions.live_by_pseudo("Ado_1") is None
        # Another device on another network is not concerned.
        other = await w.enter("Ado_1", 16, device="dev-B")
        assert other.session["band"] == "teen"
        w.clock.advance(2 * DAY)  # 31 days after the adult declaration
        again = await w.enter("Ado_2", 16, device="dev-A")
        assert again.session["band"] == "teen"
        assert len(await w.signals("adult_device_in_teen_band")) == 1
        assert await w.signals("age_band_change") == []  # the adult session is older than 30 days


async def test_adult_network_is_kept_out_of_the_teen_band_for_30_days(settings) -> None:
    async with world(settings) as w:
        await w.enter("Adulte_1", 19, device="dev-A", ip="203.0.113.7")
        w.clock.advance(29 * DAY)
        assert await w.refused("Ado_1", 17, device="dev-B", ip="203.0.113.7") == "entry_unavailable"
        [signal] = await w.signals("adult_device_in_teen_band")
        assert signal.data["via"] == ["network"] and signal.network_hash
        assert (await w.enter("Ado_1", 17, device="dev-C", ip="198.51.100.1")).session["band"] == "teen"
        w.clock.advance(2 * DAY)
        assert (await w.enter("Ado_2", 17, device="dev-D", ip="203.0.113.7")).session["band"] == "teen"


async def test_refusal_message_is_neutral_and_bilingual(settings) -> None:
    async with world(settings) as w:
        await w.enter("Adulte_1", 30, device="dev-A")
        client = w.clients[0]
        status, body, _ = await post_session(client, "Ado_1", 15, device="dev-A", ip="192.0.2.1")
        assert status == 403 and body["error"]["code"] == "entry_unavailable"
        message = body["error"]["message"]
        assert message["fr"] and message["en"]
        for word in ("adult", "majeur", "18", "âge", "age"):
            assert word not in message["en"].lower() and word not in message["fr"].lower()


async def test_network_rule_can_be_switched_off_but_the_change_is_still_recorded(settings) -> None:
    async with world(settings, network_age_rule=False) as w:
        adult = await w.enter("Adulte_1", 30, device="dev-A", ip="203.0.113.7")
        teen = await w.enter("Ado_1", 16, device="dev-B", ip="203.0.113.7")
        assert teen.session["band"] == "teen"
        [change] = await w.signals("age_band_change")
        assert change.session_id == teen.session["id"]
        assert change.data["from"] == "adult" and change.data["to"] == "teen" and change.data["via"] == "network"
        assert change.data["sessions"] == [adult.session["id"]]
        # The device half still applies.
        assert await w.refused("Ado_2", 16, device="dev-A", ip="198.51.100.9") == "entry_unavailable"


async def test_teen_then_adult_on_one_device_is_let_in_and_recorded(settings) -> None:
    async with world(settings) as w:
        teen = await w.enter("Ado_1", 17, device="dev-A")
        w.clock.advance(3 * DAY)
        adult = await w.enter("Adulte_1", 18, device="dev-A")
        assert adult.session["band"] == "adult"
        [change] = await w.signals("age_band_change")
        assert change.session_id == adult.session["id"] and change.data["via"] == "device"
        assert change.data["from"] == "teen" and change.data["to"] == "adult"
        assert change.data["sessions"] == [teen.session["id"]] and change.data["declared_age"] == 18
        # From now on, this device is an adult one for 30 days.
        assert await w.refused("Ado_2", 17, device="dev-A") == "entry_unavailable"


async def test_same_band_on_the_same_device_is_no_signal(settings) -> None:
    async with world(settings) as w:
        await w.enter("Ado_1", 15, device="dev-A", ip="203.0.113.7")
        await w.enter("Ado_2", 17, device="dev-A", ip="203.0.113.7")
        await w.enter("Ado_3", 16, device="dev-B", ip="203.0.113.7")
        assert await w.signals("age_band_change") == []
        assert await w.signals("adult_device_in_teen_band") == []


async def test_bands_follow_the_configured_ages(settings) -> None:
    from chat_client import ChatClient, EntryRefused, start_server

    srv, runner = await start_server(settings.with_(teen_min_age=16, adult_min_age=21))
    try:
        c = ChatClient(srv.url)
        try:
            try:
                await c.enter("Quinze_1", age=15)
                raise AssertionError("15 let in")
            except EntryRefused as refusal:
                assert refusal.code == "age_too_young"
            async with c.http.post(f"{srv.url}/api/session", json={
                    "pseudo": "Quinze_2", "age": 15, "gender": "man", "postal_code": "75011"}) as resp:
                assert (await resp.json())["error"]["message"]["fr"].endswith("16 ans et plus.")
            assert (await c.enter("Vingt_1", age=20))["session"]["band"] == "teen"
            assert (await c.enter("Vingt_2", age=21))["session"]["band"] == "adult"
        finally:
            await c.close()
    finally:
        await runner.cleanup()
