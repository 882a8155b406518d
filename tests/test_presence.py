"""The people list: band only, filters, distance bands, pushed as diffs."""

from __future__ import annotations

from causerie.domain import Band, Gender, Person, Place
from causerie.presence import Directory


async def test_presence_lists_people_of_my_band_with_filters(new_client) -> None:
    me = await new_client("Moi_75", postal_code="75011")
    await new_client("Femme_92", age=31, gender="woman", postal_code="92100")
    await new_client("Homme_69", age=45, gender="man", postal_code="69001")
    await new_client("Autre_75", age=22, gender="other", postal_code="75005")
    await new_client("Ado_75", age=16, gender="woman", postal_code="75011")
    got = await me.request({"type": "presence"}, "presence")
    people = {p["pseudo"]: p for p in got["people"]}
    assert set(people) == {"Femme_92", "Homme_69", "Autre_75"}  # not me, not the teen
    assert people["Femme_92"] == {"pseudo": "Femme_92", "age": 31, "gender": "woman",
                                  "commune": "Boulogne Billancourt", "departement": "92", "distance": "10-50",
                                  "band": "adult"}
    assert people["Autre_75"]["distance"] == "lt10"
    assert people["Homme_69"]["distance"] == "gt200"

    async def names(filters):  # type: ignore[no-untyped-def]
        got = await me.request({"type": "presence", "filters": filters}, "presence")
        return {p["pseudo"] for p in got["people"]}

    assert await names({"gender": ["woman", "other"]}) == {"Femme_92", "Autre_75"}
    assert await names({"age_min": 30}) == {"Femme_92", "Homme_69"}
    assert await names({"age_min": 20, "age_max": 40}) == {"Femme_92", "Autre_75"}
    assert await names({"departement": "69"}) == {"Homme_69"}
    assert await names({"distance": ["lt10", "10-50"]}) == {"Femme_92", "Autre_75"}


async def test_presence_changes_are_pushed_as_diffs(new_client, server) -> None:
    me = await new_client("Moi_75")
    await me.request({"type": "presence", "filters": {"gender": ["woman"]}}, "presence")
    woman = await new_client("Elle_1", gender="woman")
    diff = await me.recv("presence_diff")
    assert [p["pseudo"] for p in diff["added"]] == ["Elle_1"] and diff["removed"] == []
    await new_client("Lui_1", gender="man")  # filtered out: no diff
    await new_client("Ado_1", age=15, gender="woman")  # other band: no diff
    await me.nothing("presence_diff")
    async with woman.http.delete(f"{server.url}/api/session",
                                 headers={"Authorization": f"Bearer {woman.token}"}) as resp:
        assert resp.status == 204
    diff = await me.recv("presence_diff")
    assert diff == {"type": "presence_diff", "added": [], "removed": ["Elle_1"]}


async def test_bad_filters_are_refused(new_client, no_tracebacks) -> None:
    me = await new_client("Moi_75")
    assert await me.error({"type": "presence", "filters": {"gender": ["robot"]}}) == "bad_frame"
    assert await me.error({"type": "presence", "filters": {"distance": ["far"]}}) == "bad_frame"
    assert await me.error({"type": "presence", "filters": {"age_min": "x"}}) == "bad_frame"


def test_directory_replace_becomes_what_the_database_says() -> None:
    place = Place("75011", "75111", "Paris 11e", "75", 48.86, 2.38)

    def person(sid: str) -> Person:
        return Person(sid, f"P_{sid}", 30, Gender.OTHER, Band.ADULT, place)

    d = Directory()
    for sid in ("gone", "stays"):
        d.add(person(sid))
        d.join("general", sid)
    d.join("paris", "stays")
    # After a resync the database says: `gone` ended, `new` arrived, `stays` is only in `general`.
    d.replace({"stays": person("stays"), "new": person("new")}, {"general": {"stays", "new"}})
    assert set(d.people) == {"stays", "new"}
    assert d.find("P_gone") is None and d.find("P_new") is not None
    assert d.room_members == {"general": {"stays", "new"}, "paris": set()}
