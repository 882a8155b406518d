"""Bare aiohttp broadcast server: the floor Causerie is measured against.

Protocol: {"type":"join","room":R} -> {"type":"joined","room":R};
{"type":"send","room":R,"text":T} -> {"type":"message","room":R,"text":T} to every member of R.
Usage: python bench/baseline_aiohttp.py PORT  (binds 127.0.0.1; GET /health answers 200).
"""

import sys

import msgspec
from aiohttp import WSMsgType, web

rooms: dict[str, set[web.WebSocketResponse]] = {}
decode = msgspec.json.Decoder(dict).decode
encode = msgspec.json.Encoder().encode


async def ws_handler(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(max_msg_size=65536)
    await ws.prepare(request)
    joined: set[str] = set()
    try:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = decode(msg.data)
            room = str(frame.get("room"))
            if frame.get("type") == "join":
                rooms.setdefault(room, set()).add(ws)
                joined.add(room)
                await ws.send_bytes(encode({"type": "joined", "room": room}))
            elif frame.get("type") == "send" and room in joined:
                out = encode({"type": "message", "room": room, "text": frame.get("text")}).decode()
                for peer in list(rooms[room]):
                    if not peer.closed:
                        await peer.send_str(out)
    finally:
        for room in joined:
            rooms[room].discard(ws)
    return ws


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


if __name__ == "__main__":
    app = web.Application()
    app.add_routes([web.get("/ws", ws_handler), web.get("/health", health)])
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, backlog=1024)
