"""HTTP routes of moderation: reports and appeals (chat side) and the console API under /api/mod/.

The console authenticates with its own cookie (`causerie_mod`, HttpOnly, SameSite=Strict), never with a
chat token; every request that changes something carries the `X-CSRF-Token` header given at login;
every endpoint checks the moderator's roles on the server.
"""

from __future__ import annotations

import asyncio
import contextlib
from importlib import resources
from typing import Any

import msgspec
from aiohttp import web

from causerie.app import Causerie
from causerie.errors import CauserieError, technical
from causerie.moderation.accounts import ConsoleSession, access_console, do_login, do_logout
from causerie.moderation.cases import do_claim, do_unclaim
from causerie.moderation.decisions import ActionRequest, do_act, do_appeal, do_appeal_status, do_statement_received
from causerie.moderation.reports import do_report, do_set_trusted_flagger
from causerie.moderation.roles import ADMIN, readable_queues, require
from causerie.moderation.service import Watcher
from causerie.moderation.views import bundle_view, case_view, closed_view, legal_view, queue_view
from causerie.protocol import AppealCreate, ReportCreate, StatementReceipt
from causerie.web.keys import APP

COOKIE = "causerie_mod"
CSRF_HEADER = "X-CSRF-Token"
STATIC = resources.files("causerie.web").joinpath("static")
routes = web.RouteTableDef()


def _json(obj: Any, status: int = 200) -> web.Response:
    return web.Response(body=msgspec.json.encode(obj), status=status, content_type="application/json")


async def _body(request: web.Request, type_: type[Any]) -> Any:
    try:
        return msgspec.json.decode(await request.read(), type=type_)
    except msgspec.ValidationError as exc:
        raise CauserieError("bad_frame", detail=technical(str(exc))) from None
    except msgspec.DecodeError:
        raise CauserieError("bad_json") from None


async def _console(request: web.Request) -> tuple[Causerie, ConsoleSession]:
    app = request.app[APP]
    console = await access_console(app, request.cookies.get(COOKIE), request.headers.get(CSRF_HEADER),
                                   mutating=request.method not in ("GET", "HEAD"))
    return app, console


def _case_id(request: web.Request) -> int:
    raw = request.match_info["case"]
    if not raw.isdigit():
        raise CauserieError("not_found")
    return int(raw)


# --- chat side --------------------------------------------------------------------------------


@routes.post("/api/reports")
async def create_report(request: web.Request) -> web.Response:
    from causerie.web.http import _session

    app, session = await _session(request)
    return _json(await do_report(app, session, await _body(request, ReportCreate)), status=201)


@routes.post("/api/appeals")
async def create_appeal(request: web.Request) -> web.Response:
    body = await _body(request, AppealCreate)
    return _json(await do_appeal(request.app[APP], body.token, body.text), status=201)


@routes.get("/api/appeals/{token}")
async def appeal_status(request: web.Request) -> web.Response:
    return _json(await do_appeal_status(request.app[APP], request.match_info["token"]))


@routes.post("/api/statements/receipt")
async def statement_receipt(request: web.Request) -> web.Response:
    body = await _body(request, StatementReceipt)
    await do_statement_received(request.app[APP], body.receipt)
    return web.Response(status=204)


# --- console ------------------------------------------------------------------------------------


class Login(msgspec.Struct):
    name: str
    password: str
    code: str


@routes.post("/api/mod/login")
async def login(request: web.Request) -> web.Response:
    app = request.app[APP]
    body = await _body(request, Login)
    token, console = await do_login(app, body.name, body.password, body.code)
    response = _json({"name": console.moderator.name, "roles": sorted(console.moderator.roles),
                      "csrf": console.csrf, "id": console.moderator.id})
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=app.settings.cookie_secure,
                        path="/")
    return response


@routes.post("/api/mod/logout")
async def logout(request: web.Request) -> web.Response:
    app, console = await _console(request)
    await do_logout(app, console)
    response = web.Response(status=204)
    response.del_cookie(COOKIE, path="/")
    return response


@routes.get("/api/mod/me")
async def me(request: web.Request) -> web.Response:
    _app, console = await _console(request)
    m = console.moderator
    return _json({"id": m.id, "name": m.name, "roles": sorted(m.roles), "csrf": console.csrf,
                  "queues": readable_queues(m.roles)})


