"""The lexicon detector: every category's term list, matched in one pass (see lexicon.py)."""

from __future__ import annotations

from causerie.screening.detectors.base import Evidence
from causerie.screening.lexicon import Lexicons
from causerie.screening.normalise import Normalised
from causerie.screening.types import ScreenContext


class LexiconDetector:
    name = "lexicon"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lexicons = lexicons if lexicons is not None else Lexicons()

    def detect(self, n: Normalised, ctx: ScreenContext, evidence: Evidence) -> None:
        evidence.extend(self.lexicons.match(n, ctx))
