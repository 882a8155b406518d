"""The people list, ignoring someone, and who may open a PM with you."""

from __future__ import annotations

from typing import TYPE_CHECKING

from causerie.checks import check_pm_policy
from causerie.errors import CauserieError
from causerie.hub import LiveSession
from causerie.presence import check_filters, matches, person_info
from causerie.protocol import Ignored, Presence, PresenceFilters, SettingsOut

if TYPE_CHECKING:
    from causerie.app import Causerie


def do_watch_presence(app: Causerie, session: LiveSession, filters: PresenceFilters | None) -> Presence:
    """Start (or re-filter) the people list: the full list now, then diffs as people come and go."""
    problem = check_filters(filters)
    if problem:
        raise CauserieError("bad_frame", detail=problem)
    me = session.person
    visible = [p for p in app.directory.people.values() if matches(me, p, filters)]
    session.filters = filters
    session.visible = {p.session_id for p in visible}
    visible.sort(key=lambda p: p.pseudo.casefold())
    return Presence(people=[person_info(p, me) for p in visible])


def _ignored(app: Causerie, session: LiveSession) -> Ignored:
    return Ignored(pseudos=sorted(p.pseudo for sid in session.ignored if (p := app.directory.people.get(sid))))


async def do_ignore(app: Causerie, session: LiveSession, pseudo: str) -> Ignored:
    target = app.directory.find(pseudo)
    if target is None or target.band is not session.person.band:
        raise CauserieError("user_unknown")
    if target.session_id == session.id:
        raise CauserieError("ignore_self")
    await app.ignores.add(session.id, target.session_id, app.clock.now_ms())
    session.ignored.add(target.session_id)
    return _ignored(app, session)


async def do_unignore(app: Causerie, session: LiveSession, pseudo: str) -> Ignored:
    target = app.directory.find(pseudo)
    if target is None or target.session_id not in session.ignored:
        raise CauserieError("user_unknown")
    await app.ignores.remove(session.id, target.session_id)
    session.ignored.discard(target.session_id)
    return _ignored(app, session)


async def do_set_pm_policy(app: Causerie, session: LiveSession, policy: str) -> SettingsOut:
    value = check_pm_policy(policy).value
    await app.sessions.set_pm_policy(session.id, value)
    session.pm_policy = value
    return SettingsOut(pm_policy=value)
