"""Per-room slow mode: a moderator setting (the moderation console calls `do_set_slow_mode`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from causerie.errors import CauserieError
from causerie.policy.flood import set_slow_mode

if TYPE_CHECKING:
    from causerie.app import Causerie

MAX_SLOW_MODE_S = 3600


async def do_set_slow_mode(app: Causerie, room_id: str, seconds: int, *, newcomers_only: bool = False) -> None:
    """One message per `seconds` per person in the room (0 turns it off); with `newcomers_only`, only
    sessions in their first `policy.new_session_s` are slowed. Replaces any automatic slow mode."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= MAX_SLOW_MODE_S:
        raise CauserieError("slow_mode_invalid")
    if await app.room(room_id) is None:
        raise CauserieError("room_unknown")
    await set_slow_mode(app, room_id, seconds, newcomers_only=newcomers_only, until=None)
