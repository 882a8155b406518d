"""One client's WebSocket as the hub sees it: frames in, wire bytes out, slow readers cut off."""

from __future__ import annotations

import asyncio
import logging

import msgspec
from aiohttp import web

from causerie.errors import CauserieError
from causerie.protocol import ErrorFrame, Name, encode
from causerie.wsframe import text_frame

log = logging.getLogger(__name__)

# A client that lets this much pile up unread is too slow to follow the chat: it is disconnected
# (close code 1013, "try again later") and resumes from its last sequence numbers when it comes back.
MAX_BUFFERED = 4 * 1024 * 1024


class WsConnection:
    __slots__ = ("ws", "transport", "closing")

    def __init__(self, ws: web.WebSocketResponse, transport: asyncio.Transport) -> None:
        self.ws = ws
        self.transport = transport
        self.closing = False

    def send_wire(self, wire: bytes) -> None:
        transport = self.transport
        if self.closing or transport.is_closing():
            return
        transport.write(wire)
        if transport.get_write_buffer_size() > MAX_BUFFERED:
            log.warning("closing a connection that reads too slowly")
            self.close_soon(1013)

    def send_raw(self, frame: bytes) -> None:
        self.send_wire(text_frame(frame))

    def send(self, frame: msgspec.Struct) -> None:
        self.send_wire(text_frame(encode(frame)))

    def send_error(self, error: CauserieError, ref: str | None = None) -> None:
        message = error.message()
        self.send(ErrorFrame(code=error.code, message=Name(fr=message["fr"], en=message["en"]), ref=ref,
                             category=error.category, retry_after=error.retry_after))

    def close_soon(self, code: int) -> None:
        if self.closing:
            return
        self.closing = True
        asyncio.get_running_loop().create_task(self.ws.close(code=code))
