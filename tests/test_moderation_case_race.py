"""One open case per target: reports and signals about one target arriving together (on one node, or on
two nodes sharing PostgreSQL) all land in a single open case, whose priority counts every item."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from causerie.moderation.cases import do_add_to_case, priority, queue_of
from causerie.storage.cases import Case, CaseStore
from chat_client import start_server
from moderation_helpers import report

REPORTERS = 10  # the audit log retries an append 20 times: at most 20 appends in this burst
ADDITIONS = 60


async def open_cases(store: CaseStore, target_kind: str, target: str) -> list[Case]:
    return [c for c in await store.of_target(target_kind, target) if c.status == "open" and c.kind == "case"]


async def assert_one_case_with(store: CaseStore, target_kind: str, target: str, refs: list[int]) -> Case:
    """Exactly one open case about the target; it holds every item, and its priority, category and queue
    are those of all its items."""
    [case] = await open_cases(store, target_kind, target)
    items = await store.items(case.id)
    assert sorted(i.ref_id for i in items) == sorted(refs)
    assert (case.priority, case.category) == priority(items, case.urgent)
    assert case.role == queue_of([i.category for i in items])
    return case


async def test_reports_sent_at_once_about_one_person_open_one_case(server, new_client, no_tracebacks) -> None:
    target = await new_client("Cible_1")
    reporters = [await new_client(f"Temoin_{i}") for i in range(REPORTERS)]
    sent = await asyncio.gather(*(report(r, {"category": "harassment", "pseudo": "Cible_1"}) for r in reporters))
    assert [status for status, _ in sent] == [201] * REPORTERS, sent
    report_ids = [body["id"] for _, body in sent]
    store = server.core.moderation.cases
    case = await assert_one_case_with(store, "session", target.session["id"], report_ids)
    for report_id in report_ids:
        stored = await server.core.moderation.reports.get(report_id)
        assert stored is not None and stored.case_id == case.id


async def test_additions_at_once_from_two_nodes_open_one_case(server, settings, backend, no_tracebacks) -> None:
    """Signals and screened messages about one session, many at a time; on PostgreSQL from two nodes of
    one cluster (two applications on one database and one Redis prefix). SQLite runs a single node."""
    nodes = [server.core]
    second: Any = None
    if backend == "postgres":
        other, second = await start_server(settings)
        nodes.append(other.core)
    try:
        categories = ["harassment", "scam", "sexual_minor", "other", "threat"]
        ids = await asyncio.gather(*(
            do_add_to_case(nodes[i % len(nodes)], target_kind="session", target="s-race", kind="signal",
                           ref_id=1000 + i, category=categories[i % len(categories)], confidence=0.1 + (i % 9) / 10)
            for i in range(ADDITIONS)))
        case = await assert_one_case_with(server.core.moderation.cases, "session", "s-race",
                                          [1000 + i for i in range(ADDITIONS)])
        assert set(ids) == {case.id}
        assert case.role == "child_safety" and case.category == "sexual_minor"
        # a room is another target: its own case, and only one however many arrive together
        room_ids = await asyncio.gather(*(
            do_add_to_case(nodes[i % len(nodes)], target_kind="room", target="s-race", kind="signal",
                           ref_id=5000 + i, category="other", confidence=0.5) for i in range(10)))
        room_case = await assert_one_case_with(server.core.moderation.cases, "room", "s-race",
                                               [5000 + i for i in range(10)])
        assert set(room_ids) == {room_case.id} != {case.id}
    finally:
        if second is not None:
            await second.cleanup()


class LateLookup(CaseStore):
    """A store whose first look-up misses the open case: it looked just before another creator (a task,
    another node) committed theirs."""

    def __init__(self, store: CaseStore) -> None:
        super().__init__(store.engine)
        self.missed = 0

    async def open_for(self, target_kind: str, target: str) -> Case | None:
        if not self.missed:
            self.missed += 1
            return None
        return await super().open_for(target_kind, target)


def opening(now: int) -> dict[str, Any]:
    return {"category": "scam", "role": "moderator", "priority": 0.0, "urgent": False, "created_at": now,
            "updated_at": now}


async def test_the_creator_who_loses_the_race_gets_the_winners_case(server) -> None:
    store = server.core.moderation.cases
    now = server.core.clock.now_ms()
    winner = await store.open_case("session", "s-late", **opening(now))
    late = LateLookup(store)
    got = await late.open_case("session", "s-late", **opening(now))
    assert late.missed == 1 and got.id == winner.id
    assert [c.id for c in await open_cases(store, "session", "s-late")] == [winner.id]


async def test_the_database_holds_one_open_case_per_target(server) -> None:
    store = server.core.moderation.cases
    now = server.core.clock.now_ms()
    first = await store.create(kind="case", target_kind="session", target="s-one", **opening(now))
    with pytest.raises(IntegrityError):
        await store.create(kind="case", target_kind="session", target="s-one", **opening(now))
    # an appeal about the same person, and the same target as a room, are other things
    await store.create(kind="appeal", target_kind="session", target="s-one", **opening(now))
    await store.create(kind="case", target_kind="room", target="s-one", **opening(now))
    # once the case is closed, the next report or signal opens a new one (the closed one stays closed)
    assert await store.close(first, None, "dismissed", now)
    case_id = await do_add_to_case(server.core, target_kind="session", target="s-one", kind="signal", ref_id=1,
                                   category="scam", confidence=0.5)
    assert case_id != first
    assert [c.id for c in await open_cases(store, "session", "s-one")] == [case_id]
