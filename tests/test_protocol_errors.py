"""Bad input gets a clear answer and loses nothing: the connection stays usable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp import WSMsgType

from causerie.errors import CauserieError, Text
from chat_client import ChatClient

BAD_FRAMES = [
    ("{oops", "bad_json"),
    ("", "bad_json"),
    ("[1, 2]", "bad_frame"),
    ('{"no_type": 1}', "bad_frame"),
    ('{"type": "dance"}', "unknown_type"),
    ('{"type": "send", "room": "general"}', "bad_frame"),
    ('{"type": "send", "room": 5, "text": "x", "client_id": "1"}', "bad_frame"),
    ('{"type": "read", "pm": "x", "seq": 1}', "bad_frame"),
    ('{"type": "join"}', "bad_frame"),
]


@pytest.mark.parametrize(("raw", "code"), BAD_FRAMES)
async def test_bad_frames_after_hello(new_client, no_tracebacks, raw, code) -> None:
    a = await new_client("Alice_1")
    await a.join("general")
    await a.send_raw(raw)
    err = await a.recv("error")
    assert err["code"] == code
    assert err["message"]["fr"] and err["message"]["en"]
    assert (await a.say("general", "toujours là"))["seq"] == 1


async def test_actions_before_hello_are_refused(server, no_tracebacks) -> None:
    c = ChatClient(server.url)
    try:
        await c.enter("Alice_1")
        c.ws = await c.http.ws_connect(server.url.replace("http", "ws") + "/ws")
        assert await c.error({"type": "join", "room": "general"}) == "not_authenticated"
        assert await c.error({"type": "hello", "token": "wrong"}) == "token_invalid"
        await c.send({"type": "hello", "token": c.token})
        await c.recv("welcome")
        assert await c.error({"type": "hello", "token": c.token}) == "already_authenticated"
        await c.join("general")
    finally:
        await c.close()


async def test_binary_frames_are_read_as_json(new_client) -> None:
    a = await new_client("Alice_1")
    await a.send_raw(b'{"type": "ping", "ref": "r1"}')
    assert await a.recv("pong") == {"type": "pong", "ref": "r1"}


async def test_oversized_frame_closes_with_1009(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    assert a.ws is not None
    await a.ws.send_str('{"type": "ping", "ref": "' + "x" * (64 * 1024) + '"}')
    msg = await a.ws.receive(timeout=3)
    assert msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    assert a.ws.close_code == 1009


async def test_error_echoes_the_client_id(new_client) -> None:
    a = await new_client("Alice_1")
    await a.send({"type": "send", "room": "general", "text": "x", "client_id": "mine-7"})
    err = await a.recv("error")
    assert err["code"] == "not_joined" and err["ref"] == "mine-7"


def test_a_bilingual_param_gives_each_message_its_own_language() -> None:
    error = CauserieError("report_invalid", detail=Text("vous ne pouvez pas vous signaler vous-même",
                                                        "you cannot report yourself"))
    assert error.message() == {"fr": "Signalement invalide : vous ne pouvez pas vous signaler vous-même",
                               "en": "Invalid report: you cannot report yourself"}
    # plain params (numbers, names) are the same in both languages
    assert CauserieError("text_too_long", limit=500).message() == {
        "fr": "Le message dépasse 500 caractères.", "en": "The message is over 500 characters."}


def test_no_detail_is_written_in_english_only() -> None:
    """A human-written `detail` is a Text (French and English); a library's validation message goes
    through `technical()`, which says in French that it is a technical detail in English."""
    src = Path(__file__).resolve().parent.parent / "src" / "causerie"
    offenders = [f"{path.relative_to(src)}:{n}" for path in sorted(src.rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\bdetail=(f?[\"']|str\()", line)]
    assert offenders == []


async def test_a_bad_frame_reads_as_french_in_french(new_client, no_tracebacks) -> None:
    a = await new_client("Alice_1")
    await a.send({"type": "presence", "filters": {"gender": ["robot"]}})
    err = await a.recv("error")
    assert err["code"] == "bad_frame"
    assert err["message"] == {"fr": "Trame invalide : filters.gender : genre inconnu (woman, man ou other)",
                              "en": "Invalid frame: filters.gender: unknown gender (woman, man or other)"}
    # a library's validation message is for client developers: in English, and said to be so in French
    await a.send({"type": "join"})
    err = await a.recv("error")
    assert err["code"] == "bad_frame"
    detail = err["message"]["en"].removeprefix("Invalid frame: ")
    assert detail != err["message"]["en"] and "`room`" in detail
    assert err["message"]["fr"] == f"Trame invalide : {detail} (détail technique, en anglais)"
