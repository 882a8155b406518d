"""The learned stage (placeholder until a model is trained)."""

from __future__ import annotations


def load_model_detector() -> None:
    return None
