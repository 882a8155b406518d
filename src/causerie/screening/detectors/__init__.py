"""The ordered chain of detectors. The engine runs them in this order, each timed."""

from __future__ import annotations

from causerie.screening.detectors.base import Detector, Evidence
from causerie.screening.detectors.contact import ContactDetector
from causerie.screening.detectors.lexical import LexiconDetector
from causerie.screening.detectors.minors import MinorContextDetector
from causerie.screening.detectors.precedence import PrecedenceDetector

__all__ = ["Detector", "Evidence", "default_detectors"]


def default_detectors(with_model: bool = True) -> list[Detector]:
    chain: list[Detector] = [LexiconDetector(), ContactDetector()]
    if with_model:
        from causerie.screening.detectors.learned import load_model_detector

        model = load_model_detector()
        if model is not None:
            chain.append(model)
    chain.append(PrecedenceDetector())
    chain.append(MinorContextDetector())
    return chain
