"""Recording safety signals: typed events for moderation to build cases from, shown to nobody else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from causerie.app import Causerie


async def record_signal(app: Causerie, kind: str, *, session_id: str | None = None,
                        device_hash: str | None = None, network_hash: str | None = None,
                        data: dict[str, Any] | None = None, quiet_key: str | None = None) -> int | None:
    """Store one signal, and hand it to moderation (`moderation.cases.on_signal`: most become case
    items). When the session's origin is known it is filled in (device, network).

    With `quiet_key`, a signal of the same kind and key recorded less than `policy.signal_quiet_s` ago
    makes this one a no-op (a flood of refusals is one signal); returns None then.
    """
    policy = app.policy
    if quiet_key is not None and policy.quiet(kind, quiet_key):
        return None
    if session_id is not None and (device_hash is None or network_hash is None):
        origin = await policy.origin(session_id)
        device_hash = device_hash or origin.device_hash
        network_hash = network_hash or origin.network_hash
    from causerie.moderation.cases import on_signal

    signal_id = await app.signals.add(kind, session_id=session_id, device_hash=device_hash,
                                      network_hash=network_hash, data=data or {}, now=app.clock.now_ms())
    await on_signal(app, signal_id, kind=kind, session_id=session_id, data=data or {})
    return signal_id
