"""Every WebSocket frame, defined once as a typed schema (see docs/protocol.md).

Client frames are a tagged union on `type`; decoding checks the shape only. Meaning is checked by
`checks.py` and the actions.
"""

from __future__ import annotations

from typing import Literal

import msgspec

# --- client → server -------------------------------------------------------------------------


class ClientFrame(msgspec.Struct, tag_field="type", forbid_unknown_fields=False):
    pass


class Resume(msgspec.Struct):
    rooms: dict[str, int] = {}
    pms: dict[str, int] = {}


class Hello(ClientFrame, tag="hello"):
    token: str
    resume: Resume | None = None


class Join(ClientFrame, tag="join"):
    room: str


class Leave(ClientFrame, tag="leave"):
    room: str


class Send(ClientFrame, tag="send"):
    room: str
    text: str
    client_id: str


class Pm(ClientFrame, tag="pm"):
    text: str
    client_id: str
    to: str | None = None
    pm: int | None = None


class Typing(ClientFrame, tag="typing"):
    pm: int


class Read(ClientFrame, tag="read"):
    pm: int
    seq: int


class PresenceFilters(msgspec.Struct):
    gender: list[str] | None = None
    age_min: int | None = None
    age_max: int | None = None
    departement: str | None = None
    distance: list[str] | None = None


class PresenceRequest(ClientFrame, tag="presence"):
    filters: PresenceFilters | None = None


class Ignore(ClientFrame, tag="ignore"):
    pseudo: str


class Unignore(ClientFrame, tag="unignore"):
    pseudo: str


class SettingsFrame(ClientFrame, tag="settings"):
    pm_policy: str


class CreateRoom(ClientFrame, tag="create_room"):
    name: str
    client_id: str | None = None


class Invite(ClientFrame, tag="invite"):
    room: str
    pseudo: str


class Ping(ClientFrame, tag="ping"):
    ref: str | None = None


ClientFrames = (
    Hello | Join | Leave | Send | Pm | Typing | Read | PresenceRequest | Ignore | Unignore
    | SettingsFrame | CreateRoom | Invite | Ping
)
CLIENT_FRAME_TYPES: tuple[type[ClientFrame], ...] = (
    Hello, Join, Leave, Send, Pm, Typing, Read, PresenceRequest, Ignore, Unignore,
    SettingsFrame, CreateRoom, Invite, Ping,
)


# --- shared objects ---------------------------------------------------------------------------


class Name(msgspec.Struct):
    fr: str
    en: str


class RoomInfo(msgspec.Struct):
    id: str
    name: Name
    band: str
    kind: str
    members: int
    locked: bool = False  # a moderator locked it: nobody may send to it


class PersonInfo(msgspec.Struct):
    pseudo: str
    age: int
    gender: str
    commune: str
    departement: str
    distance: str | None = None
    band: str | None = None  # "teen" or "adult": always the viewer's own band (never another)


class SessionInfo(msgspec.Struct):
    id: str
    pseudo: str
    age: int
    gender: str
    band: str
    commune: str
    departement: str
    pm_policy: str


class Conversation(msgspec.Struct):
    id: int
    peer: PersonInfo
    last_seq: int
    read_seq: int
    unread: int


class MessageOut(msgspec.Struct, tag_field="type", tag="message"):
    room: str
    seq: int
    from_: str = msgspec.field(name="from")
    text: str
    ts: int
    client_id: str | None = None


class PmMessageOut(msgspec.Struct, tag_field="type", tag="pm_message"):
    pm: int
    seq: int
    from_: str = msgspec.field(name="from")
    to: str
    text: str
    ts: int
    client_id: str | None = None


# --- server → client --------------------------------------------------------------------------


class ServerFrame(msgspec.Struct, tag_field="type"):
    pass


class Welcome(ServerFrame, tag="welcome"):
    session: SessionInfo
    rooms: list[str]
    pms: list[Conversation]
    ignored: list[str]
    features: list[str] = []  # optional features the client may show, e.g. "report"


class Joined(ServerFrame, tag="joined"):
    room: RoomInfo
    history: list[MessageOut]


class Left(ServerFrame, tag="left"):
    room: str


class Notice(msgspec.Struct):
    """Why a delivered message was flagged (e.g. contact details shared between adults)."""

    code: str
    category: str
    message: Name


class Ack(ServerFrame, tag="ack"):
    client_id: str
    seq: int
    ts: int
    room: str | None = None
    pm: int | None = None
    notice: Notice | None = None


class PmOpened(ServerFrame, tag="pm_opened"):
    pm: Conversation


class TypingOut(ServerFrame, tag="typing"):
    pm: int
    from_: str = msgspec.field(name="from")


class ReadOut(ServerFrame, tag="read"):
    pm: int
    seq: int
    by: str


class Members(ServerFrame, tag="members"):
    room: str
    count: int


class Presence(ServerFrame, tag="presence"):
    people: list[PersonInfo]


