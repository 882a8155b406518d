"""The migration history builds exactly the schema that `storage/tables.py` declares, on SQLite and on
PostgreSQL, and the latest revision goes down and up again cleanly."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from causerie.config import Settings
from causerie.storage import database
from causerie.storage.tables import case_items, cases, decisions, metadata, reports

LATEST = "0010"


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Migrate the (upgraded) database down to `revision`."""
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.downgrade(database._alembic_config(c), revision))


async def drift(conn: AsyncConnection) -> list:
    """What tables.py declares and the database holds disagree on ([] when they agree)."""
    return await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), metadata))


async def test_migrations_match_the_declared_tables(settings: Settings) -> None:
    engine = database.create_engine(settings.db_url)
    try:
        await database.upgrade(engine)
        async with engine.connect() as conn:
            diff = await drift(conn)
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
        await downgrade(engine, "0006")
        async with engine.connect() as conn:
            assert "room_locks" not in await conn.run_sync(lambda c: inspect(c).get_table_names())
        await database.upgrade(engine)
        async with engine.connect() as conn:
            assert "room_locks" in await conn.run_sync(lambda c: inspect(c).get_table_names())
            diff = await drift(conn)
        assert diff == []
    finally:
        await engine.dispose()


async def test_duplicate_open_cases_are_merged_before_the_one_open_case_index(settings: Settings) -> None:
    """A database from before 0010 where reports about one person arriving together opened three cases
    upgrades cleanly: the oldest case stays open with every item, report and decision of the others (and
    the highest priority, the child-safety queue, urgency, the holder); the others are closed `merged`."""
    engine = database.create_engine(settings.db_url)
    try:
        await database.upgrade(engine)
        await downgrade(engine, "0009")
        async with engine.begin() as conn:

            async def case(target: str, **values: object) -> int:
                row = {"kind": "case", "target_kind": "session", "target": target, "category": "harassment",
                       "role": "moderator", "priority": 15.0, "status": "open", "urgent": False,
                       "created_at": 1000, "updated_at": 1000, **values}
                return int((await conn.execute(insert(cases).values(**row).returning(cases.c.id))).scalar_one())

            async def item(case_id: int, kind: str, ref_id: int, category: str) -> None:
                await conn.execute(insert(case_items).values(case_id=case_id, kind=kind, ref_id=ref_id,
                                                             category=category, confidence=0.5, created_at=1000))

            async def reported(case_id: int) -> int:
                return int((await conn.execute(insert(reports).values(
                    reporter_id="r", reporter_device="d", target_kind="person", target_session="s1",
                    category="harassment", text="", evidence="{}", evidence_sha256="0" * 64, case_id=case_id,
                    created_at=1000).returning(reports.c.id))).scalar_one())

            closed = await case("s1", status="closed", outcome="dismissed", closed_at=900)
            oldest = await case("s1")
            child = await case("s1", category="sexual_minor", role="child_safety", priority=50.0, claimed_by=7,
                               claimed_at=2000, created_at=2000)
            urgent = await case("s1", category="scam", urgent=True, created_at=3000)
            appeal = await case("s1", kind="appeal")
            other = await case("s2")
            report_a, report_b = await reported(oldest), await reported(urgent)
            await item(oldest, "report", report_a, "harassment")
            await item(child, "signal", 1, "sexual_minor")
            await item(urgent, "report", report_b, "scam")
            await item(other, "signal", 2, "other")
            await conn.execute(insert(decisions).values(case_id=urgent, action="warn", category="scam", reason="",
                                                        created_at=3000))
        await database.upgrade(engine)
        async with engine.begin() as conn:
            rows = {r.id: r for r in (await conn.execute(select(cases))).all()}
            kept = rows[oldest]
            assert (kept.status, kept.priority, kept.category, kept.role) == ("open", 50.0, "sexual_minor",
                                                                              "child_safety")
            assert kept.urgent and kept.claimed_by == 7
            for merged in (child, urgent):
                assert (rows[merged].status, rows[merged].outcome) == ("closed", "merged")
                assert rows[merged].claimed_by is None and rows[merged].closed_at is not None
            assert (rows[closed].status, rows[closed].outcome) == ("closed", "dismissed")
            assert rows[appeal].status == rows[other].status == "open"
            moved = (await conn.execute(select(case_items.c.case_id, case_items.c.ref_id)
                                        .order_by(case_items.c.id))).all()
            assert [tuple(r) for r in moved] == [(oldest, report_a), (oldest, 1), (oldest, report_b), (other, 2)]
            assert set((await conn.execute(select(reports.c.case_id))).scalars()) == {oldest}
            assert set((await conn.execute(select(decisions.c.case_id))).scalars()) == {oldest}
            diff = await drift(conn)
            version = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
        assert diff == [] and version == LATEST
        # from now on the database itself refuses a second open case about the person
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(insert(cases).values(kind="case", target_kind="session", target="s1",
                                                        category="other", role="moderator", priority=0.0,
                                                        status="open", created_at=4000, updated_at=4000))
    finally:
        await engine.dispose()
