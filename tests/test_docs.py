"""docs/protocol.md and /openapi.json say what the server does."""

from __future__ import annotations

import re
from pathlib import Path

from causerie import protocol
from causerie.errors import CATALOGUE
from causerie.web.http import routes as chat_routes
from causerie.web.mod import routes as mod_routes

routes = [*chat_routes, *mod_routes]

DOC = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text(encoding="utf-8")


def _table_types(heading: str) -> set[str]:
    section = DOC.split(heading, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M))


def test_every_client_frame_type_is_documented() -> None:
    in_code = {protocol.frame_type(cls) for cls in protocol.CLIENT_FRAME_TYPES}
    assert in_code == _table_types("### Client → server")


def test_every_server_frame_type_is_documented() -> None:
    in_code = {protocol.frame_type(cls) for cls in protocol.SERVER_FRAME_TYPES}
    assert in_code == _table_types("### Server → client")


def test_every_error_code_is_documented() -> None:
    section = DOC.split("## Error codes", 1)[1]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M))
    assert documented == set(CATALOGUE)


def test_every_http_route_is_documented() -> None:
    for route in routes:
        path = route.path  # type: ignore[attr-defined]
        if path.startswith("/api/") or path == "/openapi.json":
            assert f"`{route.method} {path}" in DOC, f"{route.method} {path} missing"  # type: ignore[attr-defined]


async def test_openapi_matches_the_routes(server, http) -> None:
    async with http.get(f"{server.url}/openapi.json") as resp:
        doc = await resp.json()
    assert doc["openapi"].startswith("3.1")
    served = {(r.method.lower(), r.path) for r in routes if r.path.startswith("/api/")}  # type: ignore[attr-defined]
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert served == documented
    for ops in doc["paths"].values():
        for op in ops.values():
            for response in op["responses"].values():
                ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
                if ref:
                    assert ref.rsplit("/", 1)[1] in doc["components"]["schemas"]
    assert set(doc["components"]["schemas"]["SessionCreate"]["required"]) == {"pseudo", "age", "gender", "postal_code"}
