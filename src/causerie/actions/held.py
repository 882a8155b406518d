"""Deciding on held messages: released ones are stored and delivered as if just sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from causerie.actions.messages import deliver_pm, deliver_room_message
from causerie.errors import CauserieError
from causerie.protocol import Ack

if TYPE_CHECKING:
    from causerie.app import Causerie


async def do_release_held(app: Causerie, screened_id: int) -> Ack | None:
    """Release a held message: it gets the next sequence number of its room or conversation.

    Returns None when the conversation can no longer be reached (a party left); the decision stands.
    """
    held = await app.screened.get(screened_id)
    if held is None or not await app.screened.decide(screened_id, "released", app.clock.now_ms()):
        raise CauserieError("not_found")
    sender = await app.sessions.by_id(held.session_id)
    assert sender is not None
    if held.room_id is not None:
        return await deliver_room_message(app, held.session_id, sender.person.pseudo, held.room_id, held.text,
                                          held.client_id)
    assert held.recipient_id is not None
    peer = await app.sessions.by_id(held.recipient_id)
    if peer is None:
        return None
    conv, _ = await app.pms.open(held.session_id, held.recipient_id, app.clock.now_ms())
    return await deliver_pm(app, conv.id, sender.person, peer.person, held.text, held.client_id)


async def do_delete_held(app: Causerie, screened_id: int) -> None:
    if not await app.screened.decide(screened_id, "deleted", app.clock.now_ms()):
        raise CauserieError("not_found")
