"""Moderator roles and what each may see. Every console endpoint checks these on the server."""

from __future__ import annotations

from causerie.errors import CauserieError

MODERATOR = "moderator"
CHILD_SAFETY = "child_safety"
ADMIN = "admin"
LEGAL = "legal"
ROLES = (MODERATOR, CHILD_SAFETY, ADMIN, LEGAL)

# Queue roles: a case in the child_safety queue (anything touching `sexual_minor`) is visible only to
# child-safety moderators; the moderator queue to moderators, child-safety moderators and admins.
QUEUE_READERS = {
    MODERATOR: {MODERATOR, CHILD_SAFETY, ADMIN},
    CHILD_SAFETY: {CHILD_SAFETY},
}


def check_roles(roles: list[str]) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise ValueError(f"roles must be among {', '.join(ROLES)}")
    return sorted(set(roles))


def may_read_queue(roles: frozenset[str], queue: str) -> bool:
    return bool(roles & QUEUE_READERS.get(queue, set()))


def readable_queues(roles: frozenset[str]) -> list[str]:
    return [q for q in QUEUE_READERS if may_read_queue(roles, q)]


def require(roles: frozenset[str], *any_of: str) -> None:
    if not roles & set(any_of):
        raise CauserieError("mod_forbidden")
