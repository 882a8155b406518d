"""Context for minors: sexual talk aimed at a minor is `sexual_minor`, never `sexual_explicit`.

Runs after the lexicons and the learned stage. When the message reaches a minor (a PM to someone
under 18, or a teen space) the sexual_explicit evidence is carried over to sexual_minor and the
sexual_explicit label dropped; an adult writing into a teen space or to a minor adds a small prior
to every grooming cue.
"""

from __future__ import annotations

from causerie.screening.detectors.base import Evidence
from causerie.screening.normalise import Normalised
from causerie.screening.types import ScreenContext


def carry_to_minor(model: dict[str, float]) -> None:
    """The learned stage's probabilities for a message that reaches a minor: sexual talk is
    `sexual_minor`, never `sexual_explicit` (also used by train.py on the tuning lines)."""
    if "sexual_explicit" in model:
        model["sexual_minor"] = max(model.get("sexual_minor", 0.0), model["sexual_explicit"])
        model["sexual_explicit"] = 0.0


class MinorContextDetector:
    name = "minors"

    def detect(self, n: Normalised, ctx: ScreenContext, evidence: Evidence) -> None:
        if not ctx.recipient_minor:
            return
        explicit = evidence.hits.pop("sexual_explicit", None)
        model = evidence.model
        if explicit:
            for hit in explicit:
                evidence.add("sexual_minor", hit.weight, hit.rule)
        if model is not None:
            carry_to_minor(model)
        if ctx.adult_to_minor and "sexual_minor" in evidence.hits:
            evidence.add("sexual_minor", 0.1, "minors:adult-to-minor")
