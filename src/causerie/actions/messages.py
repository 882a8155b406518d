"""Sending to a room and to a person; typing and read markers; resuming after a reconnect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from causerie.actions.rooms import message_out
from causerie.actions.screening import screen_outgoing
from causerie.bus import Event
from causerie.checks import access_pm, access_room_for_send, check_client_id, check_text
from causerie.domain import Person, PmPolicy
from causerie.errors import CauserieError, Text
from causerie.hub import LiveSession, room_topic, session_topic
from causerie.moderation.enforcement import check_may_send, check_room_open
from causerie.policy.bands import note_cross_band
from causerie.policy.contact import check_band_text
from causerie.policy.flood import check_duplicate, check_send
from causerie.presence import person_info
from causerie.protocol import (
    Ack,
    Conversation,
    Notice,
    PmMessageOut,
    PmOpened,
    ReadOut,
    Resume,
    Send,
    Truncated,
    TypingOut,
    encode,
)
from causerie.protocol import Pm as PmFrame
from causerie.storage.pms import ConversationRecord, StoredPm

if TYPE_CHECKING:
    from causerie.app import Causerie


async def do_send_message(app: Causerie, session: LiveSession, frame: Send) -> Ack:
    """Store a room message (acknowledged once durable), then fan it out to the room's members."""
    text = check_text(frame.text, app.settings.max_text)
    client_id = check_client_id(frame.client_id)
    check_may_send(app, session.id)
    access_room_for_send(session, frame.room)
    check_room_open(app, frame.room)
    check_band_text(session.person.band, text)
    await check_send(app, session, room_id=frame.room)
    await check_duplicate(app, session, text, client_id, room_id=frame.room)
    outcome = await screen_outgoing(app, session, text, client_id, room_id=frame.room)
    if outcome.shadow:
        last = await app.messages.before(frame.room, None, 1)
        return Ack(client_id=client_id, seq=last[0].seq if last else 0, ts=app.clock.now_ms(), room=frame.room)
    return await deliver_room_message(app, session.id, session.person.pseudo, frame.room, text, client_id,
                                      outcome.notice)


async def deliver_room_message(app: Causerie, session_id: str, pseudo: str, room: str, text: str,
                               client_id: str, notice: Notice | None = None) -> Ack:
    """Store a screened room message with the room's next seq, then publish it (after the commit)."""
    stored, new = await app.messages.append(room, session_id, pseudo, text, client_id, app.clock.now_ms())
    if new:
        await app.broker.publish(room_topic(stored.room),
                                 Event("message", frame=encode(message_out(stored)), sender=session_id,
                                       data={"seq": stored.seq}))
    return Ack(client_id=client_id, seq=stored.seq, ts=stored.ts, room=stored.room, notice=notice)


async def _may_open_pm(app: Causerie, sender: LiveSession, peer: Person) -> None:
    record = await app.sessions.by_id(peer.session_id)
    if record is None or record.ended_at is not None:
        raise CauserieError("user_unknown")
    if record.pm_policy == PmPolicy.NOBODY.value:
        raise CauserieError("pm_refused")
    if record.pm_policy == PmPolicy.SHARED_ROOM.value and not await app.rooms.share_a_room(
            sender.id, peer.session_id):
        raise CauserieError("pm_refused")


def _conversation(conv: ConversationRecord, me: Person, peer: Person) -> Conversation:
    read = conv.read_seq_of(me.session_id)
    return Conversation(id=conv.id, peer=person_info(peer, me), last_seq=conv.last_seq, read_seq=read,
                        unread=conv.last_seq - read)


def pm_out(stored: StoredPm, sender: str, recipient: str) -> PmMessageOut:
    return PmMessageOut(pm=stored.pm, seq=stored.seq, from_=sender, to=recipient, text=stored.text,
                        ts=stored.ts, client_id=stored.client_id)


async def do_send_pm(app: Causerie, session: LiveSession, frame: PmFrame) -> Ack:
    text = check_text(frame.text, app.settings.max_text)
    client_id = check_client_id(frame.client_id)
    check_may_send(app, session.id)
    me = session.person
    if frame.pm is not None:
        conv: ConversationRecord | None = await access_pm(app, session, frame.pm)
        assert conv is not None
        peer = app.directory.people.get(conv.peer_of(me.session_id))
    elif frame.to is not None:
        peer = app.directory.find(frame.to)
        conv = None
    else:
        raise CauserieError("bad_frame", detail=Text("pm : `to` ou `pm` est requis", "pm: `to` or `pm` is required"))
    # Someone of the other band is, for this sender, nobody (the same answer as an unknown name, so
    # it reveals nothing); moderators get a cross_band_attempt signal.
    if peer is not None and peer.band is not me.band:
        await note_cross_band(app, session, "pm", peer.session_id)
    if peer is None or peer.band is not me.band:
        raise CauserieError("user_unknown")
    if peer.session_id == me.session_id:
        raise CauserieError("pm_self")
    if await app.ignores.ignores(peer.session_id, me.session_id):
        raise CauserieError("pm_refused")
    if conv is None:
        conv = await app.pms.between(me.session_id, peer.session_id)
    if conv is None:
        await _may_open_pm(app, session, peer)
    check_band_text(me.band, text)
    await check_send(app, session, new_pm_to=peer.band if conv is None else None)
    await check_duplicate(app, session, text, client_id, pm_id=conv.id if conv else None,
                          recipient_id=peer.session_id)
    outcome = await screen_outgoing(app, session, text, client_id, pm_id=conv.id if conv else None,
                                    recipient_age=peer.age, recipient_id=peer.session_id)
    if outcome.shadow:
        return Ack(client_id=client_id, seq=conv.last_seq if conv else 0, ts=app.clock.now_ms(),
                   pm=conv.id if conv else 0)
    if conv is None:
        conv, created = await app.pms.open(me.session_id, peer.session_id, app.clock.now_ms())
        if created:
            for a, b in ((me, peer), (peer, me)):
                opened = encode(PmOpened(pm=_conversation(conv, a, b)))
                await app.broker.publish(session_topic(a.session_id), Event("frame", frame=opened))
    return await deliver_pm(app, conv.id, me, peer, text, client_id, outcome.notice)


