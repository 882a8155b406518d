"""Labelling conventions between neighbouring categories, applied after every other detector.

- Payment decides between `solicitation` and `sexual_explicit`: a paid offer is solicitation only.
"""

from __future__ import annotations

from causerie.screening.detectors.base import Evidence
from causerie.screening.normalise import Normalised
from causerie.screening.types import ScreenContext


class PrecedenceDetector:
    name = "precedence"

    def detect(self, n: Normalised, ctx: ScreenContext, evidence: Evidence) -> None:
        if evidence.rule_score("solicitation") >= 0.5 and "sexual_explicit" in evidence.hits:
            evidence.hits.pop("sexual_explicit")
            if evidence.model is not None:
                evidence.model["sexual_explicit"] = 0.0
