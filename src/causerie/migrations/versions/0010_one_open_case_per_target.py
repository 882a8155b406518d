"""Cases: at most one open case per target (a partial unique index on the open `case` rows; appeals,
`kind = 'appeal'`, are not concerned).

Before the index, two reports or signals about one target arriving together could each open a case.
Such duplicates are merged first, so that the index cannot fail on an existing database: per target,
the oldest open case stays; the items, reports and decisions of the others move onto it; it takes the
highest priority and category among them, the child-safety queue if any of them was in it, urgency if
any was urgent, and a holder if it had none; the others are closed with the outcome `merged`. The exact
priority is recomputed from the items when the next one arrives.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OPEN_CASE = "status = 'open' AND kind = 'case'"

cases = sa.table("cases", sa.column("id"), sa.column("kind"), sa.column("target_kind"), sa.column("target"),
                 sa.column("category"), sa.column("role"), sa.column("priority"), sa.column("status"),
                 sa.column("urgent"), sa.column("claimed_by"), sa.column("claimed_at"), sa.column("outcome"),
                 sa.column("updated_at"), sa.column("closed_at"))
case_items = sa.table("case_items", sa.column("case_id"))
reports = sa.table("reports", sa.column("case_id"))
decisions = sa.table("decisions", sa.column("case_id"))


def _merge_duplicate_open_cases() -> None:
    conn = op.get_bind()
    now = int(time.time() * 1000)
    is_open = sa.and_(cases.c.status == "open", cases.c.kind == "case")
    targets = conn.execute(sa.select(cases.c.target_kind, cases.c.target).where(is_open)
                           .group_by(cases.c.target_kind, cases.c.target).having(sa.func.count() > 1)).all()
    for target_kind, target in targets:
        group = conn.execute(sa.select(cases).where(sa.and_(is_open, cases.c.target_kind == target_kind,
                                                            cases.c.target == target))
                             .order_by(cases.c.id)).all()
        keep, others = group[0], group[1:]
        other_ids = [c.id for c in others]
        for table in (case_items, reports, decisions):
            conn.execute(sa.update(table).where(table.c.case_id.in_(other_ids)).values(case_id=keep.id))
        top = max(group, key=lambda c: (c.priority, -c.id))
        claimed = next((c for c in group if c.claimed_by is not None), None)
        conn.execute(sa.update(cases).where(cases.c.id == keep.id).values(
            priority=top.priority, category=top.category,
            role="child_safety" if any(c.role == "child_safety" for c in group) else keep.role,
            urgent=any(bool(c.urgent) for c in group),
            claimed_by=claimed.claimed_by if claimed else None, claimed_at=claimed.claimed_at if claimed else None,
            updated_at=max(now, keep.updated_at)))
        conn.execute(sa.update(cases).where(cases.c.id.in_(other_ids)).values(
            status="closed", outcome="merged", claimed_by=None, claimed_at=None, closed_at=now, updated_at=now))


def upgrade() -> None:
    _merge_duplicate_open_cases()
    op.create_index("uq_cases_open_target", "cases", ["target_kind", "target"], unique=True,
                    sqlite_where=sa.text(OPEN_CASE), postgresql_where=sa.text(OPEN_CASE))


def downgrade() -> None:
    op.drop_index("uq_cases_open_target", table_name="cases")
