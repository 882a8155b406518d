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


# Live frames held while a `hello` is answered (welcome, then the resume backlog): past this many the
# client is too far behind anyway; it is disconnected (1013) and resumes again.
MAX_HELD = 10_000

Held = tuple[str, int, bytes]  # (room:<id> | pm:<id> | "" for a frame without a sequence, seq, frame)


class WsConnection:
    __slots__ = ("ws", "transport", "closing", "held")

    def __init__(self, ws: web.WebSocketResponse, transport: asyncio.Transport) -> None:
        self.ws = ws
        self.transport = transport
        self.closing = False
        self.held: list[Held] | None = None

    def send_wire(self, wire: bytes) -> None:
        transport = self.transport
        if self.closing or transport.is_closing():
            return
        transport.write(wire)
        if transport.get_write_buffer_size() > MAX_BUFFERED:
            log.warning("closing a connection that reads too slowly")
            self.close_soon(1013)

    def send_raw(self, frame: bytes) -> None:
        """A frame pushed by the hub (held during a `hello`)."""
        if self.held is not None:
            self._hold(("", 0, frame))
        else:
            self.send_wire(text_frame(frame))

    def send_batch(self, frames: list[bytes], wire: bytes) -> None:
        """Frames pushed by the hub together (`wire`: their WebSocket frames joined), in one write."""
        if self.held is not None:
            for frame in frames:
                self._hold(("", 0, frame))
        else:
            self.send_wire(wire)

    def send_seq(self, key: str, seq: int, wire: bytes, frame: bytes) -> None:
        """A sequenced message pushed by the hub (held during a `hello`, then sent unless resumed)."""
        if self.held is not None:
            self._hold((key, seq, frame))
        else:
            self.send_wire(wire)

    # --- answering a hello: the welcome and the resume backlog first, live frames after --------------

    def hold(self) -> None:
        """Hold what the hub pushes from now on. Between the database reads of a `hello` (the session,
        the resume backlog) and the moment the backlog is sent, live messages can arrive: sent at
        once they would come before the welcome, or before older messages of the backlog, or twice."""
        self.held = []

    def _hold(self, item: Held) -> None:
        assert self.held is not None
        if len(self.held) >= MAX_HELD:
            log.warning("closing a connection whose resume fell too far behind")
            self.held = []
            self.close_soon(1013)
            return
        self.held.append(item)

    def release(self, sent: dict[str, int]) -> None:
        """Send what was held, in arrival order, except the messages the client already has: those
        with a seq at or below `sent[key]` (its resume point, or the last message of the backlog)."""
        held, self.held = self.held or [], None
        for key, seq, frame in held:
            if key and seq <= sent.get(key, 0):
                continue
            self.send_wire(text_frame(frame))

    def send_reply(self, frame: bytes) -> None:
        """A frame answering this client (never held)."""
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
