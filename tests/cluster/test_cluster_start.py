"""Nodes of a cluster starting together on a fresh PostgreSQL database (seen as a node exiting with
`duplicate key … rooms_pkey` when two nodes seeded the rooms at the same moment)."""

from __future__ import annotations

import asyncio

import pytest

import services
from causerie.app import seeded_rooms
from causerie.storage import database
from causerie.storage.rooms import RoomStore

pytestmark = pytest.mark.service


async def test_nodes_seeding_the_rooms_at_once_all_succeed() -> None:
    services.require_services()
    with services.service_lock(exclusive=False):
        name = services.create_database()
        engines = [database.create_engine(services.pg_url(name)) for _ in range(4)]
        try:
            stores = [RoomStore(engine) for engine in engines]
            seeded = seeded_rooms()
            await asyncio.gather(*(store.seed(seeded, 1_000) for store in stores))
            assert sorted(r.id for r in await stores[0].all()) == sorted(r.id for r in seeded)
        finally:
            for engine in engines:
                await engine.dispose()
            services.drop_database(name)
