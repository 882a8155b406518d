"""The migration history builds exactly the schema that `storage/tables.py` declares, on SQLite and on
PostgreSQL, and the latest revision goes down and up again cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from causerie.config import Settings
from causerie.storage import database
from causerie.storage.tables import metadata

LATEST = "0009"


async def test_migrations_match_the_declared_tables(settings: Settings) -> None:
    engine = database.create_engine(settings.db_url)
    try:
        await database.upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), metadata))
            version = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
        assert diff == [], f"tables.py and the migrations disagree: {diff}; add a migration"
        assert version == LATEST
        await database.upgrade(engine)  # idempotent
    finally:
        await engine.dispose()


async def test_room_locks_migration_goes_down_and_up(settings: Settings) -> None:
    engine = database.create_engine(settings.db_url)
    try:
        await database.upgrade(engine)
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(database._alembic_config(c), "0006"))
        async with engine.connect() as conn:
            assert "room_locks" not in await conn.run_sync(lambda c: inspect(c).get_table_names())
        await database.upgrade(engine)
        async with engine.connect() as conn:
            assert "room_locks" in await conn.run_sync(lambda c: inspect(c).get_table_names())
            diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), metadata))
        assert diff == []
    finally:
        await engine.dispose()
