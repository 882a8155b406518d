"""Entering the chat, attaching a connection to a session, and ending a session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

from causerie.bus import Event
from causerie.checks import check_age, check_gender, check_place, check_pseudo
from causerie.domain import Person, PmPolicy
from causerie.errors import CauserieError
from causerie.hub import DIRECTORY, Connection, LiveSession, session_topic
from causerie.moderation.decisions import take_statements
from causerie.moderation.enforcement import after_entry, check_may_enter
from causerie.policy.bands import check_entry_band, record_band_changes
from causerie.policy.flood import check_entry_rate
from causerie.policy.state import SessionOrigin
from causerie.presence import person_info, person_to_dict
from causerie.protocol import Conversation, SessionCreate, SessionInfo, Statement, Welcome
from causerie.storage.sessions import Origin, SessionRecord

if TYPE_CHECKING:
    from causerie.app import Causerie


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(app: Causerie, value: str) -> str:
    """HMAC with the server secret: links sessions without keeping the value in plain."""
    return hmac.new(app.settings.secret, value.encode(), hashlib.sha256).hexdigest()


def session_info(person: Person, pm_policy: str) -> SessionInfo:
    return SessionInfo(id=person.session_id, pseudo=person.pseudo, age=person.age, gender=person.gender.value,
                       band=person.band.value, commune=person.place.commune,
                       departement=person.place.departement, pm_policy=pm_policy)


async def do_enter(app: Causerie, body: SessionCreate, origin: Origin,
                   device_token: str | None) -> tuple[str, str, SessionInfo, list[Statement]]:
    """Create a session from what the person declared. Returns (token, device token, session, the
    statements of reasons that never reached this device: handed over now)."""
    s = app.settings
    pseudo = check_pseudo(body.pseudo)
    band = check_age(body.age, teen_min=s.teen_min_age, adult_min=s.adult_min_age, max_age=s.max_age)
    gender = check_gender(body.gender)
    place = check_place(app.postal, body.postal_code, body.insee)
    if not device_token or len(device_token) > 64:
        device_token = secrets.token_urlsafe(24)
    device_hash, network_hash = keyed_hash(app, device_token), keyed_hash(app, origin.ip)
    await check_entry_rate(app, device_hash, network_hash)
    band_verdict = await check_entry_band(app, band, body.age, device_hash, network_hash)
    try:
        evasion = check_may_enter(app, device_hash, network_hash)
    except CauserieError as refused:
        # a banned person still gets the statements of reasons that never reached them, to read and appeal
        refused.extra["statements"] = await take_statements(app, device_hash)
        raise
    token = secrets.token_urlsafe(32)
    person = Person(secrets.token_urlsafe(12), pseudo, body.age, gender, band, place)
    policy = PmPolicy.BAND.value
    now = app.clock.now_ms()
    await app.sessions.create(person, token_hash=token_hash(token), device_hash=device_hash,
                              network_hash=network_hash, origin=origin, pm_policy=policy, now=now)
    app.policy.remember(person.session_id, SessionOrigin(device_hash, network_hash, now))
    await record_band_changes(app, band_verdict, person.session_id, device_hash, network_hash)
    await after_entry(app, person.session_id, pseudo, device_hash, network_hash, evasion)
    session = LiveSession(person, policy, set(), set())
    await app.hub.hold(session)
    app.hub.start_grace(session, s.session_grace_s)
    await app.cluster.claim(person.session_id)
    await app.broker.publish(DIRECTORY, Event("online", data={"person": person_to_dict(person)}))
    return token, device_token, session_info(person, policy), await take_statements(app, device_hash)


async def access_session_by_token(app: Causerie, token: str) -> SessionRecord:
    record = await app.sessions.by_token_hash(token_hash(token))
    if record is None or record.ended_at is not None:
        raise CauserieError("token_invalid")
    return record


async def do_attach(app: Causerie, token: str, conn: Connection) -> tuple[LiveSession, Welcome]:
    """Attach a WebSocket to a session (on `hello`), taking it over from any other connection."""
    record = await access_session_by_token(app, token)
    sid = record.person.session_id
    session = app.hub.local.get(sid)
    if session is None:
        rooms = set(await app.rooms.rooms_of(sid))
        ignored = await app.ignores.of(sid)
        session = LiveSession(record.person, record.pm_policy, rooms, ignored)
        await app.hub.hold(session)
        await app.cluster.claim(sid)
    elif session.conn is not None and session.conn is not conn:
        from causerie.protocol import SessionEnded, encode

        session.send(encode(SessionEnded(reason="replaced")))
        session.conn.close_soon(4000)
    if session.grace is not None:
        session.grace.cancel()
        session.grace = None
    session.conn = conn
    try:
        await app.broker.publish(session_topic(sid), Event("attached", data={"node": app.hub.node_id}))
    except Exception:  # the bus is away: `unavailable`; the session waits for the next hello
        session.conn = None
        app.hub.start_grace(session, app.settings.session_grace_s)
        raise
    return session, await _welcome(app, session)


async def _welcome(app: Causerie, session: LiveSession) -> Welcome:
    convs = []
    for conv in await app.pms.of(session.id):
        peer_id = conv.peer_of(session.id)
        peer = app.directory.people.get(peer_id)
        if peer is None:
            record = await app.sessions.by_id(peer_id)
            if record is None:
                continue
            peer = record.person
        read = conv.read_seq_of(session.id)
        convs.append(Conversation(id=conv.id, peer=person_info(peer, session.person), last_seq=conv.last_seq,
                                  read_seq=read, unread=conv.last_seq - read))
    ignored = sorted(p.pseudo for sid in session.ignored if (p := app.directory.people.get(sid)))
    # The held session's room set is current (loaded on hello, kept by join and leave): no query.
    return Welcome(session=session_info(session.person, session.pm_policy), rooms=sorted(session.rooms), pms=convs,
                   ignored=ignored, features=["report"])


def do_detach(app: Causerie, session: LiveSession, conn: Connection) -> None:
    """The connection dropped: keep the session for the grace period so it can resume."""
    if session.conn is conn:
        session.conn = None
        if session.id in app.hub.local:
            app.hub.start_grace(session, app.settings.session_grace_s)


async def do_end_session(app: Causerie, session_id: str, *, reason: str) -> None:
    """End a session: free the pseudonym, leave every room, disappear from the people list."""
    if not await app.sessions.end(session_id, now=app.clock.now_ms(), reason=reason):
        return
    rooms = await app.rooms.remove_everywhere(session_id)
    app.policy.forget(session_id)
    await app.broker.publish(session_topic(session_id), Event("ended", data={"reason": reason}))
    await app.broker.publish(DIRECTORY, Event("offline", data={"session_id": session_id, "rooms": rooms}))


async def adopt_orphans(app: Causerie) -> None:
    """On a single node's start, live sessions of the previous run get a grace period to come back."""
    for record in await app.sessions.live():
        if record.person.session_id in app.hub.local:
            continue
        rooms = set(await app.rooms.rooms_of(record.person.session_id))
        ignored = await app.ignores.of(record.person.session_id)
        session = LiveSession(record.person, record.pm_policy, rooms, ignored)
        await app.hub.hold(session)
        app.hub.start_grace(session, app.settings.session_grace_s)
