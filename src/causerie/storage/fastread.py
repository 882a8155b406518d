"""The hot read-only look-ups (entry, `hello`, `join`, resume) without SQLAlchemy's execution layer.

Through the async engine a simple indexed `SELECT` costs ~120 µs on our machine even with a statement
built once (pool check-out and return, cache-key look-up, parameter and result processing); the SQLite
statement itself costs ~7 µs. On SQLite, `Reader` runs such statements on a second `sqlite3`
connection of its own, opened on the same file in autocommit mode (`query_only`), inline on the event
loop like `storage/inline_sqlite.py`. In WAL mode a reader sees every committed transaction and never
blocks the writer; it never sees a transaction in progress — exactly what a look-up through the
engine's single connection sees, since that connection is back in the pool (rolled back) between uses.

Each statement is compiled once per dialect. One that needs SQLAlchemy's type processing (a bind or
result processor: booleans, JSON …) runs through the engine, as does everything on PostgreSQL and on
an in-memory SQLite database.
"""

from __future__ import annotations

import sqlite3
import weakref
from typing import Any

from sqlalchemy import Select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

_READERS: weakref.WeakKeyDictionary[Any, Reader] = weakref.WeakKeyDictionary()


class _Plan:
    __slots__ = ("sql", "names", "defaults")

    def __init__(self, sql: str, names: tuple[str, ...], defaults: dict[str, Any]) -> None:
        self.sql = sql
        self.names = names
        self.defaults = defaults


class Reader:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.path: str | None = None
        if engine.dialect.name == "sqlite" and engine.dialect.driver == "causerie":
            database = engine.url.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                self.path = database
        self._conn: sqlite3.Connection | None = None
        self._plans: dict[int, _Plan | None] = {}
        self._keep: list[Select[Any]] = []  # the statements planned (their id() stays theirs)

    @classmethod
    def of(cls, engine: AsyncEngine) -> Reader:
        """The engine's reader (one per engine, shared by its stores)."""
        reader = _READERS.get(engine.sync_engine)
        if reader is None:
            reader = _READERS[engine.sync_engine] = cls(engine)
        return reader

    def _plan(self, query: Select[Any]) -> _Plan | None:
        key = id(query)
        if key in self._plans:
            return self._plans[key]
        dialect = self.engine.dialect
        compiled = query.compile(dialect=dialect)
        typed = bool(compiled._bind_processors) or any(  # noqa: SLF001 - SQLAlchemy's own record of them
            column.type._cached_result_processor(dialect, None) is not None  # noqa: SLF001
            for column in query.selected_columns)
        plan = None if typed or compiled.positiontup is None else \
            _Plan(compiled.string, tuple(compiled.positiontup), dict(compiled.params))
        self._plans[key] = plan
        self._keep.append(query)
        return plan

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            assert self.path is not None
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only=ON")
            conn.execute("PRAGMA busy_timeout=5000")
            self._conn = conn
        return self._conn

    async def all(self, query: Select[Any], params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Every row of a statement built once (module level), with its bound parameters."""
        plan = self._plan(query) if self.path is not None else None
        if plan is None:
            async with self.engine.connect() as conn:
                return [tuple(row) for row in (await conn.execute(query, params)).all()]
        defaults = plan.defaults
        args = [params[n] if n in params else defaults[n] for n in plan.names]
        try:
            return self._connection().execute(plan.sql, args).fetchall()
        except sqlite3.Error as exc:  # wrapped as the engine does (storage.database.is_unavailable)
            raise DBAPIError.instance(plan.sql, args, exc, sqlite3.Error) from exc

    async def first(self, query: Select[Any], params: dict[str, Any]) -> tuple[Any, ...] | None:
        rows = await self.all(query, params)
        return rows[0] if rows else None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
