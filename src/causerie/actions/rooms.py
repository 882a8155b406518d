"""Listing, joining, leaving and creating rooms; inviting to private rooms."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from causerie.bus import Event
from causerie.checks import access_room, check_room_name
from causerie.domain import Room, RoomKind
from causerie.errors import CauserieError
from causerie.hub import DIRECTORY, LiveSession, session_topic
from causerie.policy.bands import note_cross_band
from causerie.policy.flood import after_join, check_join
from causerie.protocol import (
    Invitation,
    Invited,
    Joined,
    Left,
    MessageOut,
    Name,
    RoomCreated,
    RoomInfo,
    encode,
)
from causerie.storage.messages import StoredMessage

if TYPE_CHECKING:
    from causerie.app import Causerie


def room_info(app: Causerie, room: Room) -> RoomInfo:
    return RoomInfo(id=room.id, name=Name(fr=room.name_fr, en=room.name_en), band=room.band.value,
                    kind=room.kind.value, members=app.directory.count(room.id),
                    locked=room.id in app.moderation.locked)


def message_out(m: StoredMessage) -> MessageOut:
    return MessageOut(room=m.room, seq=m.seq, from_=m.pseudo, text=m.text, ts=m.ts, client_id=m.client_id)


async def do_list_rooms(app: Causerie, session: LiveSession) -> list[RoomInfo]:
    """Rooms of the session's band: every public one, and the private ones it belongs or is invited to."""
    out = []
    for room in app.rooms_of_band(session.person.band):
        if room.kind is RoomKind.PRIVATE and room.id not in session.rooms:
            if not await app.rooms.is_invited(room.id, session.id):
                continue
        out.append(room_info(app, room))
    return out


async def do_join(app: Causerie, session: LiveSession, room_id: str) -> Joined:
    room = await access_room(app, session, room_id)
    if room_id in session.rooms:
        raise CauserieError("already_joined")
    await check_join(app, session)
    if not await app.rooms.add_member(room_id, session.id, app.clock.now_ms()):
        raise CauserieError("already_joined")
    session.rooms.add(room_id)
    await app.hub.add_to_room(room_id, session)
    await app.broker.publish(DIRECTORY, Event("join", data={"room": room_id, "session_id": session.id}))
    await after_join(app, session, room_id)
    history = await app.messages.before(room_id, None, app.settings.history_on_join)
    return Joined(room=room_info(app, room), history=[message_out(m) for m in history])


async def do_leave(app: Causerie, session: LiveSession, room_id: str) -> Left:
    if room_id not in session.rooms:
        raise CauserieError("not_joined")
    await app.rooms.remove_member(room_id, session.id)
    session.rooms.discard(room_id)
    await app.hub.remove_from_room(room_id, session)
    await app.broker.publish(DIRECTORY, Event("leave", data={"room": room_id, "session_id": session.id}))
    return Left(room=room_id)


async def do_create_room(app: Causerie, session: LiveSession, name: str, client_id: str | None) -> RoomCreated:
    """Create a private room of the creator's band; the creator is invited and may join it."""
    name = check_room_name(name)
    room = Room(f"p-{secrets.token_hex(6)}", name, name, session.person.band, RoomKind.PRIVATE, session.id)
    await app.rooms.create(room, app.clock.now_ms())
    app.cache_room(room)
    return RoomCreated(room=room_info(app, room), client_id=client_id)


async def do_invite(app: Causerie, session: LiveSession, room_id: str, pseudo: str) -> Invited:
    room = await access_room(app, session, room_id)
    if room.kind is not RoomKind.PRIVATE:
        raise CauserieError("room_unknown")
    if room_id not in session.rooms:
        raise CauserieError("not_joined")
    target = app.directory.find(pseudo)
    if target is not None and target.band is not session.person.band:
        await note_cross_band(app, session, "invite", target.session_id)
    if target is None or target.band is not session.person.band:
        raise CauserieError("user_unknown")
    await app.rooms.invite(room_id, target.session_id, session.id, app.clock.now_ms())
    frame = encode(Invitation(room=room_info(app, room), by=session.person.pseudo))
    await app.broker.publish(session_topic(target.session_id), Event("frame", frame=frame, sender=session.id))
    return Invited(room=room_id, pseudo=target.pseudo)
