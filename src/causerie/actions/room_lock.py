"""Locking a room: a moderator stops every send to it (the moderation console calls `do_set_room_lock`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from causerie.bus import Event
from causerie.errors import CauserieError
from causerie.hub import room_topic
from causerie.protocol import Name, RoomLock, encode

if TYPE_CHECKING:
    from causerie.app import Causerie

LOCKED = Name(fr="Ce salon est verrouillé par l'équipe de modération : personne ne peut y écrire pour le moment.",
              en="This room is locked by the moderation team: nobody can write in it for now.")
UNLOCKED = Name(fr="Ce salon est de nouveau ouvert : vous pouvez y écrire.",
                en="This room is open again: you can write in it.")


async def do_set_room_lock(app: Causerie, room_id: str, locked: bool, moderator_id: int) -> bool:
    """Lock or unlock a room: stored (it survives a restart), applied on this node at once, then on every
    node through the bus; the members are told with a `room_lock` frame. Returns whether it changed."""
    if await app.room(room_id) is None:
        raise CauserieError("room_unknown")
    mod = app.moderation
    if locked:
        changed = await mod.locks.lock(room_id, moderator_id, app.clock.now_ms())
    else:
        changed = await mod.locks.unlock(room_id)
    change = {"room": room_id, "locked": locked}
    mod.apply_room_lock(change)  # this node at once; the others when the event arrives
    await mod.publish("room_lock", **change)
    if changed:
        frame = RoomLock(room=room_id, locked=locked, message=LOCKED if locked else UNLOCKED)
        await app.broker.publish(room_topic(room_id), Event("frame", frame=encode(frame)))
    return changed
