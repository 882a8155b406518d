"""Shared fixtures: a real Causerie server on 127.0.0.1 and real HTTP/WebSocket clients.

`server` runs the real aiohttp application in the test's event loop on a free loopback port, so
tests can also look at its state. Every test that uses `settings` runs on each backend of
CAUSERIE_TEST_BACKENDS (default `sqlite,postgres`): SQLite + the in-process bus, and PostgreSQL +
Redis (a database and a key prefix of its own, see tests/services.py).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession

import services
from causerie.config import Settings
from causerie.policy.config import PolicySettings
from chat_client import ChatClient, Server, start_server

BACKENDS = [b for b in os.environ.get("CAUSERIE_TEST_BACKENDS", "sqlite,postgres").split(",") if b]


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[None]:
    yield
    services.drop_template()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        services.require_services()
    return str(request.param)


@pytest.fixture
def settings(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Settings]:
    # Every test comes from 127.0.0.1 and most send fast: rate limits and the network half of the
    # age-consistency rule are off here, and on in the policy tests (tests/test_policy_*.py).
    policy = PolicySettings(limits=False, network_age_rule=False)
    if backend == "sqlite":
        yield Settings(host="127.0.0.1", port=0, db_url=f"sqlite+aiosqlite:///{tmp_path}/test.db",
                       broker_url="memory://", session_grace_s=5.0, policy=policy)
        return
    request.getfixturevalue("_postgres_template")
    lock = services.service_lock(exclusive=False)
    lock.__enter__()
    name, prefix = services.create_database(), services.redis_prefix()
    try:
        yield Settings(host="127.0.0.1", port=0, db_url=services.pg_url(name),
                       broker_url=f"{services.REDIS_URL}?prefix={prefix}", session_grace_s=5.0, policy=policy)
    finally:
        services.drop_database(name)
        services.drop_redis_prefix(prefix)
        lock.__exit__(None, None, None)


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[Server]:
    srv, runner = await start_server(settings)
    try:
        yield srv
    finally:
        await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[ClientSession]:
    async with ClientSession() as session:
        yield session


@pytest.fixture
async def clients(server: Server) -> AsyncIterator[list[ChatClient]]:
    """A list the test appends ChatClients to; all are closed at the end."""
    made: list[ChatClient] = []
    yield made
    for c in made:
        await c.close()


@pytest.fixture
def new_client(server: Server, clients: list[ChatClient]):  # type: ignore[no-untyped-def]
    async def make(pseudo: str, age: int = 25, gender: str = "man", postal_code: str = "75011",
                   connect: bool = True) -> ChatClient:
        client = ChatClient(server.url)
        clients.append(client)
        await client.enter(pseudo, age=age, gender=gender, postal_code=postal_code)
        if connect:
            await client.connect()
        return client

    return make


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    """Fails the test if anything logged an exception traceback (client errors must not)."""
    caplog.set_level(logging.INFO)
    yield caplog
    for record in caplog.records:
        assert record.exc_info is None, f"traceback logged: {record.getMessage()}"
        assert record.levelno < logging.ERROR, f"error logged: {record.getMessage()}"


E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in the main thread for
    the rest of the session, which would break every asyncio test collected after it."""
    items.sort(key=lambda item: Path(str(item.fspath)).is_relative_to(E2E))
