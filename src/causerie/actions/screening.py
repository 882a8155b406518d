"""Screening an outgoing message before anyone sees it, and releasing held messages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from causerie.errors import REASONS, CauserieError
from causerie.hub import LiveSession
from causerie.moderation.cases import on_screened
from causerie.moderation.decisions import do_automated_block
from causerie.protocol import Name, Notice
from causerie.screening import ScreenContext, Verdict

if TYPE_CHECKING:
    from causerie.app import Causerie

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    deliver: bool  # store and fan out
    shadow: bool  # look delivered to the sender, reach nobody
    notice: Notice | None


def _verdict(app: Causerie, text: str, ctx: ScreenContext) -> Verdict:
    try:
        return app.screener.screen(text, ctx)
    except Exception:
        # The engine itself failed: nothing goes out unscreened; the message waits for a moderator.
        log.exception("screening engine failed; holding the message")
        return Verdict(labels=(), scores={}, action="hold", category=None,
                       reason=REASONS["review_pending"])


async def screen_outgoing(app: Causerie, session: LiveSession, text: str, client_id: str, *,
                          room_id: str | None = None, pm_id: int | None = None,
                          recipient: LiveSession | None = None, recipient_age: int | None = None,
                          recipient_id: str | None = None) -> Outcome:
    """Screen a message; record any verdict other than allow; raise if the sender must be told no."""
    me = session.person
    ctx = ScreenContext(where="pm" if room_id is None else "room", band=me.band.value, sender_age=me.age,
                        recipient_age=recipient_age, room=room_id)
    verdict = _verdict(app, text, ctx)
    if verdict.action == "allow":
        return Outcome(True, False, None)
    screened_id = await app.screened.add(session_id=session.id, room_id=room_id, pm_id=pm_id, recipient_id=recipient_id,
                           text=text, client_id=client_id, action=verdict.action, category=verdict.category,
                           labels=list(verdict.labels), scores=dict(verdict.scores), open_case=verdict.open_case,
                           now=app.clock.now_ms())
    await on_screened(app, screened_id)
    reason = verdict.reason or REASONS["not_sent"]
    if verdict.action == "block":
        # an automated decision: a statement of reasons the sender can appeal before a moderator
        await do_automated_block(app, session.id, screened_id, verdict.category, reason, room_id)
        raise CauserieError("message_blocked", category=verdict.category, **reason)
    if verdict.action == "hold":
        raise CauserieError("message_held", category=verdict.category, **reason)
    if verdict.action == "shadow":
        return Outcome(False, True, None)
    notice = Notice(code="message_flagged", category=verdict.category or "",
                    message=Name(fr=reason["fr"], en=reason["en"]))
    return Outcome(True, False, notice)
