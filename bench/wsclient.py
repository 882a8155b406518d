"""Two WebSocket clients for the load generator, behind one small interface.

`RawConn` is a lean asyncio.Protocol speaking just enough RFC 6455 for a benchmark client (unfragmented
text frames, ping/pong, close); `AiohttpConn` wraps aiohttp's client. Both decode every incoming text
frame with msgspec into `Frame` and hand it to a callback. The raw client exists because aiohttp's
client costs several times more CPU per received frame and the generator must not be the bottleneck
(bench/run.py --client compares them; docs/performance.md has the figures).
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
from collections.abc import Callable
from typing import Any

import aiohttp
import msgspec


class Frame(msgspec.Struct, kw_only=True):
    """The fields of server frames the generator looks at; the rest is ignored while decoding."""

    type: str = ""
    room: Any = None
    text: str | None = None
    client_id: str | None = None
    seq: int | None = None
    code: str | None = None
    token: str | None = None


_decode = msgspec.json.Decoder(Frame).decode
_encode = msgspec.json.Encoder().encode
Handler = Callable[["Conn", Frame], None]


class Conn:
    """Common part: waiters for a frame type, a handler for everything else."""

    def __init__(self, on_frame: Handler | None = None) -> None:
        self.on_frame = on_frame
        self._waiters: dict[str, asyncio.Future[Frame]] = {}
        self.closed = False
        self.user: Any = None  # per-connection scratch space for scenarios

    def expect(self, *types: str) -> asyncio.Future[Frame]:
        fut: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        for t in types:
            self._waiters[t] = fut
        return fut

    def _dispatch(self, frame: Frame) -> None:
        fut = self._waiters.pop(frame.type, None)
        if fut is not None:
            for key in [k for k, v in self._waiters.items() if v is fut]:
                del self._waiters[key]
            if not fut.done():
                fut.set_result(frame)
        elif frame.type == "error" and "error" not in self._waiters and self._waiters:
            # an error answers whatever we were waiting for
            futs = set(self._waiters.values())
            self._waiters.clear()
            for f in futs:
                if not f.done():
                    f.set_result(frame)
        if self.on_frame is not None:
            self.on_frame(self, frame)

    def _lost(self) -> None:
        self.closed = True
        futs = set(self._waiters.values())
        self._waiters.clear()
        for f in futs:
            if not f.done():
                f.set_exception(ConnectionError("websocket closed"))

    def send(self, obj: Any) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class _RawProtocol(asyncio.Protocol):
    def __init__(self, conn: RawConn, request: bytes) -> None:
        self.conn = conn
        self.request = request
        self.buf = bytearray()
        self.upgraded = False
        self.transport: asyncio.Transport | None = None
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.frag: bytearray | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not an asyncio.Transport
        sock = transport.get_extra_info("socket")
        if sock is not None:  # uvloop leaves Nagle on: small frames would wait for delayed ACKs
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed during handshake: {exc}"))
        self.conn._lost()

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buf[: buf.find(b"\r\n")])
            del buf[: end + 4]
            if b" 101 " not in status + b" ":
                if not self.ready.done():
                    self.ready.set_exception(ConnectionError(f"handshake refused: {status!r}"))
                assert self.transport is not None
                self.transport.close()
                return
            self.upgraded = True
            self.ready.set_result(None)
        pos, size = 0, len(buf)
        dispatch = self.conn._dispatch
        while size - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            length, head = b1 & 0x7F, 2
            if length == 126:
                if size - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if b1 & 0x80:
                raise ConnectionError("server frames must not be masked")
            end = pos + head + length
            if end > size:
                break
            opcode, fin = b0 & 0x0F, b0 & 0x80
            payload = buf[pos + head : end]
            pos = end
            if opcode in (1, 2) and fin:
                dispatch(_decode(payload))
            elif opcode in (1, 2):
                self.frag = payload
            elif opcode == 0 and self.frag is not None:
                self.frag += payload
                if fin:
                    whole, self.frag = self.frag, None
                    dispatch(_decode(whole))
            elif opcode == 9:
                self._write(0xA, bytes(payload))
            elif opcode == 8:
                self._write(0x8, bytes(payload[:2]))
                assert self.transport is not None
                self.transport.close()
        del buf[:pos]

    def _write(self, opcode: int, payload: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        n = len(payload)
        if n < 126:
            head = bytes((0x80 | opcode, 0x80 | n))
        elif n < 65536:
            head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
        # A zero masking key: valid per RFC 6455 and free to apply.
        self.transport.write(head + b"\0\0\0\0" + payload)


class RawConn(Conn):
    proto: _RawProtocol

    @classmethod
    async def connect(cls, host: str, port: int, path: str = "/ws", on_frame: Handler | None = None,
                      session: aiohttp.ClientSession | None = None) -> RawConn:
        del session
        self = cls(on_frame)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                   f"Origin: http://{host}:{port}\r\n\r\n").encode()
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_connection(lambda: _RawProtocol(self, request), host, port)
        self.proto = proto
        await proto.ready
        return self

    def send(self, obj: Any) -> None:
        self.proto._write(0x1, _encode(obj))

    def abort(self) -> None:
        if self.proto.transport is not None:
            self.proto.transport.abort()
        self.closed = True

    async def close(self) -> None:
        if self.proto.transport is not None and not self.proto.transport.is_closing():
            self.proto._write(0x8, (1000).to_bytes(2, "big"))
            self.proto.transport.close()
        self.closed = True


class AiohttpConn(Conn):
    ws: aiohttp.ClientWebSocketResponse
    task: asyncio.Task[None]

    @classmethod
    async def connect(cls, host: str, port: int, path: str = "/ws", on_frame: Handler | None = None,
                      session: aiohttp.ClientSession | None = None) -> AiohttpConn:
        assert session is not None
        self = cls(on_frame)
        self.ws = await session.ws_connect(f"http://{host}:{port}{path}", max_msg_size=1 << 20,
                                           origin=f"http://{host}:{port}")
        self.task = asyncio.create_task(self._reader())
        return self

    async def _reader(self) -> None:
        try:
            async for msg in self.ws:
                if msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    self._dispatch(_decode(msg.data))
        finally:
            self._lost()

    def send(self, obj: Any) -> None:
        # aiohttp's send_str is a coroutine: one task per frame, which is part of its cost
        task = asyncio.get_running_loop().create_task(self.ws.send_str(_encode(obj).decode()))
        task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)

    def abort(self) -> None:
        transport = self.ws._response.connection.transport if self.ws._response.connection else None
        if transport is not None:
            transport.abort()
        self.task.cancel()
        self.closed = True

    async def close(self) -> None:
        await self.ws.close()
        self.closed = True
