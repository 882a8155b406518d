"""Initial schema: sessions, rooms, memberships, invitations, messages, private messages, ignores.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from causerie.storage import tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The first revision creates the tables as declared; later revisions must spell out their changes.
_TABLES = [
    tables.sessions, tables.rooms, tables.room_members, tables.room_invites, tables.messages,
    tables.pm_conversations, tables.pm_messages, tables.ignores,
]


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(_TABLES):
        table.drop(bind)
