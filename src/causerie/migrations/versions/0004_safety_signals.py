"""Safety signals and per-room slow mode (docs/policy.md).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_signals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("device_hash", sa.String(length=64), nullable=True),
        sa.Column("network_hash", sa.String(length=64), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_safety_signals_kind_created", "safety_signals", ["kind", "created_at"], unique=False)
    op.create_index("ix_safety_signals_session", "safety_signals", ["session_id"], unique=False)
    op.create_table(
        "room_slow_modes",
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("newcomers_only", sa.Boolean(), nullable=False),
        sa.Column("until", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("room_id"),
    )


def downgrade() -> None:
    op.drop_table("room_slow_modes")
    op.drop_index("ix_safety_signals_session", table_name="safety_signals")
    op.drop_index("ix_safety_signals_kind_created", table_name="safety_signals")
    op.drop_table("safety_signals")
