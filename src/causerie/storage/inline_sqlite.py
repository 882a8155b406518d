"""SQLite for the asyncio engine without a worker thread: statements run inline on the event loop.

SQLAlchemy's async engine talks to SQLite through aiosqlite, which sends every call (cursor,
execute, fetch, close, commit) to a worker thread and back: 4–6 thread hops per statement, ~1.5 ms
on our 2-core machine, against ~15 µs for the statement itself (docs/performance.md). SQLite is a
local file: a statement in WAL mode with `synchronous=NORMAL` does not wait on the disk at commit,
so running it on the event loop is cheaper than any hop. This module is an aiosqlite look-alike whose
coroutines never suspend, plugged into SQLAlchemy's own aiosqlite dialect as `sqlite+causerie://`.

The cost: a long statement (a big checkpoint, a full scan) holds the loop for its duration. Our
statements are indexed look-ups and small writes; PostgreSQL is the answer past one machine.
"""

from __future__ import annotations

import sqlite3
import types
from collections.abc import Callable, Generator, Iterable
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi, SQLiteDialect_aiosqlite

DatabaseError = sqlite3.DatabaseError
Error = sqlite3.Error
IntegrityError = sqlite3.IntegrityError
NotSupportedError = sqlite3.NotSupportedError
OperationalError = sqlite3.OperationalError
ProgrammingError = sqlite3.ProgrammingError
sqlite_version = sqlite3.sqlite_version
sqlite_version_info = sqlite3.sqlite_version_info
__version__ = "1.0"


class Cursor:
    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _InlineQueue:
    """What SQLAlchemy's adapter expects of aiosqlite's request queue: run the call now."""

    @staticmethod
    def put_nowait(item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to the awaiting caller, like aiosqlite does
            future.set_exception(exc)
        else:
            future.set_result(result)


class Connection:
    def __init__(self, database: str, **kwargs: Any) -> None:
        kwargs["check_same_thread"] = False
        self._conn: sqlite3.Connection | None = sqlite3.connect(database, **kwargs)
        self._tx = _InlineQueue()
        self._thread = types.SimpleNamespace(daemon=True)  # SQLAlchemy marks aiosqlite's thread a daemon

    def __await__(self) -> Generator[Any, None, Connection]:
        return self
        yield  # a generator that finishes at once: awaiting the connection never suspends

    @property
    def _connection(self) -> sqlite3.Connection | None:
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        assert self._conn is not None
        return self._conn.isolation_level

    def cursor(self) -> Cursor:
        if self._conn is None:
            raise ValueError("Connection closed")
        return Cursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        if self._conn is not None:
            self._conn.commit()

    async def rollback(self) -> None:
        if self._conn is not None:
            self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        assert self._conn is not None
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def connect(database: str, **kwargs: Any) -> Connection:
    return Connection(database, **kwargs)


class InlineSQLiteDialect(SQLiteDialect_aiosqlite):
    driver = "causerie"
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> AsyncAdapt_aiosqlite_dbapi:
        import sys

        return AsyncAdapt_aiosqlite_dbapi(sys.modules[__name__], sqlite3)  # type: ignore[arg-type]


dialect = InlineSQLiteDialect
registry.register("sqlite.causerie", __name__, "InlineSQLiteDialect")
