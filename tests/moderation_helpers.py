"""Helpers for the moderation tests: moderators created through the real action, a console client that
logs in with password and TOTP over HTTP, like the console does."""

from __future__ import annotations

from typing import Any

import pyotp
from aiohttp import ClientSession, CookieJar

from causerie.moderation.accounts import do_add_moderator

PASSWORD = "correct horse battery staple"


class Console:
    def __init__(self, base_url: str, name: str, secret: str) -> None:
        self.base_url = base_url
        self.name = name
        self.secret = secret
        self.http = ClientSession(cookie_jar=CookieJar(unsafe=True))
        self.csrf = ""

    async def login(self, at: int | None = None) -> dict[str, Any]:
        code = pyotp.TOTP(self.secret).at(at) if at is not None else pyotp.TOTP(self.secret).now()
        status, body = await self.call("POST", "/api/mod/login", {"name": self.name, "password": PASSWORD,
                                                                   "code": code})
        assert status == 200, body
        self.csrf = body["csrf"]
        return body

    async def call(self, method: str, path: str, body: Any = None, *, csrf: bool = True) -> tuple[int, Any]:
        headers = {"X-CSRF-Token": self.csrf} if csrf and self.csrf else {}
        async with self.http.request(method, self.base_url + path, json=body, headers=headers) as resp:
            data = await resp.json() if resp.content_type == "application/json" else None
            return resp.status, data

    async def close(self) -> None:
        await self.http.close()


async def add_console(server: Any, name: str, *roles: str, login: bool = True) -> Console:
    new = await do_add_moderator(server.core, name, PASSWORD, list(roles))
    console = Console(server.url, name, new.totp_secret)
    if login:
        await console.login(at=server.core.clock.now_ms() // 1000)
    return console


async def report(client: Any, body: dict[str, Any]) -> tuple[int, Any]:
    """A chat client reports something (POST /api/reports with its session token): (status, body)."""
    headers = {"Authorization": f"Bearer {client.token}"}
    async with client.http.post(f"{client.base_url}/api/reports", json=body, headers=headers) as resp:
        return resp.status, await resp.json()
