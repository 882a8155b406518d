"""The OpenAPI 3.1 document of the HTTP API, generated from the same msgspec types the routes use."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import msgspec

from causerie import __version__
from causerie.protocol import (
    CommuneList,
    ErrorResponse,
    Health,
    PmHistory,
    RoomHistory,
    RoomList,
    SessionCreate,
    SessionCreated,
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
        [SessionCreate, SessionCreated, CommuneList, RoomList, RoomHistory, PmHistory, Health, ErrorResponse],
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
    return {
        "openapi": "3.1.0",
        "info": {"title": "Causerie", "version": __version__,
                 "description": "HTTP API of Causerie. The chat itself runs over the WebSocket at /ws "
                                "(see docs/protocol.md)."},
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
