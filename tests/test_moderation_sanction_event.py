"""A `sanctions` event carries the sanctions it announces: a node applies them as the event arrives,
before its reload from the database has answered (docs/deploy.md, "Known limits")."""

from __future__ import annotations

from causerie.bus import Event
from policy_helpers import world


async def test_sanctions_in_the_event_apply_at_once(settings, no_tracebacks) -> None:
    async with world(settings) as w:
        me = await w.enter("Sanctionne_0", 30)
        await me.join("general")
        await me.say("general", "avant")
        timeout = {"kind": "timeout", "scope": "session", "value": me.session["id"],
                   "expires_at": w.clock.now_ms() + 600_000}
        # Delivered as the bus delivers it: the callback runs, and nothing else (no reload) has yet.
        w.core.moderation._on_event("moderation", Event("sanctions", data={"added": [timeout], "decision_id": 7}))
        assert [s.kind for s in w.core.moderation.active("session", me.session["id"])] == ["timeout"]
        # The database stays the truth: this sanction was never stored, so a reload lifts it.
        await w.core.moderation.reload_sanctions()
        assert list(w.core.moderation.active("session", me.session["id"])) == []
        assert (await me.say("general", "après"))["seq"] == 2
