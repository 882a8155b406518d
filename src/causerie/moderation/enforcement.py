"""Enforcement in the chat: bans and time-outs stop the person, on every node.

The database holds the sanctions; each node keeps the active ones in memory (`Moderation.sanctions`),
reloaded when a `sanctions` event arrives on the `moderation` topic. Checked on entry (device and
network), on `hello`, and on every send.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from causerie.errors import CauserieError

if TYPE_CHECKING:
    from causerie.app import Causerie
    from causerie.storage.decisions import Sanction


def _until(s: Sanction) -> str:
    return "permanent" if s.expires_at is None else str(s.expires_at)


def check_may_enter(app: Causerie, device_hash: str, network_hash: str) -> str | None:
    """Refuse (or flag, per configuration) a new session from a banned device or network.

    Returns the reason to flag it for a moderator, or None. A match never bans by itself.
    """
    mod = app.moderation
    for scope, value in (("device", device_hash), ("network", network_hash)):
        for s in mod.active(scope, value, ("ban",)):
            if mod.config.ban_evasion == "refuse":
                raise CauserieError("banned", until=_until(s))
            return f"ban_evasion_{scope}"
    return None


def check_may_send(app: Causerie, session_id: str) -> None:
    mod = app.moderation
    for s in mod.active("session", session_id):
        raise CauserieError("banned" if s.kind == "ban" else "timed_out", until=_until(s))


def check_room_open(app: Causerie, room_id: str) -> None:
    """A room a moderator locked takes no messages until it is unlocked."""
    if room_id in app.moderation.locked:
        raise CauserieError("room_locked")


def pseudo_skeletons(pseudo: str) -> set[str]:
    """A pseudonym reduced to what survives the usual variants — case, accents, separators, number
    suffixes, look-alike digits — in two readings (trailing digits as a suffix, or as letters):
    Bruno_1, brun0-2 and BRUNO75 share "bruno"."""
    text = unicodedata.normalize("NFKD", pseudo.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    chunks = [c for c in re.split(r"[^0-9a-z@$]+", text) if c and not c.isdigit()]
    leet = str.maketrans("013457@$", "oieastas")
    out = set()
    for strip in (False, True):
        parts = [re.sub(r"\d+$", "", c) if strip else c for c in chunks]
        skeleton = "".join(ch for ch in "".join(parts).translate(leet) if ch.isalpha())
        skeleton = re.sub(r"(.)\1+", r"\1", skeleton)
        if len(skeleton) >= 3:
            out.add(skeleton)
    return out


async def kick_local(app: Causerie, session_id: str, room_id: str) -> None:
    """Take a session out of a room, if this node holds it (every node receives the `kick` event)."""
    from causerie.actions.rooms import do_leave
    from causerie.protocol import encode

    session = app.hub.local.get(session_id)
    if session is None or room_id not in session.rooms:
        return
    left = await do_leave(app, session, room_id)
    session.send(encode(left))


async def after_entry(app: Causerie, session_id: str, pseudo: str, device_hash: str, network_hash: str,
                      evasion: str | None) -> None:
    """Flag (never ban) a new session that looks like ban evasion: a banned device or network let in by
    configuration, or a near-variant of a banned pseudonym from the same network."""
    from causerie.actions.signals import record_signal
    from causerie.moderation.audit import record

    reason = evasion
    if reason is None:
        banned = await app.moderation.decisions.banned_pseudos(network_hash)
        mine = pseudo_skeletons(pseudo)
        if any(mine & pseudo_skeletons(b) for b in banned):
            reason = "ban_evasion_pseudo"
    if reason is None:
        return
    await record(app, actor="system", action="flag_evasion", target=f"session:{session_id}", data={"reason": reason})
    # a `ban_evasion` signal, which moderation turns into a case item (moderation.cases.signal_case)
    await record_signal(app, "ban_evasion", session_id=session_id, device_hash=device_hash,
                        network_hash=network_hash, data={"reason": reason})
