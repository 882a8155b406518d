"""The OpenAPI 3.1 document of the HTTP API, generated from the same msgspec types the routes use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import msgspec

from causerie import __version__
from causerie.protocol import (
    AppealCreate,
    AppealCreated,
    AppealStatus,
    CommuneList,
    ErrorResponse,
    Health,
    PmHistory,
    ReportCreate,
    ReportCreated,
    RoomHistory,
    RoomList,
    SessionCreate,
    SessionCreated,
    StatementReceipt,
)

REF = "#/components/schemas/{name}"


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": REF.format(name=schema)}}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): {"description": "error with a stable code", **_json("ErrorResponse")} for c in codes}


BEARER = [{"bearer": []}]
CURSOR = [
    {"name": "before", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
     "description": "return messages with a sequence number below this one"},
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}},
]


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    _, components = msgspec.json.schema_components(
        [SessionCreate, SessionCreated, CommuneList, RoomList, RoomHistory, PmHistory, Health, ErrorResponse,
         ReportCreate, ReportCreated, AppealCreate, AppealCreated, AppealStatus, StatementReceipt],
        ref_template=REF,
    )
    paths: dict[str, Any] = {
        "/api/session": {
            "post": {"summary": "Enter the chat (no signup)", "operationId": "createSession",
                     "requestBody": {"required": True, **_json("SessionCreate")},
                     "responses": {"201": {"description": "session created", **_json("SessionCreated")},
                                   **_errors(400, 403, 409, 422)}},
            "delete": {"summary": "Leave the chat", "operationId": "endSession", "security": BEARER,
                       "responses": {"204": {"description": "session ended"}, **_errors(401)}},
        },
        "/api/postal-codes/{code}": {
            "get": {"summary": "Communes of a postal code", "operationId": "postalCode",
                    "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "communes", **_json("CommuneList")}, **_errors(422)}},
        },
        "/api/rooms": {
            "get": {"summary": "Rooms of your age band, with member counts", "operationId": "listRooms",
                    "security": BEARER,
                    "responses": {"200": {"description": "rooms", **_json("RoomList")}, **_errors(401)}},
        },
        "/api/rooms/{room}/history": {
            "get": {"summary": "A page of a room's messages, oldest first", "operationId": "roomHistory",
                    "security": BEARER,
                    "parameters": [{"name": "room", "in": "path", "required": True,
                                    "schema": {"type": "string"}}, *CURSOR],
                    "responses": {"200": {"description": "messages", **_json("RoomHistory")},
                                  **_errors(401, 403, 404, 422)}},
        },
        "/api/pms/{pm}/history": {
            "get": {"summary": "A page of a private conversation, oldest first", "operationId": "pmHistory",
                    "security": BEARER,
                    "parameters": [{"name": "pm", "in": "path", "required": True,
                                    "schema": {"type": "integer"}}, *CURSOR],
                    "responses": {"200": {"description": "messages", **_json("PmHistory")},
                                  **_errors(401, 404, 422)}},
        },
        "/api/health": {"get": {"summary": "Liveness", "operationId": "health",
                                "responses": {"200": {"description": "alive", **_json("Health")}}}},
        "/api/ready": {"get": {"summary": "Readiness: database and bus reachable", "operationId": "ready",
                               "responses": {"200": {"description": "ready", **_json("Health")},
                                             "503": {"description": "not ready", **_json("Health")}}}},
    }
    paths.update(_moderation_paths())
    return {
        "openapi": "3.1.0",
        "info": {"title": "Causerie", "version": __version__,
                 "description": "HTTP API of Causerie. The chat itself runs over the WebSocket at /ws "
                                "(see docs/protocol.md)."},
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                           "console": {"type": "apiKey", "in": "cookie", "name": "causerie_mod"}}},
    }


CONSOLE = [{"console": []}]
_OBJECT = {"content": {"application/json": {"schema": {"type": "object"}}}}


def _op(summary: str, op_id: str, *, security: list[dict[str, list[str]]] | None = CONSOLE,
        params: tuple[str, ...] = (), body: str | None = None, ok: str = "200",
        ok_schema: str | None = None, errors: tuple[int, ...] = (401, 403, 404)) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "operationId": op_id,
                          "responses": {ok: {"description": "ok", **(_json(ok_schema) if ok_schema else _OBJECT)},
                                        **_errors(*errors)}}
    if security is not None:
        op["security"] = security
    if params:
        op["parameters"] = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params]
    if body == "object":
        op["requestBody"] = {"required": True, **_OBJECT}
    elif body:
        op["requestBody"] = {"required": True, **_json(body)}
    return op


def _moderation_paths() -> dict[str, Any]:
    """Reports, appeals and the moderation console (docs/moderation.md)."""
    case = ("case",)
    return {
        "/api/reports": {"post": _op("Report a message, a person or a room", "createReport", security=BEARER,
                                     body="ReportCreate", ok="201", ok_schema="ReportCreated",
                                     errors=(401, 403, 404, 422))},
        "/api/appeals": {"post": _op("Appeal a decision with its token", "createAppeal", security=None,
                                     body="AppealCreate", ok="201", ok_schema="AppealCreated",
                                     errors=(404, 409, 410, 422))},
        "/api/appeals/{token}": {"get": _op("Where an appeal stands", "appealStatus", security=None,
                                            params=("token",), ok_schema="AppealStatus", errors=(404,))},
        "/api/statements/receipt": {"post": _op("A statement of reasons arrived (its receipt)", "statementReceipt",
                                                security=None, body="StatementReceipt", ok="204", errors=(404, 422))},
        "/api/mod/login": {"post": _op("Console login: password and TOTP", "modLogin", security=None, body="object",
                                       errors=(401, 422))},
        "/api/mod/logout": {"post": _op("End the console session", "modLogout", ok="204")},
        "/api/mod/me": {"get": _op("The moderator, roles and CSRF token", "modMe")},
        "/api/mod/cases": {"get": _op("Open cases of the readable queues, by priority", "modCases")},
        "/api/mod/closed-cases": {"get": {**_op("Search closed cases of the readable queues", "modClosedCases",
                                                errors=(401, 403, 422)), "parameters": [
            {"name": name, "in": "query", "required": False, "schema": {"type": kind}, "description": text}
            for name, kind, text in (("target", "string", "a pseudonym (any session that bore it) or a room id"),
                                     ("category", "string", "the case's category"),
                                     ("from", "integer", "closed at or after (ms)"),
                                     ("to", "integer", "closed before (ms)"))]}},
        "/api/mod/cases/{case}": {"get": _op("A case with evidence, timeline and links", "modCase", params=case)},
        "/api/mod/cases/{case}/claim": {
            "post": _op("Claim a case", "modClaim", params=case, errors=(401, 403, 404, 409)),
            "delete": _op("Give a case back", "modUnclaim", params=case, ok="204", errors=(401, 403, 404, 409))},
        "/api/mod/cases/{case}/actions": {"post": _op("Act on a claimed case", "modAct", params=case, body="object",
                                                      errors=(401, 403, 404, 409, 422))},
        "/api/mod/cases/{case}/bundle": {"get": _op("Evidence bundle for the authorities", "modBundle", params=case)},
        "/api/mod/legal/sessions/{session}": {"get": _op("Identification data (legal role)", "modLegalSession",
                                                         params=("session",))},
        "/api/mod/trusted-flaggers/{session}": {
            "put": _op("Mark a reporter's device as a trusted flagger (admin)", "modTrustFlagger",
                       params=("session",)),
            "delete": _op("No longer a trusted flagger (admin)", "modUntrustFlagger", params=("session",))},
        "/api/mod/audit/verify": {"get": _op("Recompute the audit chain (admin)", "modAuditVerify")},
        "/api/mod/events": {"get": _op("Live feed of case changes (text/event-stream)", "modEvents")},
    }
