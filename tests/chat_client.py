"""A real chat client for the tests: HTTP entry, then one WebSocket speaking the protocol."""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, ClientWebSocketResponse, WSMsgType, web

from causerie.app import Causerie
from causerie.clock import Clock
from causerie.config import Settings
from causerie.web.server import create_app

_ids = itertools.count(1)


@dataclass
class Server:
    core: Causerie
    url: str


async def start_server(settings: Settings, clock: Clock | None = None) -> tuple[Server, web.AppRunner]:
    core = Causerie(settings, clock=clock)
    runner = web.AppRunner(create_app(core), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return Server(core=core, url=f"http://127.0.0.1:{port}"), runner


class ChatClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = ClientSession()
        self.ws: ClientWebSocketResponse | None = None
        self.token = ""
        self.session: dict[str, Any] = {}
        self.welcome: dict[str, Any] = {}
        self.inbox: list[dict[str, Any]] = []
        self.last_seq: dict[str, int] = {}
        self.last_pm_seq: dict[str, int] = {}

    @property
    def pseudo(self) -> str:
        return str(self.session["pseudo"])

    async def enter(self, pseudo: str, *, age: int = 25, gender: str = "man", postal_code: str = "75011",
                    **extra: Any) -> dict[str, Any]:
        body = {"pseudo": pseudo, "age": age, "gender": gender, "postal_code": postal_code, **extra}
        async with self.http.post(f"{self.base_url}/api/session", json=body) as resp:
            data = await resp.json()
            if resp.status != 201:
                raise EntryRefused(resp.status, data["error"]["code"])
        self.token = data["token"]
        self.session = data["session"]
        return data

    async def connect(self, resume: dict[str, Any] | None = None) -> dict[str, Any]:
        self.ws = await self.http.ws_connect(self.base_url.replace("http", "ws", 1) + "/ws")
        hello: dict[str, Any] = {"type": "hello", "token": self.token}
        if resume is not None:
            hello["resume"] = resume
        await self.send(hello)
        self.welcome = await self.recv("welcome")
        return self.welcome

    async def send(self, frame: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send_str(json.dumps(frame))

    async def send_raw(self, data: str | bytes) -> None:
        assert self.ws is not None
        if isinstance(data, bytes):
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(data)

    async def _read_one(self, timeout: float) -> dict[str, Any]:
        assert self.ws is not None
        msg = await self.ws.receive(timeout=timeout)
        if msg.type != WSMsgType.TEXT:
            raise ConnectionClosed(msg.type, self.ws.close_code)
        frame: dict[str, Any] = json.loads(msg.data)
        if frame["type"] == "message":
            self.last_seq[frame["room"]] = max(self.last_seq.get(frame["room"], 0), frame["seq"])
        elif frame["type"] == "pm_message":
            key = str(frame["pm"])
            self.last_pm_seq[key] = max(self.last_pm_seq.get(key, 0), frame["seq"])
        return frame

    async def recv(self, type_: str | None = None, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """The next frame of this type (and these field values); other frames stay in the inbox."""
        for i, frame in enumerate(self.inbox):
            if (type_ is None or frame["type"] == type_) and all(frame.get(k) == v for k, v in match.items()):
                return self.inbox.pop(i)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"no {type_} frame matching {match}; inbox: {self.inbox[-5:]}")
            try:
                frame = await self._read_one(left)
            except TimeoutError:
                raise TimeoutError(f"no {type_} frame matching {match}; inbox: {self.inbox[-5:]}") from None
            if (type_ is None or frame["type"] == type_) and all(frame.get(k) == v for k, v in match.items()):
                return frame
            self.inbox.append(frame)

    async def nothing(self, type_: str, wait: float = 0.3, **match: Any) -> None:
        """Assert that no frame of this type arrives within `wait` seconds."""
        try:
            frame = await self.recv(type_, timeout=wait, **match)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected frame: {frame}")

    async def request(self, frame: dict[str, Any], reply: str, timeout: float = 10.0) -> dict[str, Any]:
        """Send a frame and wait for its reply or an error frame; other frames stay in the inbox."""
        await self.send(frame)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"no {reply} reply; inbox: {self.inbox[-5:]}")
            got = await self._read_one(left)
            if got["type"] in (reply, "error"):
                return got
            self.inbox.append(got)

    async def error(self, frame: dict[str, Any]) -> str:
        """Send a frame that must be refused; return the error code."""
        await self.send(frame)
        got = await self.recv("error")
        assert set(got["message"]) == {"fr", "en"} and all(got["message"].values())
        return str(got["code"])

    async def join(self, room: str) -> dict[str, Any]:
        got = await self.request({"type": "join", "room": room}, "joined")
        assert got["type"] == "joined", got
        return got

    async def say(self, room: str, text: str, client_id: str | None = None) -> dict[str, Any]:
        cid = client_id or f"c{next(_ids)}"
        got = await self.request({"type": "send", "room": room, "text": text, "client_id": cid}, "ack")
        assert got["type"] == "ack", got
        return got

    async def pm(self, to: str, text: str, client_id: str | None = None) -> dict[str, Any]:
        cid = client_id or f"p{next(_ids)}"
        return await self.request({"type": "pm", "to": to, "text": text, "client_id": cid}, "ack")

    async def get(self, path: str) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.http.get(self.base_url + path, headers=headers) as resp:
            return resp.status, await resp.json()

    async def drop(self) -> None:
        """Drop the WebSocket (as a lost network would), keeping the session."""
        if self.ws is not None:
            await self.ws.close()
            self.ws = None
        self.inbox.clear()

    async def close(self) -> None:
        await self.drop()
        await self.http.close()


class EntryRefused(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code


class ConnectionClosed(Exception):
    def __init__(self, kind: WSMsgType, code: int | None) -> None:
        super().__init__(f"{kind} {code}")
        self.code = code
