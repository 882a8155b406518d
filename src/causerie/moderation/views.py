"""What the console shows: the queue and a case with its evidence, timeline and links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from causerie.moderation.cases import ROOM_ACTIVITY, access_case, people_seen
from causerie.moderation.reports import describe, evidence_digest
from causerie.moderation.roles import readable_queues
from causerie.storage.cases import Case

if TYPE_CHECKING:
    from causerie.app import Causerie
    from causerie.moderation.accounts import ConsoleSession


def case_summary(case: Case) -> dict[str, Any]:
    return {"id": case.id, "kind": case.kind, "target_kind": case.target_kind, "target": case.target,
            "category": case.category, "queue": case.role, "priority": case.priority, "status": case.status,
            "urgent": case.urgent, "claimed_by": case.claimed_by, "outcome": case.outcome,
            "created_at": case.created_at, "updated_at": case.updated_at, "closed_at": case.closed_at}


async def queue_view(app: Causerie, console: ConsoleSession) -> dict[str, Any]:
    queues = readable_queues(console.moderator.roles)
    cases = await app.moderation.cases.queue(queues) if queues else []
    out = []
    for case in cases:
        summary = case_summary(case)
        if case.target_kind == "session":
            record = await app.sessions.by_id(case.target)
            summary["pseudo"] = record.person.pseudo if record else None
        out.append(summary)
    await _name_actors(app, out, "claimed_by")
    return {"queues": queues, "cases": out}


SEARCH_LIMIT = 100


async def closed_view(app: Causerie, console: ConsoleSession, *, target: str = "", category: str = "",
                      since: str = "", until: str = "") -> dict[str, Any]:
    """Closed cases by target pseudonym (or room), category and closing date, from the queues this
    moderator may read (the legal officer reads none), newest first; at most SEARCH_LIMIT."""
    from causerie.errors import CauserieError, Text
    from causerie.moderation.cases import SEVERITY

    def bound(raw: str, name: str) -> int | None:
        if not raw:
            return None
        if not raw.isdigit() or len(raw) > 15:
            raise CauserieError("search_invalid", detail=Text(
                f"{name} doit être un horodatage en millisecondes",
                f"{name}: a time in milliseconds"))
        return int(raw)

    target = target.strip()
    if len(target) > 64:
        raise CauserieError("search_invalid", detail=Text(
            "le pseudo ou le salon fait au plus 64 caractères",
            "the pseudonym or room is at most 64 characters"))
    if category and category not in SEVERITY:
        raise CauserieError("search_invalid", detail=Text("catégorie inconnue", "unknown category"))
    start, end = bound(since, "from"), bound(until, "to")
    if start is not None and end is not None and start >= end:
        raise CauserieError("search_invalid", detail=Text(
            "la date de début (from) doit précéder la date de fin (to)",
            "from must come before to"))
    queues = readable_queues(console.moderator.roles)
    found = await app.moderation.cases.search_closed(queues, target=target or None, category=category or None,
                                                     since=start, until=end, limit=SEARCH_LIMIT + 1) if queues else []
    out = []
    for case, pseudo in found[:SEARCH_LIMIT]:
        summary = case_summary(case)
        summary["pseudo"] = pseudo
        out.append(summary)
    await _name_actors(app, out, "claimed_by")
    return {"queues": queues, "cases": out, "more": len(found) > SEARCH_LIMIT}


async def case_view(app: Causerie, console: ConsoleSession, case_id: int) -> dict[str, Any]:
    case = await access_case(app, console, case_id)
    mod = app.moderation
    items = []
    for item in await mod.cases.items(case.id):
        entry: dict[str, Any] = {"kind": item.kind, "id": item.ref_id, "category": item.category,
                                 "confidence": item.confidence, "trusted": item.trusted, "ts": item.created_at}
        if item.kind == "report":
            report = await mod.reports.get(item.ref_id)
            if report is not None:
                reporter = await app.sessions.by_id(report.reporter_id)
                entry.update(reporter=report.reporter_id, reporter_pseudo=reporter.person.pseudo if reporter else None,
                             reporter_trusted=await mod.reports.is_trusted(report.reporter_device))
                computed = evidence_digest(report.evidence)  # recomputed from the stored bytes, now
                entry.update(text=report.text, target_kind=report.target_kind,
                             evidence=msgspec.json.decode(report.evidence), evidence_sha256=report.evidence_sha256,
                             evidence_sha256_computed=computed, evidence_intact=computed == report.evidence_sha256,
                             outcome=report.outcome)
        elif item.kind == "screened":
            held = await app.screened.get(item.ref_id)
            if held is not None:
                entry.update(text=held.text, action=held.action, status=held.status, room=held.room_id,
                             pm=held.pm_id, labels=held.labels, scores=held.scores)
        elif item.kind == "signal":
            signal = await app.signals.get(item.ref_id)
            if signal is not None:  # what the policy saw: counts and hashes, never message text or IPs
                entry.update(signal=signal.kind, data=signal.data, session=signal.session_id)
        elif item.kind == "appeal" and case.decision_id is not None:
            appeal = await mod.decisions.appeal_of(case.decision_id)
            decision = await mod.decisions.get(case.decision_id)
            if appeal is not None and decision is not None:
                entry.update(text=appeal.text, decision={
                    "id": decision.id, "action": decision.action, "category": decision.category,
                    "reason": decision.reason, "moderator": decision.moderator_id,
                    "automated": decision.moderator_id is None, "duration_s": decision.duration_s,
                    "created_at": decision.created_at})
        items.append(entry)
    view: dict[str, Any] = {"case": case_summary(case), "items": items, "person": None, "earlier": [],
                            "linked": [], "decisions": [], "timeline": []}
    for d in await mod.decisions.of_case(case.id):
        view["decisions"].append({"id": d.id, "action": d.action, "category": d.category, "moderator": d.moderator_id,
                                  "duration_s": d.duration_s, "created_at": d.created_at})
    for e in await app.audit.entries(target=f"case:{case.id}"):
        view["timeline"].append({"ts": e.ts, "actor": e.actor, "action": e.action})
    # moderators by their login name, not "moderator no. N"
    await _name_actors(app, [view["case"]], "claimed_by")
    await _name_actors(app, view["decisions"], "moderator")
    await _name_actors(app, view["timeline"], "actor")
    await _name_actors(app, [i["decision"] for i in items if "decision" in i], "moderator")
    if case.target_kind == "session":
        record = await app.sessions.by_id(case.target)
        if record is not None:
            p = record.person
            view["person"] = {**describe(record), "online": p.session_id in app.directory.people}
            view["earlier"] = [case_summary(c) for c in await mod.cases.of_target("session", case.target)
                               if c.id != case.id]
            view["linked"] = await _linked(app, record.device_hash, record.network_hash, p.session_id)
    else:
        recent = await app.messages.before(case.target, None, ROOM_ACTIVITY)
        view["room_activity"] = [{"seq": m.seq, "from": m.pseudo, "text": m.text, "ts": m.ts} for m in recent]
        view["room_people"] = await _room_people(app, case)
    return view


async def _room_people(app: Causerie, case: Case) -> list[dict[str, Any]]:
    """The people a moderator may act on in a room case (moderation.cases.people_seen), with what they
    declared and whether they are online."""
    out = []
    for session_id, seen in (await people_seen(app, case)).items():
        record = await app.sessions.by_id(session_id)
        if record is None:
            continue
        p = record.person
        out.append({"session": session_id, "pseudo": p.pseudo, "age": p.age, "band": p.band.value,
                    "seen": seen["seen"], "online": session_id in app.directory.people,
                    "ended": record.ended_at is not None})
    return out


def _mod_id(actor: object) -> int | None:
    if isinstance(actor, str) and actor.startswith("mod:") and actor[4:].isdigit():
        return int(actor[4:])
    return actor if isinstance(actor, int) and not isinstance(actor, bool) else None


async def _name_actors(app: Causerie, rows: list[dict[str, Any]], *keys: str) -> None:
    """Beside each moderator reference (`mod:<id>` or an id) under `keys`, its login name as
    `<key>_name` (None for anyone else: screening, the system, a session)."""
    ids = {i for row in rows for k in keys if (i := _mod_id(row.get(k))) is not None}
    names = await app.moderation.moderators.names(ids)
    for row in rows:
        for k in keys:
            i = _mod_id(row.get(k))
            row[f"{k}_name"] = names.get(i) if i is not None else None


async def _linked(app: Causerie, device: str, network: str, own: str) -> list[dict[str, Any]]:
    """Other sessions from the same device token or the same network (keyed hashes; no IP shown)."""
    from sqlalchemy import or_, select

    from causerie.storage.tables import sessions

    query = (select(sessions.c.id, sessions.c.pseudo, sessions.c.age, sessions.c.started_at, sessions.c.device_hash,
                    sessions.c.network_hash)
             .where(or_(sessions.c.device_hash == device, sessions.c.network_hash == network))
             .where(sessions.c.id != own).order_by(sessions.c.started_at.desc()).limit(50))
    async with app.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [{"session": r[0], "pseudo": r[1], "age": r[2], "started_at": r[3],
             "by": "device" if r[4] == device else "network"} for r in rows]


async def bundle_view(app: Causerie, console: ConsoleSession, case_id: int) -> dict[str, Any]:
    """The evidence bundle for the authorities (Pharos): the case, its frozen evidence with digests, and
    the audit entries about it (chain of custody)."""
    from causerie.moderation.audit import record

    view = await case_view(app, console, case_id)
    await record(app, actor=console.actor, action="bundle", target=f"case:{case_id}")
    audit = [{"seq": e.seq, "ts": e.ts, "actor": e.actor, "action": e.action, "hash": e.hash}
             for e in await app.audit.entries(target=f"case:{case_id}")]
    evidence = []
    for item in view["items"]:
        if item["kind"] != "report" or "evidence" not in item:
            continue
        ev = item["evidence"]
        evidence.append({"report": item["id"], "category": item["category"], "kind": ev.get("kind"),
                         "frozen_at": ev.get("frozen_at"), "reporter_pseudo": item.get("reporter_pseudo"),
                         "room": ev.get("room"), "pm": ev.get("pm"), "seq": ev.get("seq"),
                         "target_session": ev.get("target_session"), "messages": ev.get("messages", []),
                         "people": ev.get("people", []), "sha256": item["evidence_sha256"],
                         "sha256_computed": item["evidence_sha256_computed"], "verified": item["evidence_intact"]})
    await _name_actors(app, audit, "actor")
    return {"prepared_at": app.clock.now_ms(), "prepared_by": console.actor,
            "prepared_by_name": console.moderator.name, "case": view, "evidence": evidence,
            "verified": all(e["verified"] for e in evidence), "custody": audit,
            "authority": "Pharos (internet-signalement.gouv.fr)"}


async def legal_view(app: Causerie, console: ConsoleSession, session_id: str) -> dict[str, Any]:
    """Identification data (LCEN art. 6): for the legal officer only, and every read is audited."""
    from sqlalchemy import select

    from causerie.errors import CauserieError
    from causerie.moderation.audit import record
    from causerie.moderation.roles import LEGAL, require
    from causerie.storage.tables import sessions

    require(console.moderator.roles, LEGAL)
    async with app.engine.connect() as conn:
        row = (await conn.execute(select(sessions).where(sessions.c.id == session_id))).first()
    if row is None:
        raise CauserieError("not_found")
    await record(app, actor=console.actor, action="legal_read", target=f"session:{session_id}")
    m = row._mapping
    return {"session": m["id"], "pseudo": m["pseudo"], "ip": m["ip"], "port": m["ip_port"],
            "user_agent": m["user_agent"], "postal_code": m["postal_code"], "started_at": m["started_at"],
            "ended_at": m["ended_at"]}
