"""Rate limits, slow mode, duplicate blasts and join waves: what the actions call before a change.

Every refusal raises a `CauserieError` with a stable code and a `retry_after` hint; nothing is stored
or sent, and no bucket is charged (the limiter takes from all buckets or from none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from causerie.actions.signals import record_signal
from causerie.domain import Band
from causerie.errors import REASONS, CauserieError
from causerie.policy.config import Rate
from causerie.policy.duplicates import fingerprint, normalised
from causerie.policy.limits import Bucket, RetryAfter, retry_seconds
from causerie.policy.state import POLICY_TOPIC

if TYPE_CHECKING:
    from causerie.app import Causerie
    from causerie.hub import LiveSession



async def _refuse(app: Causerie, session_id: str | None, wait: RetryAfter, *, device_hash: str | None = None,
                  network_hash: str | None = None, data: dict[str, object] | None = None,
                  slow_s: int = 0) -> None:
    """Turn a limiter refusal into the error the client gets, recording a signal where it is one."""
    retry = retry_seconds(wait.seconds)
    kind = wait.key.split(":", 1)[0]
    info = {"limit": kind, "scope": wait.key.split(":", 2)[1], "retry_after": retry, **(data or {})}
    if kind == "slow":
        raise CauserieError("slow_mode", retry_after=retry, seconds=slow_s)
    signal = "mass_contact" if kind == "pmnew" else "rate_limited"
    await record_signal(app, signal, session_id=session_id, device_hash=device_hash, network_hash=network_hash,
                        data=info, quiet_key=wait.key)
    raise CauserieError("pm_limit" if kind == "pmnew" else "rate_limited", retry_after=retry)


async def check_entry_rate(app: Causerie, device_hash: str, network_hash: str) -> None:
    p = app.settings.policy
    if not p.limits:
        return
    wait = await app.policy.limiter.hit([(f"entry:d:{device_hash}", p.entries_device),
                                         (f"entry:n:{network_hash}", p.entries_network)])
    if wait is not None:
        await _refuse(app, None, wait, device_hash=device_hash, network_hash=network_hash)


async def check_join(app: Causerie, session: LiveSession) -> None:
    p = app.settings.policy
    if not p.limits:
        return
    origin = await app.policy.origin(session.id)
    wait = await app.policy.limiter.hit([(f"join:s:{session.id}", p.joins_session),
                                         (f"join:n:{origin.network_hash}", p.joins_network)])
    if wait is not None:
        await _refuse(app, session.id, wait)


async def after_join(app: Causerie, session: LiveSession, room_id: str) -> None:
    """A new session joined: count it towards a join wave; a wave slows the room for new sessions."""
    p = app.settings.policy
    if not p.limits:
        return
    policy = app.policy
    if not policy.is_new(await policy.origin(session.id)):
        return
    wave = await policy.limiter.hit([(f"wave:r:{room_id}", Rate(p.wave_joins, p.wave_joins, p.wave_window_s))])
    if wave is None:
        return
    current = policy.slow_mode(room_id)
    if current is not None and current.seconds >= p.wave_slow_s:
        return  # already slow (by a moderator or an earlier wave)
    until = app.clock.now_ms() + int(p.wave_duration_s * 1000)
    await set_slow_mode(app, room_id, p.wave_slow_s, newcomers_only=True, until=until)
    await record_signal(app, "join_wave", session_id=session.id,
                        data={"room": room_id, "joins": p.wave_joins + 1, "window_s": p.wave_window_s,
                              "slow_s": p.wave_slow_s, "until": until})


async def check_send(app: Causerie, session: LiveSession, *, room_id: str | None = None,
                     new_pm_to: Band | None = None) -> None:
    """Message buckets (session and network), the room's slow mode, and for the first message of a new
    conversation the PM-opening buckets — all charged together or not at all."""
    p = app.settings.policy
    if not p.limits:
        return
    policy = app.policy
    origin = await policy.origin(session.id)
    buckets: list[Bucket] = [(f"msg:s:{session.id}", p.messages_session),
                             (f"msg:n:{origin.network_hash}", p.messages_network)]
    seconds = 0
    if room_id is not None:
        mode = policy.slow_mode(room_id)
        if mode is not None and (not mode.newcomers_only or policy.is_new(origin)):
            seconds = mode.seconds
            buckets.append((f"slow:s:{room_id}:{session.id}", Rate(1, 1, mode.seconds)))
    if new_pm_to is not None:
        teen = session.person.band is Band.TEEN
        buckets.append((f"pmnew:s:{session.id}", p.pm_new_teen if teen else p.pm_new_adult))
        if policy.is_new(origin):
            buckets.append((f"pmnew:s:first:{session.id}", p.pm_new_teen_first if teen else p.pm_new_adult_first))
        buckets.append((f"pmnew:n:{origin.network_hash}", p.pm_new_network))
    wait = await policy.limiter.hit(buckets)
    if wait is not None:
        await _refuse(app, session.id, wait, slow_s=seconds,
                      data={"band": session.person.band.value, "new_session": policy.is_new(origin)})


async def check_duplicate(app: Causerie, session: LiveSession, text: str, client_id: str, *,
                          room_id: str | None = None, pm_id: int | None = None,
                          recipient_id: str | None = None) -> None:
    """The same text to more than `dup_max_targets` rooms or people in `dup_window_s`: held for review
    (kept in the screened-messages store as action `hold`, category `spam`, so a moderator can release
    it), a `duplicate_blast` signal, and the sender told `message_held`."""
    p = app.settings.policy
    if not p.limits or len(normalised(text)) < p.dup_min_chars:
        return
    policy = app.policy
    origin = await policy.origin(session.id)
    print_ = fingerprint(text)
    target = f"r:{room_id}" if room_id is not None else f"p:{recipient_id}"
    count = await policy.duplicates.note([f"s:{session.id}", f"n:{origin.network_hash}"], print_, target,
                                         p.dup_window_s)
    if count <= p.dup_max_targets:
        return
    from causerie.moderation.cases import on_screened

    held = await app.screened.add(session_id=session.id, room_id=room_id, pm_id=pm_id, recipient_id=recipient_id,
                                  text=text, client_id=client_id, action="hold", category="spam",
                                  labels=["duplicate_blast"], scores={}, open_case=False, now=app.clock.now_ms())
    await on_screened(app, held)  # every held copy is an item of the sender's case, to release or delete
    await record_signal(app, "duplicate_blast", session_id=session.id,
                        data={"targets": count, "window_s": p.dup_window_s, "fingerprint": print_},
                        quiet_key=f"{session.id}:{print_}")
    raise CauserieError("message_held", category="spam", **REASONS["duplicate_blast"])


async def set_slow_mode(app: Causerie, room_id: str, seconds: int, *, newcomers_only: bool,
                        until: int | None) -> None:
    """Store a room's slow mode and tell every node (they keep it in memory)."""
    from causerie.bus import Event

    await app.signals.set_slow_mode(room_id, seconds, newcomers_only=newcomers_only, until=until,
                                    now=app.clock.now_ms())
    change = {"room": room_id, "seconds": seconds, "newcomers_only": newcomers_only, "until": until}
    app.policy.apply_slow_mode(change)  # this node at once; the others when the event arrives
    await app.broker.publish(POLICY_TOPIC, Event("slow_mode", data=change))
