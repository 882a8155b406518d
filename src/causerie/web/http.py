"""HTTP routes: parse, call one action, shape the answer."""

from __future__ import annotations

from importlib import resources

import msgspec
from aiohttp import web

from causerie.actions.entry import access_session_by_token, do_end_session, do_enter
from causerie.actions.messages import do_pm_history
from causerie.actions.rooms import do_list_rooms, message_out
from causerie.app import Causerie
from causerie.checks import access_room
from causerie.errors import CauserieError, technical
from causerie.hub import LiveSession
from causerie.protocol import (
    Commune,
    CommuneList,
    Health,
    PmHistory,
    RoomHistory,
    RoomList,
    SessionCreate,
    SessionCreated,
    encode,
)
from causerie.storage.sessions import Origin
from causerie.web.keys import APP
from causerie.web.openapi import openapi_document

DEVICE_COOKIE = "causerie_device"
ONE_YEAR = 365 * 24 * 3600
routes = web.RouteTableDef()


def json_response(obj: msgspec.Struct | dict[str, object], status: int = 200) -> web.Response:
    body = encode(obj) if isinstance(obj, msgspec.Struct) else msgspec.json.encode(obj)
    return web.Response(body=body, status=status, content_type="application/json")


def origin_of(request: web.Request, trust_forwarded: bool) -> Origin:
    ip, port = "", 0
    peer = request.transport.get_extra_info("peername") if request.transport else None
    if peer:
        ip, port = str(peer[0]), int(peer[1])
    if trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For")
        if forwarded:
            ip = forwarded.split(",")[0].strip()
            port = int(request.headers.get("X-Forwarded-Port", "0") or 0)
    return Origin(ip=ip, port=port, user_agent=request.headers.get("User-Agent", ""))


async def _session(request: web.Request) -> tuple[Causerie, LiveSession]:
    """The bearer's session: the live one if this node holds it, else a view built from storage."""
    app = request.app[APP]
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise CauserieError("not_authenticated")
    record = await access_session_by_token(app, header[7:].strip())
    session = app.hub.local.get(record.person.session_id)
    if session is None:
        rooms = set(await app.rooms.rooms_of(record.person.session_id))
        session = LiveSession(record.person, record.pm_policy, rooms, set())
    return app, session


def _int_query(request: web.Request, name: str, default: int | None) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise CauserieError("history_cursor_invalid")
    return int(raw)


@routes.post("/api/session")
async def create_session(request: web.Request) -> web.Response:
    app = request.app[APP]
    try:
        body = msgspec.json.decode(await request.read(), type=SessionCreate)
    except msgspec.ValidationError as exc:
        raise CauserieError("bad_frame", detail=technical(str(exc))) from None
    except msgspec.DecodeError:
        raise CauserieError("bad_json") from None
    token, device, info, statements = await do_enter(app, body, origin_of(request, app.settings.trust_forwarded),
                                                     request.cookies.get(DEVICE_COOKIE))
    response = json_response(SessionCreated(token=token, session=info, statements=statements), status=201)
    response.set_cookie(DEVICE_COOKIE, device, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                        secure=app.settings.cookie_secure, path="/")
    return response


@routes.delete("/api/session")
async def end_session(request: web.Request) -> web.Response:
    app, session = await _session(request)
    await do_end_session(app, session.id, reason="logout")
    return web.Response(status=204)


@routes.get("/api/postal-codes/{code}")
async def postal_code(request: web.Request) -> web.Response:
    app = request.app[APP]
    code = request.match_info["code"]
    if not app.postal.valid(code):
        raise CauserieError("postal_code_invalid")
    places = app.postal.communes(code)
    if not places:
        raise CauserieError("postal_code_unknown")
    return json_response(CommuneList(postal_code=code, communes=[
        Commune(insee=p.insee, commune=p.commune, departement=p.departement) for p in places]))


@routes.get("/api/rooms")
async def list_rooms(request: web.Request) -> web.Response:
    app, session = await _session(request)
    return json_response(RoomList(rooms=await do_list_rooms(app, session)))


@routes.get("/api/rooms/{room}/history")
async def room_history(request: web.Request) -> web.Response:
    app, session = await _session(request)
    room = await access_room(app, session, request.match_info["room"])
    before = _int_query(request, "before", None)
    limit = min(max(_int_query(request, "limit", 50) or 1, 1), 100)
    page = await app.messages.before(room.id, before, limit)
    messages = [message_out(m) for m in page if m.session_id not in session.ignored]
    cursor = page[0].seq if page and page[0].seq > 1 else None
    return json_response(RoomHistory(messages=messages, before=cursor))


@routes.get("/api/pms/{pm}/history")
async def pm_history(request: web.Request) -> web.Response:
    app, session = await _session(request)
    raw = request.match_info["pm"]
    if not raw.isdigit():
        raise CauserieError("pm_unknown")
    before = _int_query(request, "before", None)
    limit = min(max(_int_query(request, "limit", 50) or 1, 1), 100)
    messages = await do_pm_history(app, session, int(raw), before, limit)
    cursor = messages[0].seq if messages and messages[0].seq > 1 else None
    return json_response(PmHistory(messages=messages, before=cursor))


@routes.get("/api/health")
async def health(_request: web.Request) -> web.Response:
    return json_response(Health(status="ok"))


@routes.get("/api/ready")
async def ready(request: web.Request) -> web.Response:
    app = request.app[APP]
    checks = {"database": "ok", "bus": "ok"}
    try:
        await app.rooms.get("general")
    except Exception:
        checks["database"] = "down"
    try:
        if not await app.broker.ping():
            checks["bus"] = "down"
    except Exception:
        checks["bus"] = "down"
    ok = all(v == "ok" for v in checks.values())
    return json_response(Health(status="ok" if ok else "unavailable", checks=checks), status=200 if ok else 503)


@routes.get("/openapi.json")
async def openapi(_request: web.Request) -> web.Response:
    return json_response(openapi_document())


STATIC = resources.files("causerie.web").joinpath("static")


@routes.get("/")
async def index(_request: web.Request) -> web.StreamResponse:
    page = STATIC.joinpath("index.html")
    if not page.is_file():
        return web.Response(text="Causerie", content_type="text/plain")
    return web.Response(body=page.read_bytes(), content_type="text/html", charset="utf-8")
