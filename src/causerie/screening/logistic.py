"""The two functions every logistic piece of screening shares (the learned stage, its combination with
the rules, training), clamped so that no input overflows."""

from __future__ import annotations

import math


def sigmoid(z: float) -> float:
    z = -30.0 if z < -30.0 else 30.0 if z > 30.0 else z
    return 1.0 / (1.0 + math.exp(-z))


def logit(p: float) -> float:
    p = 1e-4 if p < 1e-4 else 0.9999 if p > 0.9999 else p
    return math.log(p / (1.0 - p))
