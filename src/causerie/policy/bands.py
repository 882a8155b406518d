"""Age bands and age consistency.

Bands themselves are structural (checks.check_age, access_room, presence filters): this module adds
what happens at entry — a device or network seen declaring an adult age within `age_memory_days`
cannot enter the teen band, and any change of declared band is a signal — and the signal recorded
when someone reaches for a person of the other band.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from causerie.actions.signals import record_signal
from causerie.domain import Band
from causerie.errors import CauserieError

if TYPE_CHECKING:
    from causerie.app import Causerie
    from causerie.hub import LiveSession


@dataclass(slots=True)
class EntryVerdict:
    """Band changes to record once the session exists (so the signal names it)."""

    changes: list[dict[str, object]] = field(default_factory=list)


async def check_entry_band(app: Causerie, band: Band, age: int, device_hash: str,
                           network_hash: str) -> EntryVerdict:
    """Refuse a teen entry from a device or network that declared an adult age recently.

    Refusal: `entry_unavailable`, a neutral message (it neither says what was seen nor teaches how to
    get around it, and on a shared network it reveals nothing about the other people on it), and an
    `adult_device_in_teen_band` signal.
    """
    p = app.settings.policy
    since = app.clock.now_ms() - int(p.age_memory_days * 86_400_000)
    # The device and the network in one look-up; the network counts for the rule only when it is on.
    seen = await app.sessions.declared_bands(device_hash, network_hash, since)
    ruled = seen if p.network_age_rule else [s for s in seen if s[2] == "device"]
    verdict = EntryVerdict()
    adult_via = sorted({via for _, seen_band, via in ruled if seen_band == Band.ADULT.value})
    if band is Band.TEEN and adult_via:
        await record_signal(app, "adult_device_in_teen_band", device_hash=device_hash, network_hash=network_hash,
                            data={"declared_age": age, "via": adult_via,
                                  "sessions": sorted({sid for sid, b, _ in ruled if b == Band.ADULT.value})})
        raise CauserieError("entry_unavailable")
    # Every earlier session of the other band on this device or network (also on the network when the
    # network rule is off: the signal costs nothing and moderators may want it).
    other = {(sid, via) for sid, seen_band, via in seen if seen_band != band.value}
    for via in sorted({via for _, via in other}):
        verdict.changes.append({"from": next(b for _, b, v in seen if v == via and b != band.value),
                                "to": band.value, "declared_age": age, "via": via,
                                "sessions": sorted({sid for sid, v in other if v == via})})
    return verdict


async def record_band_changes(app: Causerie, verdict: EntryVerdict, session_id: str, device_hash: str,
                              network_hash: str) -> None:
    for change in verdict.changes:
        await record_signal(app, "age_band_change", session_id=session_id, device_hash=device_hash,
                            network_hash=network_hash, data=change)


async def note_cross_band(app: Causerie, session: LiveSession, action: str, target_id: str) -> None:
    """Someone reached for a person of the other band (by pseudonym): they are told `user_unknown`,
    exactly as if nobody had that name, and moderators get a `cross_band_attempt` signal."""
    await record_signal(app, "cross_band_attempt", session_id=session.id,
                        data={"action": action, "band": session.person.band.value, "age": session.person.age,
                              "target": target_id},
                        quiet_key=f"{session.id}:{action}:{target_id}")
