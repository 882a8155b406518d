"""The WebSocket endpoint: read a frame, check its shape, call one action, answer.

Frames of one connection are handled one after the other, so a client's sends keep their order.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from aiohttp import WSMsgType, web

from causerie.actions.entry import do_attach, do_detach
from causerie.actions.messages import do_read, do_resume, do_send_message, do_send_pm, do_typing
from causerie.actions.people import do_ignore, do_set_pm_policy, do_unignore, do_watch_presence
from causerie.actions.rooms import do_create_room, do_invite, do_join, do_leave
from causerie.app import Causerie
from causerie.errors import CauserieError, technical
from causerie.hub import LiveSession
from causerie.protocol import (
    ClientFrame,
    CreateRoom,
    Hello,
    Ignore,
    Invite,
    Join,
    Leave,
    Pm,
    Pong,
    PresenceRequest,
    Read,
    Send,
    SettingsFrame,
    Typing,
    Unignore,
    client_decoder,
)
from causerie.protocol import Ping as PingFrame
from causerie.storage.database import is_unavailable
from causerie.web.connection import WsConnection
from causerie.web.keys import APP

log = logging.getLogger(__name__)

Reply = Callable[[Causerie, LiveSession, Any], Awaitable[msgspec.Struct | None]]


async def _ping(_app: Causerie, _s: LiveSession, f: PingFrame) -> Pong:
    return Pong(ref=f.ref)


async def _presence(app: Causerie, s: LiveSession, f: PresenceRequest) -> msgspec.Struct:
    return do_watch_presence(app, s, f.filters)


async def _hello_again(_app: Causerie, _s: LiveSession, _f: Hello) -> None:
    raise CauserieError("already_authenticated")


HANDLERS: dict[type[ClientFrame], Reply] = {
    Hello: _hello_again,
    Join: lambda app, s, f: do_join(app, s, f.room),
    Leave: lambda app, s, f: do_leave(app, s, f.room),
    Send: do_send_message,
    Pm: do_send_pm,
    Typing: lambda app, s, f: do_typing(app, s, f.pm),
    Read: lambda app, s, f: do_read(app, s, f.pm, f.seq),
    PresenceRequest: _presence,
    Ignore: lambda app, s, f: do_ignore(app, s, f.pseudo),
    Unignore: lambda app, s, f: do_unignore(app, s, f.pseudo),
    SettingsFrame: lambda app, s, f: do_set_pm_policy(app, s, f.pm_policy),
    CreateRoom: lambda app, s, f: do_create_room(app, s, f.name, f.client_id),
    Invite: lambda app, s, f: do_invite(app, s, f.room, f.pseudo),
    PingFrame: _ping,
}


def _decode(data: str | bytes) -> ClientFrame:
    try:
        return client_decoder.decode(data)
    except msgspec.ValidationError as exc:
        text = str(exc)
        if "`$.type`" in text:
            raise CauserieError("unknown_type") from None
        raise CauserieError("bad_frame", detail=technical(text)) from None
    except msgspec.DecodeError:
        raise CauserieError("bad_json") from None


def _ref(frame: ClientFrame | None) -> str | None:
    ref = getattr(frame, "client_id", None) or getattr(frame, "ref", None)
    return ref if isinstance(ref, str) else None


async def websocket(request: web.Request) -> web.WebSocketResponse:
    app: Causerie = request.app[APP]
    ws = web.WebSocketResponse(max_msg_size=app.settings.max_frame_bytes, compress=False, heartbeat=30)
    await ws.prepare(request)
    assert request.transport is not None
    conn = WsConnection(ws, request.transport)  # type: ignore[arg-type]
    session: LiveSession | None = None
    try:
        async for msg in ws:
            if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                break
            frame: ClientFrame | None = None
            try:
                frame = _decode(msg.data)
                if session is None:
                    if not isinstance(frame, Hello):
                        raise CauserieError("not_authenticated")
                    conn.hold()  # live frames wait for the welcome and the resume backlog
                    sent: dict[str, int] = {}
                    try:
                        session, welcome = await do_attach(app, frame.token, conn)
                        conn.send(welcome)
                        if frame.resume is not None:
                            missed, sent = await do_resume(app, session, frame.resume)
                            for item in missed:
                                conn.send_reply(item)
                    finally:
                        conn.release(sent)  # then the held ones, without what the backlog carried
                    continue
                reply = await HANDLERS[type(frame)](app, session, frame)
                if reply is not None:
                    conn.send(reply)
            except CauserieError as error:
                conn.send_error(error, _ref(frame))
            except Exception as exc:  # a bug, or the database going away
                if is_unavailable(exc):
                    log.warning("database or bus unavailable: %s", type(exc).__name__)
                    conn.send_error(CauserieError("unavailable"), _ref(frame))
                else:
                    log.exception("bug while handling a %s frame", type(frame).__name__)
                    conn.send_error(CauserieError("internal_error"), _ref(frame))
    finally:
        if session is not None:
            do_detach(app, session, conn)
    return ws
