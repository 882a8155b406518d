"""Sessions: indexes (device or network hash, band, start) for the age-consistency look-up at entry.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_sessions_device", table_name="sessions")
    op.drop_index("ix_sessions_network", table_name="sessions")
    op.create_index("ix_sessions_device_band", "sessions", ["device_hash", "band", "started_at"], unique=False)
    op.create_index("ix_sessions_network_band", "sessions", ["network_hash", "band", "started_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sessions_network_band", table_name="sessions")
    op.drop_index("ix_sessions_device_band", table_name="sessions")
    op.create_index("ix_sessions_network", "sessions", ["network_hash"], unique=False)
    op.create_index("ix_sessions_device", "sessions", ["device_hash"], unique=False)