async def deliver_pm(app: Causerie, pm_id: int, me: Person, peer: Person, text: str, client_id: str,
                     notice: Notice | None = None) -> Ack:
    """Store a screened PM with the conversation's next seq, then publish it to both sides."""
    stored, new = await app.pms.append(pm_id, me.session_id, text, client_id, app.clock.now_ms())
    if new:
        out = encode(pm_out(stored, me.pseudo, peer.pseudo))
        for sid in (me.session_id, peer.session_id):
            await app.broker.publish(session_topic(sid), Event("frame", frame=out, sender=me.session_id,
                                                               data={"pm": stored.pm, "seq": stored.seq}))
    return Ack(client_id=client_id, seq=stored.seq, ts=stored.ts, pm=stored.pm, notice=notice)


async def do_typing(app: Causerie, session: LiveSession, pm_id: int) -> None:
    conv = await access_pm(app, session, pm_id)
    frame = encode(TypingOut(pm=pm_id, from_=session.person.pseudo))
    await app.broker.publish(session_topic(conv.peer_of(session.id)),
                             Event("frame", frame=frame, sender=session.id))


async def do_read(app: Causerie, session: LiveSession, pm_id: int, seq: int) -> None:
    conv = await access_pm(app, session, pm_id)
    if seq < 0:
        raise CauserieError("bad_frame", detail=Text("read : seq doit être ≥ 0", "read: seq must be ≥ 0"))
    marker = await app.pms.mark_read(conv, session.id, seq)
    frame = encode(ReadOut(pm=pm_id, seq=marker, by=session.person.pseudo))
    await app.broker.publish(session_topic(conv.peer_of(session.id)),
                             Event("frame", frame=frame, sender=session.id))


async def do_resume(app: Causerie, session: LiveSession, resume: Resume) -> tuple[list[bytes], dict[str, int]]:
    """The frames a reconnecting client missed: after its last seq, per room and conversation; and for
    each `room:<id>` and `pm:<id>` the highest seq the client has once they are sent (live messages
    held meanwhile are sent after them, except those at or below it: `WsConnection.release`)."""
    cap = app.settings.resume_cap
    frames: list[bytes] = []
    sent: dict[str, int] = {}
    for room_id, last in resume.rooms.items():
        if room_id not in session.rooms:
            continue
        missed, truncated = await app.messages.after(room_id, max(last, 0), cap)
        sent[f"room:{room_id}"] = max([last, *(m.seq for m in missed)])
        if truncated:
            frames.append(encode(Truncated(room=room_id, before=missed[0].seq)))
        frames.extend(encode(message_out(m)) for m in missed
                      if m.session_id not in session.ignored)
    for pm_key, last in resume.pms.items():
        if not pm_key.isdigit():
            continue
        conv = await app.pms.get(int(pm_key))
        if conv is None or session.id not in (conv.a, conv.b):
            continue
        missed_pms, truncated = await app.pms.after(conv.id, max(last, 0), cap)
        sent[f"pm:{conv.id}"] = max([last, *(m.seq for m in missed_pms)])
        if truncated:
            frames.append(encode(Truncated(pm=conv.id, before=missed_pms[0].seq)))
        names = await _pseudos(app, conv)
        frames.extend(encode(pm_out(m, names[m.session_id], names[conv.peer_of(m.session_id)]))
                      for m in missed_pms)
    return frames, sent


async def _pseudos(app: Causerie, conv: ConversationRecord) -> dict[str, str]:
    out = {}
    for sid in (conv.a, conv.b):
        person = app.directory.people.get(sid)
        if person is None:
            record = await app.sessions.by_id(sid)
            out[sid] = record.person.pseudo if record else "?"
        else:
            out[sid] = person.pseudo
    return out


async def do_pm_history(app: Causerie, session: LiveSession, pm_id: int, before: int | None,
                        limit: int) -> list[PmMessageOut]:
    conv = await access_pm(app, session, pm_id)
    names = await _pseudos(app, conv)
    return [pm_out(m, names[m.session_id], names[conv.peer_of(m.session_id)])
            for m in await app.pms.before(conv.id, before, limit)]
