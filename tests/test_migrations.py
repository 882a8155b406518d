"""The migration history builds exactly the schema that `storage/tables.py` declares."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from causerie.storage import database
from causerie.storage.tables import metadata


async def test_migrations_match_the_declared_tables(tmp_path: Path) -> None:
    engine = database.create_engine(f"sqlite:///{tmp_path}/m.db")
    try:
        await database.upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), metadata))
        assert diff == [], f"tables.py and the migrations disagree: {diff}; add a migration"
        await database.upgrade(engine)  # idempotent
    finally:
        await engine.dispose()
