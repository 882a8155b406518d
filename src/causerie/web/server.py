"""The aiohttp application: middlewares, routes, start-up and shut-down."""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from causerie.app import Causerie
from causerie.config import Settings
from causerie.errors import CauserieError
from causerie.storage.database import is_unavailable
from causerie.web import http, mod, ws
from causerie.web.keys import APP

log = logging.getLogger("causerie")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# No client address in the access log: IP addresses belong only in the legal store.
ACCESS_LOG_FORMAT = '"%r" %s %b %Tfs'

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(error: CauserieError) -> web.Response:
    body: dict[str, object] = {"code": error.code, "message": error.message()}
    if error.retry_after is not None:
        body["retry_after"] = error.retry_after
    response = http.json_response({"error": body, **error.extra}, status=error.status)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except CauserieError as error:
        response = _error(error)
    except web.HTTPException as exc:
        if exc.status == 404 and request.path.startswith("/api/"):
            response = _error(CauserieError("not_found"))
        elif exc.status == 405:
            response = _error(CauserieError("method_not_allowed"))
        else:
            raise
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        log.warning("database or bus unavailable: %s", type(exc).__name__)
        response = _error(CauserieError("unavailable"))
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(core: Causerie) -> web.Application:
    application = web.Application(middlewares=[errors], client_max_size=64 * 1024)
    application[APP] = core
    application.router.add_routes(http.routes)
    application.router.add_routes(mod.routes)
    application.router.add_get("/ws", ws.websocket)
    static = http.STATIC
    if static.is_dir():
        application.router.add_static("/static/", str(static), append_version=False)

    async def on_startup(_app: web.Application) -> None:
        await core.start()

    async def on_cleanup(_app: web.Application) -> None:
        await core.close()

    application.on_startup.append(on_startup)
    application.on_cleanup.append(on_cleanup)
    return application


def run_server(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    core = Causerie(settings)
    log.info("Causerie on http://%s:%d", settings.host, settings.port)
    # The access log costs ~15 % of the server's time under load (profile in docs/performance.md):
    # off unless CAUSERIE_ACCESS_LOG=1. It never holds client addresses.
    access_log = logging.getLogger("aiohttp.access") if settings.access_log else None
    application = create_app(core)

    async def freeze(_app: web.Application) -> None:
        # What exists once started (the screening engine's lexicons and model, the modules, the rooms)
        # lives as long as the process: out of the garbage collector's sight, a full collection costs
        # ~0.1 ms instead of ~100 ms, and under a wave of entries it runs every few hundred of them.
        gc.collect()
        gc.freeze()

    application.on_startup.append(freeze)  # after core.start (create_app's own start-up hook)
    web.run_app(application, host=settings.host, port=settings.port, print=None,
                access_log=access_log, access_log_format=ACCESS_LOG_FORMAT)