@routes.get("/api/mod/cases")
async def cases(request: web.Request) -> web.Response:
    app, console = await _console(request)
    return _json(await queue_view(app, console))


@routes.get("/api/mod/closed-cases")
async def closed_cases(request: web.Request) -> web.Response:
    app, console = await _console(request)
    q = request.query
    return _json(await closed_view(app, console, target=q.get("target", ""), category=q.get("category", ""),
                                   since=q.get("from", ""), until=q.get("to", "")))


@routes.get("/api/mod/cases/{case}")
async def case(request: web.Request) -> web.Response:
    app, console = await _console(request)
    return _json(await case_view(app, console, _case_id(request)))


@routes.post("/api/mod/cases/{case}/claim")
async def claim(request: web.Request) -> web.Response:
    app, console = await _console(request)
    from causerie.moderation.views import case_summary

    return _json(case_summary(await do_claim(app, console, _case_id(request))))


@routes.delete("/api/mod/cases/{case}/claim")
async def unclaim(request: web.Request) -> web.Response:
    app, console = await _console(request)
    await do_unclaim(app, console, _case_id(request))
    return web.Response(status=204)


@routes.post("/api/mod/cases/{case}/actions")
async def act(request: web.Request) -> web.Response:
    app, console = await _console(request)
    return _json(await do_act(app, console, _case_id(request), await _body(request, ActionRequest)))


@routes.get("/api/mod/cases/{case}/bundle")
async def bundle(request: web.Request) -> web.Response:
    app, console = await _console(request)
    return _json(await bundle_view(app, console, _case_id(request)))


@routes.get("/api/mod/legal/sessions/{session}")
async def legal_session(request: web.Request) -> web.Response:
    app, console = await _console(request)
    return _json(await legal_view(app, console, request.match_info["session"]))


@routes.put("/api/mod/trusted-flaggers/{session}")
async def trust_flagger(request: web.Request) -> web.Response:
    app, console = await _console(request)
    return _json(await do_set_trusted_flagger(app, console, request.match_info["session"], True))


@routes.delete("/api/mod/trusted-flaggers/{session}")
async def untrust_flagger(request: web.Request) -> web.Response:
    app, console = await _console(request)
    return _json(await do_set_trusted_flagger(app, console, request.match_info["session"], False))


@routes.get("/api/mod/audit/verify")
async def audit_verify(request: web.Request) -> web.Response:
    from causerie.moderation.audit import record, verify

    app, console = await _console(request)
    require(console.moderator.roles, ADMIN)
    result = await verify(app.audit)
    await record(app, actor=console.actor, action="audit_verify", target="audit", data={"ok": result.ok})
    return _json({"ok": result.ok, "count": result.count, "head": result.head, "problem": result.problem,
                  "seq": result.seq, "detail": result.detail})


@routes.get("/api/mod/events")
async def events(request: web.Request) -> web.StreamResponse:
    """The live feed (server-sent events): a `case` event whenever a case this moderator may see
    changes, `urgent` for escalated threats. The console reloads its queue on each."""
    app, console = await _console(request)
    watcher = Watcher(console.moderator.id, console.moderator.roles, asyncio.Queue(maxsize=1000))
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
    await response.prepare(request)
    app.moderation.watchers.add(watcher)
    try:
        await response.write(b": connected\n\n")
        while True:
            try:
                event = await asyncio.wait_for(watcher.queue.get(), timeout=15)
            except TimeoutError:
                # the session may have ended or gone idle meanwhile
                await access_console(app, request.cookies.get(COOKIE), None, mutating=False, touch=False)
                await response.write(b": keep-alive\n\n")
                continue
            kind = event.pop("kind")
            await response.write(f"event: {kind}\ndata: ".encode() + msgspec.json.encode(event) + b"\n\n")
    except (ConnectionResetError, CauserieError):
        pass
    finally:
        app.moderation.watchers.discard(watcher)
        with contextlib.suppress(Exception):
            await response.write_eof()
    return response


@routes.get("/mod")
async def console_page(_request: web.Request) -> web.StreamResponse:
    page = STATIC.joinpath("mod", "index.html")
    if not page.is_file():  # the console pages are not built yet (docs/moderation.md)
        return web.Response(status=404, text="moderation console: not built yet", content_type="text/plain")
    return web.Response(body=page.read_bytes(), content_type="text/html", charset="utf-8")
