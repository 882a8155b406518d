"""The detector interface and the evidence a chain of detectors accumulates for one message."""

from __future__ import annotations

from typing import Protocol

from causerie.screening.normalise import Normalised
from causerie.screening.types import CATEGORIES, Hit, ScreenContext


class Evidence:
    """Hits collected for one message, the strongest pattern per category, and the learned stage's
    probabilities if it ran."""

    __slots__ = ("hits", "model", "patterns")

    def __init__(self) -> None:
        self.hits: dict[str, list[Hit]] = {}
        self.model: dict[str, float] | None = None
        self.patterns: dict[str, float] = {}

    def add(self, category: str, weight: float, rule: str) -> None:
        self.hits.setdefault(category, []).append(Hit(category, weight, rule))

    def add_pattern(self, category: str, weight: float, rule: str) -> None:
        """A hit from a structural pattern (a phone number, an e-mail, an app name next to a handle): it
        counts like any hit, and its weight is also kept apart, because such a pattern means the same
        thing whatever words surround it (engine.combine weighs it on its own)."""
        self.add(category, weight, rule)
        if weight > self.patterns.get(category, 0.0):
            self.patterns[category] = weight

    def extend(self, hits: dict[str, list[Hit]]) -> None:
        for category, found in hits.items():
            self.hits.setdefault(category, []).extend(found)

    def rule_score(self, category: str) -> float:
        """Sum of the category's hit weights, clamped to [0, 1]."""
        found = self.hits.get(category)
        if not found:
            return 0.0
        total = sum(h.weight for h in found)
        return 0.0 if total < 0.0 else 1.0 if total > 1.0 else total

    def rule_scores(self) -> dict[str, float]:
        return {c: self.rule_score(c) for c in CATEGORIES}

    def rules(self) -> tuple[str, ...]:
        return tuple(h.rule for found in self.hits.values() for h in found)


class Detector(Protocol):
    """One link of the chain: reads the normalised message and context, adds evidence."""

    name: str

    def detect(self, n: Normalised, ctx: ScreenContext, evidence: Evidence) -> None: ...
