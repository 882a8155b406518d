"""Shared types of the screening engine: categories, context, hits and verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

CATEGORIES: tuple[str, ...] = ("sexual_minor", "solicitation", "drugs", "hate", "harassment", "threat",
                               "scam", "contact", "sexual_explicit")
ACTIONS: tuple[str, ...] = ("allow", "flag", "hold", "shadow", "block")
# Which action wins when several categories fire (higher wins).
SEVERITY = {"allow": 0, "flag": 1, "hold": 2, "shadow": 3, "block": 4}
ADULT_AGE = 18

Where = Literal["room", "pm"]
Band = Literal["teen", "adult"]
Action = Literal["allow", "flag", "hold", "block", "shadow"]


@dataclass(frozen=True, slots=True)
class ScreenContext:
    """Where a message goes and who is talking: declared ages of sender and recipient (PM)."""

    where: Where = "room"
    band: Band = "adult"
    sender_age: int = ADULT_AGE
    recipient_age: int | None = None
    room: str | None = None
    explicit_allowed: bool = False

    @property
    def sender_adult(self) -> bool:
        return self.sender_age >= ADULT_AGE

    @property
    def recipient_minor(self) -> bool:
        """The message reaches a minor: a PM to someone under 18, or any message in the teen band."""
        if self.recipient_age is not None:
            return self.recipient_age < ADULT_AGE
        return self.band == "teen"

    @property
    def adult_to_minor(self) -> bool:
        """An adult (by declared age) writing to a minor, or into a teen space."""
        return self.sender_adult and self.recipient_minor

    @property
    def space(self) -> str:
        """The policy column: teen, adult, or adult_explicit (an adult space that allows explicit talk)."""
        if self.band == "teen":
            return "teen"
        return "adult_explicit" if self.explicit_allowed else "adult"

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None, explicit_rooms: frozenset[str] = frozenset(),
                     teen_rooms: frozenset[str] = frozenset()) -> ScreenContext:
        """Build a context from the JSONL `context` object of the command line.

        The band is teen when either party is under 18 or the room is a teen room; adult rooms that
        allow explicit talk are named in the policy file.
        """
        data = data or {}
        sender = int(data.get("sender_age") or ADULT_AGE)
        recipient = data.get("recipient_age")
        recipient = int(recipient) if recipient is not None else None
        room = data.get("room")
        where = "pm" if data.get("where") == "pm" else "room"
        minor = sender < ADULT_AGE or (recipient is not None and recipient < ADULT_AGE)
        band = data.get("band") or ("teen" if minor or (room in teen_rooms) else "adult")
        explicit = bool(data.get("explicit_allowed", room in explicit_rooms)) and band == "adult"
        return cls(where=where, band=band, sender_age=sender, recipient_age=recipient, room=room,
                   explicit_allowed=explicit)


@dataclass(frozen=True, slots=True)
class Hit:
    """One piece of evidence from a detector: a category, a signed weight and the rule that fired."""

    category: str
    weight: float
    rule: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The engine's answer for one message."""

    labels: tuple[str, ...]
    scores: dict[str, float]
    action: Action
    category: str | None = None
    reason: dict[str, str] | None = None
    open_case: bool = False
    code: str | None = None
    rules: tuple[str, ...] = field(default=())
    errors: tuple[str, ...] = field(default=())

    @property
    def delivered(self) -> bool:
        return self.action in ("allow", "flag")
