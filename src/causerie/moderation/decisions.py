"""Decisions on cases: every action against a person sends them a statement of reasons (DSA art. 17)
and can be appealed for six months (art. 20) before a different moderator; repeat abusers climb a
configurable ladder (art. 23); threats to life are escalated (art. 18)."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any

import msgspec

from causerie.bus import Event
from causerie.errors import CauserieError, Text
from causerie.hub import session_topic
from causerie.moderation.audit import record
from causerie.moderation.cases import check_claimed, people_seen, queue_of, severity
from causerie.protocol import AppealCreated, AppealStatus, Name, ReportOutcome, Statement, encode

if TYPE_CHECKING:
    from causerie.app import Causerie
    from causerie.moderation.accounts import ConsoleSession
    from causerie.storage.cases import Case

MIN_TIMEOUT_S, MAX_TIMEOUT_S = 600, 7 * 24 * 3600
MAX_BAN_S = 10 * 365 * 24 * 3600
DAY_MS = 24 * 3600 * 1000
PERSON_ACTIONS = ("warn", "delete_message", "timeout", "kick", "ban", "sanction")
CASE_ACTIONS = (*PERSON_ACTIONS, "dismiss", "close", "release", "delete_held", "slow_mode", "lock_room",
                "unlock_room", "urgent", "uphold", "reverse")
ROOM_ACTIONS = ("slow_mode", "lock_room", "unlock_room")

CATEGORY_NAMES = {
    "sexual_minor": ("approche sexuelle ou grooming envers un mineur", "sexual approach or grooming toward a minor"),
    "solicitation": ("prostitution ou offre sexuelle tarifée", "prostitution or paid sex offers"),
    "drugs": ("vente ou achat de drogue", "selling or buying drugs"),
    "hate": ("haine envers un groupe", "hatred against a group"),
    "harassment": ("harcèlement ou insultes", "harassment or insults"),
    "threat": ("menaces de violence", "threats of violence"),
    "scam": ("arnaque, hameçonnage ou spam", "scam, phishing or spam"),
    "contact": ("partage de coordonnées", "sharing contact details"),
    "sexual_explicit": ("contenu sexuel explicite hors espace autorisé",
                        "explicit sexual content outside allowed spaces"),
    "ban_evasion": ("contournement d'une exclusion", "evading a ban"),
    "other": ("règles de Causerie", "Causerie's rules"),
}


class ActionRequest(msgspec.Struct, forbid_unknown_fields=True):
    action: str
    reason: str = ""  # the moderator's own words, shown to the person
    category: str | None = None  # the ground; default: the case's category
    duration_s: int | None = None  # timeout: 600 to 604800; ban: None for good
    scope: str = "session"  # ban: session, device or network
    room: str | None = None  # kick, slow_mode, lock_room, unlock_room, delete_message
    seq: int | None = None  # delete_message
    screened: int | None = None  # release, delete_held
    seconds: int | None = None  # slow_mode
    session: str | None = None  # a room case: the person acted on (one seen in the case's evidence)


def _ground(category: str) -> Name:
    fr, en = CATEGORY_NAMES.get(category, CATEGORY_NAMES["other"])
    return Name(fr=f"Règles de Causerie : {fr}", en=f"Causerie's rules: {en}")


def _human(seconds: int | None) -> tuple[str, str]:
    if seconds is None:
        return "définitivement", "for good"
    if seconds % 86400 == 0:
        n = seconds // 86400
        return f"pour {n} jour{'s' if n > 1 else ''}", f"for {n} day{'s' if n > 1 else ''}"
    if seconds % 3600 == 0:
        n = seconds // 3600
        return f"pour {n} heure{'s' if n > 1 else ''}", f"for {n} hour{'s' if n > 1 else ''}"
    n = max(1, seconds // 60)
    return f"pour {n} minute{'s' if n > 1 else ''}", f"for {n} minute{'s' if n > 1 else ''}"


def _message(action: str, duration_s: int | None, room: str | None, reason: str) -> Name:
    d_fr, d_en = _human(duration_s)
    fr, en = {
        "warn": ("Avertissement de l'équipe de modération.", "A warning from the moderation team."),
        "delete_message": ("Un de vos messages a été supprimé.", "One of your messages was removed."),
        "timeout": (f"Vous ne pouvez plus écrire {d_fr}.", f"You cannot write {d_en}."),
        "kick": (f"Vous avez été retiré du salon {room}.", f"You were removed from the room {room}."),
        "ban": (f"Vous êtes exclu de Causerie {d_fr}.", f"You are banned from Causerie {d_en}."),
        "appeal_upheld": ("Votre recours a été examiné : la décision est maintenue.",
                          "Your appeal was reviewed: the decision stands."),
        "appeal_reversed": ("Votre recours a été examiné : la décision est annulée.",
                            "Your appeal was reviewed: the decision is reversed."),
    }[action]
    if reason:
        fr, en = f"{fr} Motif : {reason}", f"{en} Reason: {reason}"
    return Name(fr=fr, en=en)


async def _send(app: Causerie, session_id: str | None, frame: msgspec.Struct) -> None:
    if session_id:
        await app.broker.publish(session_topic(session_id), Event("frame", frame=encode(frame)))


async def send_statement(app: Causerie, session_id: str | None, device_hash: str | None,
                         statement: Statement) -> None:
    """Send a statement of reasons and keep it in the outbox until it is known to have arrived: the
    client's receipt, an appeal with its token, or its hand-over at the next entry from the same device
    (so a person who was offline, or whose tab closed, does not lose it)."""
    receipt = secrets.token_urlsafe(18)
    stored = msgspec.structs.replace(statement, appeal_token=None, receipt=None)
    await app.moderation.outbox.add(statement.decision, session_id, device_hash, _sha256(receipt),
                                    encode(stored).decode(), app.clock.now_ms())
    await _send(app, session_id, msgspec.structs.replace(statement, receipt=receipt))


async def do_statement_received(app: Causerie, receipt: str) -> None:
    """The client confirms a statement arrived (no session needed: a banned person's has ended)."""
    if not receipt or len(receipt) > 64 or not await app.moderation.outbox.received(_sha256(receipt),
                                                                                   app.clock.now_ms()):
        raise CauserieError("not_found")


async def take_statements(app: Causerie, device_hash: str) -> list[Statement]:
    """The statements never confirmed for this device, handed over now (at entry). Each one still open
    to appeal gets a fresh appeal token (the outbox never stores tokens; the old one stops working)."""
    out = []
    now = app.clock.now_ms()
    for pending in await app.moderation.outbox.take_pending(device_hash, now):
        statement = msgspec.json.decode(pending.frame, type=Statement)
        decision = await app.moderation.decisions.get(pending.decision_id)
        if decision is not None and not statement.action.startswith("appeal_") and decision.appeal_until \
                and decision.appeal_until > now and await app.moderation.decisions.appeal_of(decision.id) is None:
            token = secrets.token_urlsafe(24)
            await app.moderation.decisions.set_appeal_token(decision.id, _sha256(token))
            statement = msgspec.structs.replace(statement, appeal_token=token)
        out.append(statement)
    if out:
        await record(app, actor="system", action="statements_handed_over", target=f"device:{device_hash[:16]}",
                     data={"decisions": [s.decision for s in out]})
    return out


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def _close(app: Causerie, console: ConsoleSession, case: Case, outcome: str) -> None:
    """Close the case and tell each reporter the outcome."""
    now = app.clock.now_ms()
    await app.moderation.cases.close(case.id, console.moderator.id, outcome, now)
    report_outcome = "no_action" if outcome == "dismissed" else "action_taken"
    message = (Name(fr="Votre signalement a été examiné : aucune infraction retenue.",
                    en="Your report was reviewed: no breach was found.") if report_outcome == "no_action" else
               Name(fr="Votre signalement a été examiné : l'équipe de modération a agi.",
                    en="Your report was reviewed: the moderation team took action."))
    for report in await app.moderation.reports.decide_case(case.id, report_outcome, now):
        await _send(app, report.reporter_id, ReportOutcome(report=report.id, outcome=report_outcome, message=message))
    await app.moderation.publish("case", case_id=case.id, role=case.role, closed=True)


def _check(req: ActionRequest) -> None:
    if req.action not in CASE_ACTIONS:
        raise CauserieError("action_invalid", detail=Text(
            f"action inconnue {req.action!r}",
            f"unknown action {req.action!r}"))
    if len(req.reason) > 1000:
        raise CauserieError("action_invalid", detail=Text(
            "le motif dépasse 1000 caractères",
            "reason over 1000 characters"))
    if req.action == "timeout" and (req.duration_s is None or not MIN_TIMEOUT_S <= req.duration_s <= MAX_TIMEOUT_S):
        raise CauserieError("action_invalid", detail=Text(
            "une interdiction d'écrire dure de 10 minutes à 7 jours",
            "a time-out lasts 10 minutes to 7 days"))
    if req.action == "ban":
        if req.scope not in ("session", "device", "network"):
            raise CauserieError("action_invalid", detail=Text(
                "la portée d'une exclusion est session, device ou network",
                "ban scope: session, device or network"))
        if req.duration_s is not None and not 60 <= req.duration_s <= MAX_BAN_S:
            raise CauserieError("action_invalid", detail=Text(
                "une exclusion dure d'une minute à dix ans, ou sans limite de durée",
                "a ban lasts from a minute to ten years, or for good"))


async def next_step(app: Causerie, device_hash: str) -> tuple[str, int | None]:
    """The repeat-abuser ladder: the step after the person's earlier (not reversed) decisions."""
    ladder = app.moderation.config.ladder
    done = await app.moderation.decisions.count_against(device_hash, ("warn", "timeout", "ban"))
    return ladder[min(done, len(ladder) - 1)]


async def do_act(app: Causerie, console: ConsoleSession, case_id: int, req: ActionRequest) -> dict[str, Any]:
    _check(req)
    case = await check_claimed(app, console, case_id)
    if req.action in ("uphold", "reverse"):
        return await _decide_appeal(app, console, case, req)
    if case.kind == "appeal":
        raise CauserieError("action_invalid", detail=Text(
            "un recours se tranche en maintenant ou en annulant la décision",
            "an appeal is upheld or reversed"))
    mod_id = console.moderator.id
    category = req.category or case.category
    if req.action == "dismiss":
        await record(app, actor=console.actor, action="dismiss", target=f"case:{case.id}", data={"reason": req.reason})
        await _close(app, console, case, "dismissed")
        return {"closed": True}
    if req.action in ("release", "delete_held"):
        return await _held(app, console, case, req)
    if req.action == "slow_mode":
        from causerie.actions.slow_mode import do_set_slow_mode

        room = req.room or (case.target if case.target_kind == "room" else None)
        if room is None or req.seconds is None:
            raise CauserieError("action_invalid", detail=Text(
                "le mode lent demande un salon et une durée en secondes",
                "slow_mode needs a room and seconds"))
        await do_set_slow_mode(app, room, req.seconds)
        await record(app, actor=console.actor, action="slow_mode", target=f"room:{room}",
                     data={"case": case.id, "seconds": req.seconds})
        return {"room": room, "seconds": req.seconds}
    if req.action in ("lock_room", "unlock_room"):
        from causerie.actions.room_lock import do_set_room_lock

        room = req.room or (case.target if case.target_kind == "room" else None)
        if room is None:
            raise CauserieError("action_invalid", detail=Text(
                "précisez le salon à verrouiller" if req.action == "lock_room" else "précisez le salon à rouvrir",
                f"{req.action} needs a room"))
        locked = req.action == "lock_room"
        changed = await do_set_room_lock(app, room, locked, mod_id)
        await record(app, actor=console.actor, action=req.action, target=f"room:{room}",
                     data={"case": case.id, "changed": changed})
        return {"room": room, "locked": locked, "changed": changed}
    if req.action == "urgent":
        return await _urgent(app, console, case)
    if req.action == "close":
        return await _close_room_case(app, console, case, req)
    # actions against a person: the case's person, or in a room case someone seen in its evidence
    if case.target_kind == "session":
        if req.session is not None and req.session != case.target:
            raise CauserieError("action_invalid", detail=Text(
                "ce dossier concerne une autre personne",
                "this case is about another person"))
        target_id = case.target
    else:
        if req.session is None or req.session not in await people_seen(app, case):
            raise CauserieError("action_invalid", detail=Text(
                "choisissez une personne vue dans les éléments de ce dossier de salon",
                "choose a person seen in this room case's evidence"))
        target_id = req.session
        if req.action == "kick" and not req.room:
            req = msgspec.structs.replace(req, room=case.target)
    target = await app.sessions.by_id(target_id)
    if target is None:
        raise CauserieError("not_found")
    action, duration = req.action, req.duration_s
    if action == "sanction":
        action, duration = await next_step(app, target.device_hash)
    now = app.clock.now_ms()
    sanction_rows: list[dict[str, object]] = []
    expires = None if duration is None else now + duration * 1000
    if action == "timeout":
        sanction_rows = [{"kind": "timeout", "scope": "session", "value": target.person.session_id,
                          "expires_at": expires, "created_at": now}]
    elif action == "ban":
        values = {"session": target.person.session_id, "device": target.device_hash, "network": target.network_hash}
        scopes = ["session"] if req.scope == "session" else ["session", req.scope]
        sanction_rows = [{"kind": "ban", "scope": s, "value": values[s], "expires_at": expires, "created_at": now}
                         for s in scopes]
    elif action == "kick":
        if not req.room:
            raise CauserieError("action_invalid", detail=Text(
                "précisez de quel salon retirer la personne",
                "kick needs a room"))
    elif action == "delete_message":
        from causerie.storage.decisions import delete_room_message

        if not req.room or req.seq is None or not await delete_room_message(app.engine, req.room, req.seq):
            raise CauserieError("action_invalid", detail=Text(
                "le message à supprimer n'existe pas : précisez un salon et un seq existants",
                "delete_message needs a room and seq that exist"))
    appeal_token = secrets.token_urlsafe(24)
    appeal_until = now + app.moderation.config.appeal_days * DAY_MS
    decision_id = await app.moderation.decisions.add(
        sanction_rows, case_id=case.id, moderator_id=mod_id, action=action,
        target_session=target.person.session_id, device_hash=target.device_hash, network_hash=target.network_hash,
        room_id=req.room, category=category, reason=req.reason, duration_s=duration, expires_at=expires,
        appeal_token_hash=_sha256(appeal_token), appeal_until=appeal_until,
        created_at=now)
    await record(app, actor=console.actor, action=action, target=f"session:{target.person.session_id}",
                 data={"case": case.id, "decision": decision_id, "category": category, "duration_s": duration,
                       "scope": req.scope if action == "ban" else None, "room": req.room, "seq": req.seq})
    statement = Statement(decision=decision_id, action=action, category=category, ground=_ground(category),
                          automated=False, message=_message(action, duration, req.room, req.reason),
                          duration_s=duration, expires_at=expires, appeal_token=appeal_token,
                          appeal_until=appeal_until, room=req.room)
    await send_statement(app, target.person.session_id, target.device_hash, statement)
    if sanction_rows:
        await app.moderation.sanctions_changed(sanction_rows, decision_id)
    if action == "kick":
        await app.moderation.publish("kick", session_id=target.person.session_id, room=req.room)
    if action == "ban":
        from causerie.actions.entry import do_end_session

        await do_end_session(app, target.person.session_id, reason="banned")
    if case.target_kind == "room":
        # a room case may concern several people: it stays open until the moderator closes it
        await app.moderation.publish("case", case_id=case.id, role=case.role)
        return {"decision": decision_id, "action": action, "duration_s": duration,
                "session": target.person.session_id, "closed": False}
    await _close(app, console, case, action)
    return {"decision": decision_id, "action": action, "duration_s": duration}


async def _close_room_case(app: Causerie, console: ConsoleSession, case: Case, req: ActionRequest
                           ) -> dict[str, Any]:
    """A room case is closed once something was done: a decision against someone seen in it, or a room
    action (slow mode, lock) taken from it. Reporters learn `action_taken` (nothing done: `dismiss`)."""
    if case.target_kind != "room":
        raise CauserieError("action_invalid", detail=Text(
            "seul un dossier de salon se clôt ainsi",
            "only a room case is closed this way"))
    decided = len(await app.moderation.decisions.of_case(case.id))
    room_actions = [e for e in await app.audit.entries(target=f"room:{case.target}")
                    if e.action in ROOM_ACTIONS and msgspec.json.decode(e.data).get("case") == case.id]
    if not decided and not room_actions:
        raise CauserieError("action_invalid", detail=Text(
            "rien n'a été fait dans ce dossier : classez-le sans suite",
            "nothing was done in this case: dismiss it"))
    await record(app, actor=console.actor, action="close", target=f"case:{case.id}",
                 data={"reason": req.reason, "decisions": decided, "room_actions": len(room_actions)})
    await _close(app, console, case, "action_taken")
    return {"closed": True, "action": "close"}


async def _held(app: Causerie, console: ConsoleSession, case: Case, req: ActionRequest) -> dict[str, Any]:
    from causerie.actions.held import do_delete_held, do_release_held

    items = await app.moderation.cases.items(case.id)
    if req.screened is None or not any(i.kind == "screened" and i.ref_id == req.screened for i in items):
        raise CauserieError("action_invalid", detail=Text(
            "ce message retenu ne fait pas partie du dossier",
            "this held message is not part of the case"))
    if req.action == "release":
        await do_release_held(app, req.screened)
    else:
        await do_delete_held(app, req.screened)
    await record(app, actor=console.actor, action=req.action, target=f"screened:{req.screened}",
                 data={"case": case.id})
    await app.moderation.publish("case", case_id=case.id, role=case.role)
    return {"screened": req.screened, "status": "released" if req.action == "release" else "deleted"}


async def _urgent(app: Causerie, console: ConsoleSession, case: Case) -> dict[str, Any]:
    """Threats to life or safety (DSA art. 18): the case goes first, every online admin is alerted and
    the evidence bundle for the authorities (Pharos) is ready at /api/mod/cases/{id}/bundle."""
    if case.category != "threat":
        raise CauserieError("action_invalid", detail=Text(
            "seul un dossier de menaces fait l'objet d'une escalade urgente",
            "only a threat case is escalated"))
    await app.moderation.cases.escalate(case.id, app.clock.now_ms())
    await record(app, actor=console.actor, action="urgent", target=f"case:{case.id}")
    await app.moderation.publish("urgent", case_id=case.id, role=case.role, category=case.category)
    return {"urgent": True, "bundle": f"/api/mod/cases/{case.id}/bundle"}


# --- automated decisions ------------------------------------------------------------------------


async def do_automated_block(app: Causerie, session_id: str, screened_id: int, category: str | None,
                             reason: dict[str, str], room_id: str | None) -> int:
    """The screening engine blocked a message: an automated decision, with a statement of reasons
    (`automated`: true) whose appeal token lets the sender contest it before a moderator (an automated
    decision is never confirmed by automation alone). Returns the decision id."""
    origin = await app.policy.origin(session_id)
    category = category or "other"
    now = app.clock.now_ms()
    appeal_token = secrets.token_urlsafe(24)
    appeal_until = now + app.moderation.config.appeal_days * DAY_MS
    decision_id = await app.moderation.decisions.add(
        [], case_id=None, moderator_id=None, action="block", target_session=session_id,
        device_hash=origin.device_hash, network_hash=origin.network_hash, room_id=room_id, category=category,
        reason="", duration_s=None, expires_at=None, appeal_token_hash=_sha256(appeal_token),
        appeal_until=appeal_until, created_at=now)
    await record(app, actor="screening", action="automated_block", target=f"decision:{decision_id}",
                 data={"screened": screened_id, "session": session_id, "category": category})
    message = Name(fr=f"Votre message n'a pas été envoyé. {reason['fr']}",
                   en=f"Your message was not sent. {reason['en']}")
    await send_statement(app, session_id, origin.device_hash, Statement(
        decision=decision_id, action="block", category=category, ground=_ground(category), automated=True,
        message=message, appeal_token=appeal_token, appeal_until=appeal_until, room=room_id))
    return decision_id


async def _blocked_message(app: Causerie, decision_id: int) -> int | None:
    """The screened message an automated block is about (its audit entry names it)."""
    for entry in await app.audit.entries(target=f"decision:{decision_id}"):
        if entry.action == "automated_block":
            return int(msgspec.json.decode(entry.data)["screened"])
    return None


# --- appeals ----------------------------------------------------------------------------------


async def do_appeal(app: Causerie, token: str, text: str) -> AppealCreated:
    """The person contests a decision with the token of its statement of reasons; a case goes to the
    queue, for a moderator other than the one who decided (and never to automation alone)."""
    text = text.strip()
    if not 1 <= len(text) <= 2000:
        raise CauserieError("appeal_text_invalid")
    decision = await app.moderation.decisions.by_appeal_token(_sha256(token)) if token else None
    if decision is None:
        raise CauserieError("appeal_invalid")
    now = app.clock.now_ms()
    if decision.appeal_until is None or now > decision.appeal_until:
        raise CauserieError("appeal_expired")
    await app.moderation.outbox.received_decision(decision.id, now)  # the token arrived, so did the statement
    existing = await app.moderation.decisions.appeal_of(decision.id)
    if existing is not None and existing.outcome is None:
        raise CauserieError("appeal_exists")
    appeal_id = await app.moderation.decisions.add_appeal(decision.id, text, now)
    role = queue_of([decision.category])
    case_id = await app.moderation.cases.create(
        kind="appeal", target_kind="session", target=decision.target_session or "", category=decision.category,
        role=role, priority=float(severity(decision.category)), urgent=False,
        excluded_moderator=decision.moderator_id, decision_id=decision.id, created_at=now, updated_at=now)
    await app.moderation.cases.add_item(case_id, "appeal", appeal_id, decision.category, 1.0, None, False, now)
    if decision.moderator_id is None:  # an automated block: the moderator sees the message it stopped
        blocked = await _blocked_message(app, decision.id)
        if blocked is not None:
            await app.moderation.cases.add_item(case_id, "screened", blocked, decision.category, 1.0, None, False,
                                                now)
    await app.moderation.decisions.update_appeal(appeal_id, case_id=case_id)
    await record(app, actor=f"session:{decision.target_session}", action="appeal", target=f"decision:{decision.id}",
                 data={"appeal": appeal_id, "case": case_id})
    await app.moderation.publish("case", case_id=case_id, role=role, category=decision.category)
    return AppealCreated(id=appeal_id, received_at=now, message=Name(
        fr="Votre recours a été reçu. Un autre membre de l'équipe de modération l'examinera.",
        en="Your appeal was received. Another member of the moderation team will review it."))


async def do_appeal_status(app: Causerie, token: str) -> AppealStatus:
    decision = await app.moderation.decisions.by_appeal_token(_sha256(token)) if token else None
    if decision is None:
        raise CauserieError("appeal_invalid")
    appeal = await app.moderation.decisions.appeal_of(decision.id)
    status = "none" if appeal is None else (appeal.outcome or "pending")
    return AppealStatus(decision=decision.id, status=status, appeal_until=decision.appeal_until)


async def _decide_appeal(app: Causerie, console: ConsoleSession, case: Case, req: ActionRequest) -> dict[str, Any]:
    if case.kind != "appeal" or case.decision_id is None:
        raise CauserieError("action_invalid", detail=Text(
            "maintenir ou annuler une décision ne vaut que pour un recours",
            "uphold and reverse decide appeals"))
    decision = await app.moderation.decisions.get(case.decision_id)
    assert decision is not None
    if decision.moderator_id == console.moderator.id:
        raise CauserieError("appeal_same_moderator")
    appeal = await app.moderation.decisions.appeal_of(decision.id)
    assert appeal is not None
    now = app.clock.now_ms()
    outcome = "upheld" if req.action == "uphold" else "reversed"
    if outcome == "reversed":
        await app.moderation.decisions.reverse(decision.id, now)
        await app.moderation.sanctions_changed()
    await app.moderation.decisions.update_appeal(appeal.id, outcome=outcome, decided_by=console.moderator.id,
                                                 decided_at=now)
    await record(app, actor=console.actor, action=f"appeal_{outcome}", target=f"decision:{decision.id}",
                 data={"appeal": appeal.id, "case": case.id})
    await send_statement(app, decision.target_session, decision.device_hash, Statement(
        decision=decision.id, action=f"appeal_{outcome}", category=decision.category,
        ground=_ground(decision.category), automated=False,
        message=_message(f"appeal_{outcome}", None, None, req.reason)))
    await app.moderation.cases.close(case.id, console.moderator.id, outcome, now)
    await app.moderation.publish("case", case_id=case.id, role=case.role, closed=True)
    return {"appeal": appeal.id, "outcome": outcome}
