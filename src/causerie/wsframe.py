"""WebSocket wire frames built once and written as is to every recipient.

Server-to-client frames are never masked, so one text frame's bytes serve every connection: the
fan-out of a room message costs one encoding per node, whatever the number of members.
"""

from __future__ import annotations

import struct


def text_frame(payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + payload
    return struct.pack("!BBQ", 0x81, 127, n) + payload
