"""Reports (DSA art. 16): anyone can report a message, a person or a room. The evidence is frozen at
that moment — the message, the 20 before and after it, the people involved with what they declared —
copied into the report with the SHA-256 of its canonical JSON, so that deleting or expiring messages
later cannot touch it. The reporter is acknowledged at once, and told the outcome later."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from causerie.errors import CauserieError, Text
from causerie.moderation.audit import canonical, record
from causerie.moderation.cases import CATEGORIES, REPORT_CONFIDENCE, TRUSTED_CONFIDENCE, do_add_to_case
from causerie.protocol import Name, ReportCreate, ReportCreated

if TYPE_CHECKING:
    from causerie.app import Causerie
    from causerie.hub import LiveSession
    from causerie.moderation.accounts import ConsoleSession
    from causerie.storage.sessions import SessionRecord

WINDOW = 20  # messages frozen before and after the reported one
MAX_TEXT = 1000
ACK = Name(fr="Merci : votre signalement a été reçu. L'équipe de modération l'examinera et vous tiendra informé.",
           en="Thank you: your report was received. The moderation team will review it and let you know.")


def evidence_digest(evidence: str) -> str:
    return hashlib.sha256(evidence.encode()).hexdigest()


def describe(record_: SessionRecord) -> dict[str, Any]:
    """A person as evidence and the case view show them: what they declared, and their session's times."""
    p = record_.person
    return {"session": p.session_id, "pseudo": p.pseudo, "age": p.age, "gender": p.gender.value,
            "band": p.band.value, "commune": p.place.commune, "departement": p.place.departement,
            "started_at": record_.started_at, "ended_at": record_.ended_at}


async def _person(app: Causerie, session_id: str, cache: dict[str, dict[str, Any]]) -> None:
    if session_id in cache:
        return
    record_ = await app.sessions.by_id(session_id)
    if record_ is not None:
        cache[session_id] = describe(record_)


async def _room_window(app: Causerie, room: str, seq: int | None) -> list[dict[str, Any]]:
    page = await app.messages.before(room, None if seq is None else seq + WINDOW + 1, 2 * WINDOW + 1)
    return [{"where": f"room:{room}", "seq": m.seq, "session": m.session_id, "from": m.pseudo, "text": m.text,
             "ts": m.ts, "reported": m.seq == seq} for m in page if seq is None or m.seq >= seq - WINDOW]


async def _pm_window(app: Causerie, pm: int, seq: int | None, names: dict[str, str]) -> list[dict[str, Any]]:
    page = await app.pms.before(pm, None if seq is None else seq + WINDOW + 1, 2 * WINDOW + 1)
    return [{"where": f"pm:{pm}", "seq": m.seq, "session": m.session_id, "from": names.get(m.session_id, "?"),
             "text": m.text, "ts": m.ts, "reported": m.seq == seq} for m in page
            if seq is None or m.seq >= seq - WINDOW]


