"""Initial schema: sessions, rooms, memberships, invitations, messages, private messages, ignores.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name_fr", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=32), nullable=True),
        sa.Column("last_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("network_hash", sa.String(length=64), nullable=False),
        sa.Column("pseudo", sa.String(length=20), nullable=False),
        sa.Column("pseudo_key", sa.String(length=20), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=8), nullable=False),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("postal_code", sa.String(length=5), nullable=False),
        sa.Column("insee", sa.String(length=5), nullable=False),
        sa.Column("commune", sa.String(length=80), nullable=False),
        sa.Column("departement", sa.String(length=3), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("ip_port", sa.Integer(), nullable=False),
        sa.Column("user_agent", sa.Text(), nullable=False),
        sa.Column("pm_policy", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.BigInteger(), nullable=False),
        sa.Column("ended_at", sa.BigInteger(), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_sessions_device", "sessions", ["device_hash"], unique=False)
    op.create_index("ix_sessions_network", "sessions", ["network_hash"], unique=False)
    op.create_index(
        "ux_sessions_live_pseudo",
        "sessions",
        ["pseudo_key"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.create_table(
        "ignores",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("ignored_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ignored_id"],
            ["sessions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "ignored_id"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("pseudo", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["rooms.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("room_id", "seq", name="ux_messages_room_seq"),
        sa.UniqueConstraint("session_id", "client_id", name="ux_messages_client_id"),
    )
    op.create_table(
        "pm_conversations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("a_session", sa.String(length=32), nullable=False),
        sa.Column("b_session", sa.String(length=32), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("a_read", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("b_read", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["a_session"],
            ["sessions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["b_session"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("a_session", "b_session", name="ux_pm_pair"),
    )
    op.create_index("ix_pm_b", "pm_conversations", ["b_session"], unique=False)
    op.create_table(
        "room_invites",
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("invited_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["rooms.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("room_id", "session_id"),
    )
    op.create_table(
        "room_members",
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("joined_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["rooms.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("room_id", "session_id"),
    )
    op.create_index("ix_room_members_session", "room_members", ["session_id"], unique=False)
    op.create_table(
        "pm_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("pm_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pm_id"],
            ["pm_conversations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pm_id", "seq", name="ux_pm_messages_seq"),
        sa.UniqueConstraint("session_id", "client_id", name="ux_pm_messages_client_id"),
    )


def downgrade() -> None:
    op.drop_table("pm_messages")
    op.drop_index("ix_room_members_session", table_name="room_members")
    op.drop_table("room_members")
    op.drop_table("room_invites")
    op.drop_index("ix_pm_b", table_name="pm_conversations")
    op.drop_table("pm_conversations")
    op.drop_table("messages")
    op.drop_table("ignores")
    op.drop_index(
        "ux_sessions_live_pseudo",
        table_name="sessions",
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )
    op.drop_index("ix_sessions_network", table_name="sessions")
    op.drop_index("ix_sessions_device", table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("rooms")
