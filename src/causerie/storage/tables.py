"""The schema, as SQLAlchemy Core tables. Alembic migrations (causerie/migrations) create it."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

# 64-bit ids on PostgreSQL; on SQLite an INTEGER PRIMARY KEY is already 64-bit (and the rowid).
BigId = BigInteger().with_variant(Integer, "sqlite")

# One row per chat session. Holds the identification data the law requires (LCEN art. 6,
# décret 2021-1362): IP address, source port, user agent, start and end times, and what was declared.
sessions = Table(
    "sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("device_hash", String(64), nullable=False),
    Column("network_hash", String(64), nullable=False),  # keyed hash of the IP address
    Column("pseudo", String(20), nullable=False),
    Column("pseudo_key", String(20), nullable=False),  # case-folded, for uniqueness
    Column("age", Integer, nullable=False),
    Column("gender", String(8), nullable=False),
    Column("band", String(8), nullable=False),
    Column("postal_code", String(5), nullable=False),
    Column("insee", String(5), nullable=False),
    Column("commune", String(80), nullable=False),
    Column("departement", String(3), nullable=False),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("ip", String(45), nullable=False),
    Column("ip_port", Integer, nullable=False),
    Column("user_agent", Text, nullable=False),
    Column("pm_policy", String(16), nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("ended_at", BigInteger, nullable=True),
    Column("end_reason", String(32), nullable=True),
    Index(
        "ux_sessions_live_pseudo",
        "pseudo_key",
        unique=True,
        sqlite_where=text("ended_at IS NULL"),
        postgresql_where=text("ended_at IS NULL"),
    ),
    # (hash, band, started_at): the age-consistency look-up at every entry is an index range seek,
    # however many sessions a shared network (a school, a mobile carrier's NAT) has had.
    Index("ix_sessions_device_band", "device_hash", "band", "started_at"),
    Index("ix_sessions_network_band", "network_hash", "band", "started_at"),
)

rooms = Table(
    "rooms",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name_fr", String(80), nullable=False),
    Column("name_en", String(80), nullable=False),
    Column("band", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("owner", String(32), nullable=True),
    Column("last_seq", BigInteger, nullable=False, server_default="0"),
    Column("created_at", BigInteger, nullable=False),
)

room_members = Table(
    "room_members",
    metadata,
    Column("room_id", String(64), ForeignKey("rooms.id"), nullable=False),
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("joined_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("room_id", "session_id"),
    Index("ix_room_members_session", "session_id"),
)

room_invites = Table(
    "room_invites",
    metadata,
    Column("room_id", String(64), ForeignKey("rooms.id"), nullable=False),
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("invited_by", String(32), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("room_id", "session_id"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("room_id", String(64), ForeignKey("rooms.id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("pseudo", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("room_id", "seq", name="ux_messages_room_seq"),
    UniqueConstraint("session_id", "client_id", name="ux_messages_client_id"),
)

pm_conversations = Table(
    "pm_conversations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("a_session", String(32), ForeignKey("sessions.id"), nullable=False),  # a < b
    Column("b_session", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("last_seq", BigInteger, nullable=False, server_default="0"),
    Column("a_read", BigInteger, nullable=False, server_default="0"),
    Column("b_read", BigInteger, nullable=False, server_default="0"),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("a_session", "b_session", name="ux_pm_pair"),
    Index("ix_pm_b", "b_session"),
)

pm_messages = Table(
    "pm_messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("pm_id", Integer, ForeignKey("pm_conversations.id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("pm_id", "seq", name="ux_pm_messages_seq"),
    UniqueConstraint("session_id", "client_id", name="ux_pm_messages_client_id"),
)

ignores = Table(
    "ignores",
    metadata,
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("ignored_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("session_id", "ignored_id"),
)

# Messages the screening engine held, blocked, flagged or shadowed, with the verdict (evidence for
# moderation). `status`: pending (held, awaiting a moderator), released, deleted, or final.
screened_messages = Table(
    "screened_messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("room_id", String(64), nullable=True),
    Column("pm_id", BigInteger, nullable=True),
    Column("recipient_id", String(32), nullable=True),
    Column("text", Text, nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("action", String(8), nullable=False),
    Column("category", String(32), nullable=True),
    Column("labels", Text, nullable=False),
    Column("scores", Text, nullable=False),
    Column("open_case", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("decided_at", BigInteger, nullable=True),
    Index("ix_screened_status", "status"),
)

# The tamper-evident audit log (docs/moderation.md): every moderator action and automated decision,
# each entry carrying the SHA-256 of the previous one. `seq` is gapless from 1 and part of the hash.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("seq", BigInteger, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("actor", String(64), nullable=False),  # "mod:<id>", "screening", "system", "session:<id>"
    Column("action", String(32), nullable=False),
    Column("target", String(80), nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON (sorted keys)
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("seq", name="ux_audit_seq"),
)

# Safety signals (docs/policy.md): typed events for moderation to build cases from — cross-band
# attempts, age-band changes, rate-limit hits, mass contact, duplicate blasts, join waves. Never shown
# to other users. `session_id` is null when there is no session yet (a refused entry).
safety_signals = Table(
    "safety_signals",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("session_id", String(32), nullable=True),
    Column("device_hash", String(64), nullable=True),
    Column("network_hash", String(64), nullable=True),
    Column("data", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_safety_signals_kind_created", "kind", "created_at"),
    Index("ix_safety_signals_session", "session_id"),
)

# Per-room slow mode (docs/policy.md): set by a moderator, or automatically for new sessions during a
# join wave. `until` (ms) ends an automatic one; null means until changed.
room_slow_modes = Table(
    "room_slow_modes",
    metadata,
    Column("room_id", String(64), primary_key=True),
    Column("seconds", Integer, nullable=False),
    Column("newcomers_only", Boolean, nullable=False),
    Column("until", BigInteger, nullable=True),
    Column("updated_at", BigInteger, nullable=False),
)

# --- moderation (docs/moderation.md) -----------------------------------------------------------

# A room locked by a moderator: nobody may send to it until it is unlocked.
room_locks = Table(
    "room_locks",
    metadata,
    Column("room_id", String(64), primary_key=True),
    Column("locked_by", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

moderators = Table(
    "moderators",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(40), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id
    Column("totp_secret", String(64), nullable=False),
    Column("last_totp_step", BigInteger, nullable=True),  # a code is accepted once
    Column("roles", String(100), nullable=False),  # comma-separated: moderator, child_safety, admin, legal
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", BigInteger, nullable=False),
)

# Console sessions, separate from chat sessions; the token is kept only as a SHA-256 hash.
mod_sessions = Table(
    "mod_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("moderator_id", Integer, ForeignKey("moderators.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("last_seen", BigInteger, nullable=False),
    Column("ended_at", BigInteger, nullable=True),
)

# A report with its evidence frozen at report time: a copy, so deleting or expiring messages later
# cannot touch it. `evidence_sha256` is the SHA-256 of `evidence` (canonical JSON).
reports = Table(
    "reports",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("reporter_id", String(32), nullable=False),
    Column("reporter_device", String(64), nullable=False),
    Column("target_kind", String(8), nullable=False),  # message, person, room
    Column("target_session", String(32), nullable=True),
    Column("room_id", String(64), nullable=True),
    Column("pm_id", BigInteger, nullable=True),
    Column("seq", BigInteger, nullable=True),
    Column("category", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("evidence_sha256", String(64), nullable=False),
    Column("case_id", BigInteger, nullable=True),
    Column("outcome", String(16), nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("decided_at", BigInteger, nullable=True),
    Index("ix_reports_case", "case_id"),
)

# The rows of `cases` that are a target's open case (not an appeal): the partial unique index below.
OPEN_CASE = "status = 'open' AND kind = 'case'"

# Cases: what moderators work on, merged per target (a session or a room). `role` is the queue.
cases = Table(
    "cases",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),  # case, appeal
    Column("target_kind", String(8), nullable=False),  # session, room
    Column("target", String(64), nullable=False),
    Column("category", String(32), nullable=False),
    Column("role", String(16), nullable=False),  # moderator, child_safety
    Column("priority", Float, nullable=False),
    Column("status", String(8), nullable=False),  # open, closed
    Column("urgent", Boolean, nullable=False, server_default=text("false")),
    Column("claimed_by", Integer, nullable=True),
    Column("claimed_at", BigInteger, nullable=True),
    Column("excluded_moderator", Integer, nullable=True),  # appeals: not the one who decided
    Column("decision_id", BigInteger, nullable=True),  # appeals: the decision appealed
    Column("outcome", String(16), nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("closed_at", BigInteger, nullable=True),
    Index("ix_cases_open", "status", "target_kind", "target"),
    # At most one open case per target (appeals aside): concurrent reports and signals about one target,
    # on one node or several, all land in it (storage/cases.CaseStore.open_case; migration 0010).
    Index("uq_cases_open_target", "target_kind", "target", unique=True,
          sqlite_where=text(OPEN_CASE), postgresql_where=text(OPEN_CASE)),
)

case_items = Table(
    "case_items",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("case_id", BigInteger, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(8), nullable=False),  # report, screened, signal, appeal
    Column("ref_id", BigInteger, nullable=False),
    Column("category", String(32), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("reporter", String(64), nullable=True),  # keyed device hash of a reporter (distinct count)
    Column("trusted", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_case_items_case", "case_id"),
)

# Reporters whose reports weigh more (DSA art. 22), by keyed device hash; set by admins.
trusted_flaggers = Table(
    "trusted_flaggers",
    metadata,
    Column("device_hash", String(64), primary_key=True),
    Column("set_by", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# Every decision against a person or a room, with what the statement of reasons said (DSA art. 17).
decisions = Table(
    "decisions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("case_id", BigInteger, nullable=True),
    Column("moderator_id", Integer, nullable=True),  # None: automated
    Column("action", String(16), nullable=False),
    Column("target_session", String(32), nullable=True),
    Column("device_hash", String(64), nullable=True),
    Column("network_hash", String(64), nullable=True),
    Column("room_id", String(64), nullable=True),
    Column("category", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("duration_s", BigInteger, nullable=True),
    Column("expires_at", BigInteger, nullable=True),
    Column("appeal_token_hash", String(64), nullable=True, unique=True),
    Column("appeal_until", BigInteger, nullable=True),
    Column("reversed_at", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_decisions_device", "device_hash"),
    # the ban-evasion look-up of every entry (moderation/enforcement.after_entry): bans from a network
    Index("ix_decisions_network_action", "network_hash", "action"),
)

# What stops a person: a ban or a time-out on a session, a device or a network (keyed hashes).
sanctions = Table(
    "sanctions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("decision_id", BigInteger, ForeignKey("decisions.id"), nullable=False),
    Column("kind", String(8), nullable=False),  # ban, timeout
    Column("scope", String(8), nullable=False),  # session, device, network
    Column("value", String(64), nullable=False),
    Column("expires_at", BigInteger, nullable=True),  # None: for good
    Column("created_at", BigInteger, nullable=False),
    Column("lifted_at", BigInteger, nullable=True),
    Index("ix_sanctions_value", "scope", "value"),
)

appeals = Table(
    "appeals",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("decision_id", BigInteger, ForeignKey("decisions.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("case_id", BigInteger, nullable=True),
    Column("outcome", String(16), nullable=True),  # upheld, reversed
    Column("decided_by", Integer, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("decided_at", BigInteger, nullable=True),
)

# Every statement of reasons sent to a person, until their client confirms it arrived (a receipt) or it
# is handed over at their next entry from the same device (docs/moderation.md). The appeal token is
# never stored here: a fresh one is issued when an undelivered statement is handed over.
statement_outbox = Table(
    "statement_outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("decision_id", BigInteger, ForeignKey("decisions.id"), nullable=False),
    Column("session_id", String(32), nullable=True),
    Column("device_hash", String(64), nullable=True),
    Column("receipt_hash", String(64), nullable=False, unique=True),
    Column("frame", Text, nullable=False),  # the statement frame as JSON, without its appeal token
    Column("created_at", BigInteger, nullable=False),
    Column("delivered_at", BigInteger, nullable=True),
    Index("ix_statement_outbox_device", "device_hash", "delivered_at"),
)