class PresenceDiff(ServerFrame, tag="presence_diff"):
    added: list[PersonInfo]
    removed: list[str]


class Ignored(ServerFrame, tag="ignored"):
    pseudos: list[str]


class SettingsOut(ServerFrame, tag="settings"):
    pm_policy: str


class RoomCreated(ServerFrame, tag="room_created"):
    room: RoomInfo
    client_id: str | None = None


class Invited(ServerFrame, tag="invited"):
    room: str
    pseudo: str


class Invitation(ServerFrame, tag="invitation"):
    room: RoomInfo
    by: str


class Truncated(ServerFrame, tag="truncated"):
    before: int
    room: str | None = None
    pm: int | None = None


class SessionEnded(ServerFrame, tag="session_ended"):
    reason: str


class ErrorFrame(ServerFrame, tag="error"):
    code: str
    message: Name
    ref: str | None = None
    category: str | None = None  # the screening category, for message_blocked and message_held
    retry_after: int | None = None  # seconds to wait, for rate_limited, pm_limit and slow_mode


class Pong(ServerFrame, tag="pong"):
    ref: str | None = None


class Statement(ServerFrame, tag="statement"):
    """A statement of reasons (DSA art. 17): sent for every decision against the person."""

    decision: int
    action: str  # warn, delete_message, timeout, kick, ban
    category: str
    ground: Name  # the rule broken, in both languages
    automated: bool
    message: Name  # what was decided, in both languages
    duration_s: int | None = None  # None: no duration (warning) or for good (ban)
    expires_at: int | None = None
    appeal_token: str | None = None  # POST /api/appeals with it, until appeal_until
    appeal_until: int | None = None
    room: str | None = None
    receipt: str | None = None  # POST /api/statements/receipt with it once shown (else it comes again at entry)


class RoomLock(ServerFrame, tag="room_lock"):
    """A moderator locked (or unlocked) a room: sent to its members."""

    room: str
    locked: bool
    message: Name


class ReportOutcome(ServerFrame, tag="report_outcome"):
    report: int
    outcome: str  # action_taken, no_action
    message: Name


SERVER_FRAME_TYPES: tuple[type[msgspec.Struct], ...] = (
    Welcome, Joined, Left, Ack, MessageOut, PmMessageOut, PmOpened, TypingOut, ReadOut, Members,
    Presence, PresenceDiff, Ignored, SettingsOut, RoomCreated, Invited, Invitation, Truncated,
    SessionEnded, ErrorFrame, Pong, Statement, ReportOutcome, RoomLock,
)


def frame_type(cls: type[msgspec.Struct]) -> str:
    tag = cls.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


# --- HTTP bodies ------------------------------------------------------------------------------


class SessionCreate(msgspec.Struct, forbid_unknown_fields=False):
    pseudo: str
    age: int
    gender: str
    postal_code: str
    insee: str | None = None
    lang: Literal["fr", "en"] = "fr"


class SessionCreated(msgspec.Struct):
    token: str
    session: SessionInfo
    statements: list[Statement] = []  # statements of reasons that never reached this device before


class StatementReceipt(msgspec.Struct, forbid_unknown_fields=False):
    receipt: str


class Commune(msgspec.Struct):
    insee: str
    commune: str
    departement: str


class CommuneList(msgspec.Struct):
    postal_code: str
    communes: list[Commune]


class RoomList(msgspec.Struct):
    rooms: list[RoomInfo]


class RoomHistory(msgspec.Struct):
    messages: list[MessageOut]
    before: int | None  # cursor for the next (older) page, or None at the start


class PmHistory(msgspec.Struct):
    messages: list[PmMessageOut]
    before: int | None


class Health(msgspec.Struct):
    status: str
    checks: dict[str, str] = {}


class ReportCreate(msgspec.Struct, forbid_unknown_fields=False):
    """A report: a message (`room` or `pm`, with `seq`), a person (`pseudo`) or a room (`room` alone)."""

    category: str
    text: str = ""
    room: str | None = None
    pm: int | None = None
    seq: int | None = None
    pseudo: str | None = None


class ReportCreated(msgspec.Struct):
    id: int
    received_at: int
    evidence_sha256: str
    message: Name


class AppealCreate(msgspec.Struct, forbid_unknown_fields=False):
    token: str
    text: str


class AppealCreated(msgspec.Struct):
    id: int
    received_at: int
    message: Name


class AppealStatus(msgspec.Struct):
    decision: int
    status: str  # none, pending, upheld, reversed
    appeal_until: int | None


class ErrorBody(msgspec.Struct):
    code: str
    message: Name


class ErrorResponse(msgspec.Struct):
    error: ErrorBody


encoder = msgspec.json.Encoder()
client_decoder = msgspec.json.Decoder(ClientFrames)


def encode(obj: msgspec.Struct) -> bytes:
    return encoder.encode(obj)
