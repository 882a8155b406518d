"""Decisions: an index on (network hash, action) for the ban-evasion look-up of every entry, which
otherwise scans a table that gains a row for every message screening blocks.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_decisions_network_action", "decisions", ["network_hash", "action"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_decisions_network_action", table_name="decisions")