async def do_report(app: Causerie, session: LiveSession, body: ReportCreate) -> ReportCreated:
    from causerie.checks import access_pm, access_room

    if body.category not in CATEGORIES:
        raise CauserieError("category_invalid")
    text = body.text.strip()
    if len(text) > MAX_TEXT:
        raise CauserieError("report_invalid", detail=Text(
            f"le texte dépasse {MAX_TEXT} caractères",
            f"text over {MAX_TEXT} characters"))
    now = app.clock.now_ms()
    me = session.person
    people: dict[str, dict[str, Any]] = {}
    messages: list[dict[str, Any]] = []
    target_session: str | None = None
    room_id, pm_id, seq = body.room, body.pm, body.seq
    if room_id is not None and pm_id is not None:
        raise CauserieError("report_invalid", detail=Text("room ou pm, pas les deux", "room or pm, not both"))
    if seq is not None and seq < 1:
        raise CauserieError("report_invalid", detail=Text("seq doit être ≥ 1", "seq must be ≥ 1"))
    if room_id is not None:
        room = await access_room(app, session, room_id)
        messages = await _room_window(app, room.id, seq)
        if seq is not None:
            reported = [m for m in messages if m["reported"]]
            if not reported:
                raise CauserieError("not_found")
            target_session, kind = reported[0]["session"], "message"
        else:
            kind = "room"
    elif pm_id is not None:
        conv = await access_pm(app, session, pm_id)
        names = {}
        for sid in (conv.a, conv.b):
            await _person(app, sid, people)
            names[sid] = people[sid]["pseudo"] if sid in people else "?"
        messages = await _pm_window(app, conv.id, seq, names)
        if seq is not None:
            reported = [m for m in messages if m["reported"]]
            if not reported:
                raise CauserieError("not_found")
            target_session = reported[0]["session"]
        else:
            target_session = conv.peer_of(session.id)
        kind = "message" if seq is not None else "person"
    elif body.pseudo:
        peer = app.directory.find(body.pseudo)
        if peer is None or peer.band is not me.band:
            raise CauserieError("user_unknown")
        target_session, kind = peer.session_id, "person"
        conv = await app.pms.between(session.id, peer.session_id)
        if conv is not None:
            names = {session.id: me.pseudo, peer.session_id: peer.pseudo}
            messages = await _pm_window(app, conv.id, None, names)
        for r in sorted(session.rooms):
            messages += [m for m in await _room_window(app, r, None) if m["session"] == peer.session_id]
    else:
        raise CauserieError("report_invalid", detail=Text(
            "précisez ce que vous signalez : room, pm ou pseudo",
            "say what you report: room, pm or pseudo"))
    if target_session == session.id:
        raise CauserieError("report_invalid", detail=Text(
            "vous ne pouvez pas vous signaler vous-même",
            "you cannot report yourself"))
    for sid in {m["session"] for m in messages} | {session.id} | ({target_session} if target_session else set()):
        await _person(app, sid, people)
    reporter = await app.sessions.by_id(session.id)
    assert reporter is not None
    bundle = {
        "version": 1, "frozen_at": now, "kind": kind, "category": body.category, "text": text,
        "reporter": session.id, "target_session": target_session, "room": room_id, "pm": pm_id, "seq": seq,
        "messages": messages, "people": [people[k] for k in sorted(people)],
    }
    evidence = canonical(bundle)
    digest = evidence_digest(evidence)
    trusted = await app.moderation.reports.is_trusted(reporter.device_hash)
    report_id = await app.moderation.reports.add(
        reporter_id=session.id, reporter_device=reporter.device_hash, target_kind=kind,
        target_session=target_session, room_id=room_id, pm_id=pm_id, seq=seq, category=body.category, text=text,
        evidence=evidence, evidence_sha256=digest, created_at=now)
    await record(app, actor=f"session:{session.id}", action="report", target=f"report:{report_id}",
                 data={"category": body.category, "kind": kind, "evidence_sha256": digest})
    target_kind, target = ("session", target_session) if target_session else ("room", str(room_id))
    case_id = await do_add_to_case(app, target_kind=target_kind, target=target, kind="report", ref_id=report_id,
                                   category=body.category,
                                   confidence=TRUSTED_CONFIDENCE if trusted else REPORT_CONFIDENCE,
                                   reporter=reporter.device_hash, trusted=trusted)
    await app.moderation.reports.set_case(report_id, case_id)
    return ReportCreated(id=report_id, received_at=now, evidence_sha256=digest, message=ACK)


async def do_set_trusted_flagger(app: Causerie, console: ConsoleSession, session_id: str, trusted: bool
                                 ) -> dict[str, Any]:
    """An admin marks (or unmarks) the device of a reporter's session as a trusted flagger (DSA art. 22):
    their later reports weigh double and count with full confidence. Every change is audited."""
    from causerie.moderation.roles import ADMIN, require

    require(console.moderator.roles, ADMIN)
    reporter = await app.sessions.by_id(session_id)
    if reporter is None:
        raise CauserieError("not_found")
    store = app.moderation.reports
    if trusted:
        changed = await store.trust(reporter.device_hash, console.moderator.id, app.clock.now_ms())
    else:
        changed = await store.untrust(reporter.device_hash)
    await record(app, actor=console.actor, action="trusted_flagger_set" if trusted else "trusted_flagger_unset",
                 target=f"session:{session_id}", data={"changed": changed})
    return {"session": session_id, "trusted": trusted, "changed": changed}
