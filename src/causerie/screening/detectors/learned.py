"""The learned stage: per category, a logistic regression over words, word prefixes, word pairs and the
message's context (features.py) and a small neural network over the same features (network.py), their
two scores calibrated together into one probability. Pure Python at inference; the weights ship in
`model/screening-model.json.gz` (built by `make train-screening`, see train.py)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from causerie.screening.detectors.base import Evidence
from causerie.screening.features import features
from causerie.screening.logistic import sigmoid
from causerie.screening.network import Network
from causerie.screening.normalise import Normalised
from causerie.screening.types import ScreenContext

MODEL_PATH = Path(__file__).resolve().parent.parent / "model" / "screening-model.json.gz"


class LearnedDetector:
    name = "model"

    def __init__(self, data: dict) -> None:
        self.categories: list[str] = data["categories"]
        self.bias: list[float] = data["bias"]
        self.scale: list[float] = data["calibration"]["scale"]
        self.offset: list[float] = data["calibration"]["offset"]
        # Models before the network (version 4) have neither the section nor its calibration weights.
        # With a network, the regression's weights are packed into the network's rows (one look-up and
        # one sum per message serve both; network.py) and not kept apart.
        weights: dict[str, list[float]] = data["weights"]
        self.network: Network | None = Network(data["network"], linear=weights) if "network" in data else None
        self.weights: dict[str, list[float]] = weights if self.network is None else {}
        self.network_weight: list[float] = data["calibration"].get("network", [0.0] * len(self.categories))
        # Per category, how its probability meets the rule score (engine.combine).
        self.stack: dict[str, list[float]] = dict(zip(self.categories, data["stack"], strict=True))
        # Per category, the lower threshold a line that already has a label needs for this one as well
        # (engine.Screener.screen); models before the fifteenth engine have none.
        self.companion: dict[str, float] = dict(data.get("companion", {}))
        self.meta: dict = data.get("meta", {})

    def probabilities(self, text: str, ctx: ScreenContext | None = None, rules: tuple[str, ...] = ()
                      ) -> dict[str, float]:
        feats = features(text, ctx, rules)
        if self.network is not None:
            sums, hidden = self.network.forward(feats)
        else:
            weights = self.weights
            vectors = [v for f in feats if (v := weights.get(f)) is not None]
            sums = [sum(col) for col in zip(*vectors, strict=True)] if vectors else [0.0] * len(self.categories)
            hidden = [0.0] * len(self.categories)
        out: dict[str, float] = {}
        for i, category in enumerate(self.categories):
            out[category] = sigmoid(self.scale[i] * (sums[i] + self.bias[i]) + self.network_weight[i] * hidden[i]
                                    + self.offset[i])
        return out

    def detect(self, n: Normalised, ctx: ScreenContext, evidence: Evidence) -> None:
        evidence.model = self.probabilities(n.text, ctx, evidence.rules())


def load_model_detector(path: Path = MODEL_PATH) -> LearnedDetector | None:
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return LearnedDetector(json.load(handle))
