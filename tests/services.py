"""The machine's real PostgreSQL and Redis for the tests: throw-away databases and key prefixes.

Every test gets its own database (`causerie_test_<random>`, copied from a template migrated once per
run) and its own Redis prefix, and drops them afterwards. In CI (CI=true) an unreachable service is
a failure; elsewhere the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import secrets
import socket
import subprocess
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest

PG_HOST = os.environ.get("CAUSERIE_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("CAUSERIE_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("CAUSERIE_TEST_PG_USER", "postgres")
REDIS_HOST = os.environ.get("CAUSERIE_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("CAUSERIE_TEST_REDIS_PORT", "6379"))
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"

T = TypeVar("T")
_template: str | None = None
_template_lock = threading.Lock()


def pg_url(database: str) -> str:
    return f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"


def in_thread(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on a loop of its own (works inside and outside a running loop)."""
    out: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            out.append(asyncio.run(make()))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return out[0]


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_services() -> None:
    """Fail (CI) or skip (elsewhere) unless PostgreSQL and Redis answer."""
    missing = [name for name, host, port in (("PostgreSQL", PG_HOST, PG_PORT), ("Redis", REDIS_HOST, REDIS_PORT))
               if not _reachable(host, port)]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not reachable on this machine (start them as .ci/run does)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


async def _admin(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres")
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def _migrated_template() -> str:
    global _template
    with _template_lock:
        if _template is None:
            name = f"causerie_test_tmpl_{secrets.token_hex(4)}"
            in_thread(lambda: _admin(f'CREATE DATABASE "{name}"'))

            async def migrate() -> None:
                from causerie.storage import database

                engine = database.create_engine(pg_url(name))
                try:
                    await database.upgrade(engine)
                finally:
                    await engine.dispose()

            in_thread(migrate)
            _template = name
        return _template


def create_database() -> str:
    """A fresh, migrated database; returns its name."""
    template = _migrated_template()
    name = f"causerie_test_{secrets.token_hex(6)}"
    in_thread(lambda: _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    return name


def drop_database(name: str) -> None:
    in_thread(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def drop_template() -> None:
    global _template
    if _template is not None:
        drop_database(_template)
        _template = None


def redis_prefix() -> str:
    return f"causerie-test-{secrets.token_hex(6)}:"


def drop_redis_prefix(prefix: str) -> None:
    async def drop() -> None:
        import redis.asyncio as aioredis

        client = aioredis.from_url(REDIS_URL)
        try:
            keys = [k async for k in client.scan_iter(match=f"{prefix}*", count=500)]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()

    in_thread(drop)


# --- restarting the services (fault tests only; keep them few and quick) ----------------------

LOCK_PATH = "/tmp/causerie-test-services.lock"


@contextmanager
def service_lock(exclusive: bool, timeout: float = 600.0) -> Iterator[None]:
    """Tests using the services hold this lock shared; a test that restarts one holds it exclusive,
    so that no test run of this machine (other checkouts included) sees the service vanish."""
    import time

    fd = os.open(LOCK_PATH, os.O_CREAT | os.O_RDWR, 0o666)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError("the services stayed busy") from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)

def _pg_cluster() -> str:
    return sorted(os.listdir("/etc/postgresql"))[0]


def postgres(action: str) -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _pg_cluster(), "main", action],
                   check=True, capture_output=True, timeout=60)


def redis_stop() -> None:
    subprocess.run(["redis-cli", "-h", REDIS_HOST, "-p", str(REDIS_PORT), "shutdown", "nosave"],
                   capture_output=True, timeout=30)


def redis_start() -> None:
    if _reachable(REDIS_HOST, REDIS_PORT):
        return
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port",
                    str(REDIS_PORT), "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
                    "--logfile", "/var/log/redis/ci.log"], check=True, capture_output=True, timeout=30)
