"""Helpers for the policy tests: a server with a hand-moved clock, trusting X-Forwarded-For so each
client can come from its own network, and entries with a chosen device cookie and address."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from causerie.clock import ManualClock
from causerie.config import Settings
from causerie.policy.config import PolicySettings
from chat_client import ChatClient, EntryRefused, Server, start_server

_ips = itertools.count(1)


def fresh_ip() -> str:
    n = next(_ips)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


class World:
    """A running server, its clock, and the clients made for the test (closed at the end)."""

    def __init__(self, server: Server, clock: ManualClock) -> None:
        self.server = server
        self.core = server.core
        self.clock = clock
        self.clients: list[ChatClient] = []

    async def enter(self, pseudo: str, age: int = 30, *, device: str | None = None, ip: str | None = None,
                    connect: bool = True, gender: str = "man") -> ChatClient:
        """Enter from `device` (cookie) and `ip` (X-Forwarded-For); a fresh network when ip is None."""
        client = ChatClient(self.server.url)
        self.clients.append(client)
        status, data, headers = await post_session(client, pseudo, age, device=device, ip=ip or fresh_ip(),
                                                   gender=gender)
        if status != 201:
            raise EntryRefused(status, data["error"]["code"])
        client.token, client.session = data["token"], data["session"]
        if connect:
            await client.connect()
        return client

    async def refused(self, pseudo: str, age: int = 30, **kw: Any) -> str:
        try:
            await self.enter(pseudo, age, **kw)
        except EntryRefused as refusal:
            return refusal.code
        raise AssertionError(f"{pseudo} was let in")

    async def signals(self, kind: str) -> list[Any]:
        return await self.core.signals.list(kind=kind)


async def post_session(client: ChatClient, pseudo: str, age: int, *, device: str | None, ip: str,
                       gender: str = "man") -> tuple[int, dict[str, Any], dict[str, str]]:
    headers = {"X-Forwarded-For": ip}
    if device is not None:
        headers["Cookie"] = f"causerie_device={device}"
    body = {"pseudo": pseudo, "age": age, "gender": gender, "postal_code": "75011"}
    async with client.http.post(f"{client.base_url}/api/session", json=body, headers=headers) as resp:
        return resp.status, await resp.json(), dict(resp.headers)


@asynccontextmanager
async def world(settings: Settings, **policy: Any) -> AsyncIterator[World]:
    """A server with the default policy (limits on, network rule on) unless told otherwise."""
    clock = ManualClock()
    srv, runner = await start_server(settings.with_(trust_forwarded=True, policy=PolicySettings(**policy)),
                                     clock=clock)
    w = World(srv, clock)
    try:
        yield w
    finally:
        for c in w.clients:
            await c.close()
        await runner.cleanup()
