"""The learned stage's second half: a small neural network over the same features as the logistic
regression (features.py) that can combine words the linear model can only add up.

One hidden layer of `HIDDEN` rectified units: the hidden layer is the sum of one learned row per feature
present (an embedding bag) plus a bias, and each category's logit is a weighted sum of the rectified
hidden units. A veiled threat is words that are each innocent ("je sais", "où", "tu habites"); a unit that
fires only when several of them meet is what the linear model lacks.

Inference is pure Python (`Network.forward`): the rows are stored as signed bytes with one scale, so the
model stays small on disk and in memory, and a message's hidden layer is one sum of integers. Training
(`fit_network`) uses numpy, which `make train-screening` installs; the server never imports it.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Sequence
from operator import mul
from typing import Any

HIDDEN = 32
EPOCHS = 8
BATCH = 256
LEARNING_RATE = 1e-3
L2 = 1e-4
SEED = 11

# The regression's weights ride in the same integers (Network `linear`): they are stored to three
# decimals, so thousandths are exact, and shifted by LINEAR_OFFSET to stay positive (|weight| < 32.768).
LINEAR_UNIT = 1000
LINEAR_OFFSET = 1 << 15
FIELD_BYTES = 4


class Network:
    """A trained network, read from the model file's `network` section.

    Each feature's row is kept as one Python integer of 32-bit fields: a 1 (so the sum counts the
    features present), then, when the learned stage passes its regression's weights as `linear`, those
    weights (in thousandths plus LINEAR_OFFSET), then its HIDDEN values (stored signed bytes plus 128).
    A message's hidden layer and regression sums are then one `sum()` of integers, whatever the number
    of features, unpacked once; a field cannot overflow below 65,536 features in one message."""

    def __init__(self, data: dict[str, Any], linear: dict[str, list[float]] | None = None) -> None:
        self.hidden: int = data["hidden"]
        self.scale: float = data["scale"]
        self.bias: list[float] = data["bias"]
        self.out: list[list[float]] = data["out"]  # per category, one weight per hidden unit
        self.out_bias: list[float] = data["out_bias"]
        linear = linear or {}
        self.linear: int = len(next(iter(linear.values()))) if linear else 0
        self.width = 1 + self.linear + self.hidden
        signed = memoryview(base64.b64decode(data["rows"])).cast("b")
        index = {f: i for i, f in enumerate(data["features"])}
        h, k = self.hidden, self.linear
        no_row = [128] * h
        no_weights = [LINEAR_OFFSET] * k
        pack_row = struct.Struct(f"<{self.width}I").pack
        rows: dict[str, int] = {}
        for f in index.keys() | linear.keys():
            i = index.get(f)
            weights = linear.get(f)
            if weights is not None and max(abs(w) for w in weights) * LINEAR_UNIT >= LINEAR_OFFSET:
                raise ValueError(f"regression weight out of range for feature {f!r}")
            values = ([1] + ([LINEAR_OFFSET + round(w * LINEAR_UNIT) for w in weights] if weights is not None
                             else no_weights)
                      + ([v + 128 for v in signed[i * h:(i + 1) * h]] if i is not None else no_row))
            rows[f] = int.from_bytes(pack_row(*values), "little")
        self.rows = rows

    def forward(self, feats: set[str]) -> tuple[list[float], list[float]]:
        """The sums of the regression's weights (empty without `linear`) and one logit per category."""
        # A row's first field is 1, so no row is 0 and `filter(None, …)` keeps exactly the features present.
        total = sum(filter(None, map(self.rows.get, feats)))
        fields = memoryview(total.to_bytes(FIELD_BYTES * self.width, "little")).cast("I")
        n = fields[0]
        k = 1 + self.linear
        linear = [(v - n * LINEAR_OFFSET) / LINEAR_UNIT for v in fields[1:k]]
        offset = 128 * n
        scale = self.scale
        units = [u if (u := (v - offset) * scale + b) > 0.0 else 0.0
                 for v, b in zip(fields[k:], self.bias, strict=True)]
        return linear, [sum(map(mul, units, ws)) + b for ws, b in zip(self.out, self.out_bias, strict=True)]

    def logits(self, feats: set[str]) -> list[float]:
        """One logit per category for a message's features."""
        return self.forward(feats)[1]


def fit_network(xs: Sequence[Sequence[int]], ys: Sequence[Sequence[int]], n_features: int,
                seed: int = SEED, epochs: int = EPOCHS) -> dict[str, Any]:
    """Fit the network by minibatch Adam on the summed log loss of every category, with a small L2
    penalty (only the rows a batch touches move, as in lazy Adam). `xs` are each line's feature ids,
    `ys` its 0/1 targets per category. Returns the float weights (numpy arrays) that `pack` stores."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n_out = len(ys[0])
    lengths = np.array([len(x) for x in xs], dtype=np.int64)
    flat = np.array([i for x in xs for i in x], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    y = np.array(ys, dtype=np.float64)
    bound = (6.0 / (n_features + HIDDEN)) ** 0.5
    emb = rng.uniform(-bound, bound, (n_features, HIDDEN))
    bias = rng.uniform(-bound, bound, HIDDEN)
    bound2 = (6.0 / (HIDDEN + n_out)) ** 0.5
    out = rng.uniform(-bound2, bound2, (HIDDEN, n_out))
    out_bias = rng.uniform(-bound2, bound2, n_out)
    params = [emb, bias, out, out_bias]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    t = 0
    n = len(xs)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, BATCH):
            batch = order[start:start + BATCH]
            size = len(batch)
            counts = lengths[batch]
            ids = np.concatenate([flat[starts[k]:starts[k] + lengths[k]] for k in batch])
            owner = np.repeat(np.arange(size), counts)
            pre = np.zeros((size, HIDDEN))
            np.add.at(pre, owner, emb[ids])
            pre += bias
            units = np.maximum(pre, 0.0)
            p = 1.0 / (1.0 + np.exp(-(units @ out + out_bias)))
            dz = (p - y[batch]) / size
            grads_small = [None, None, units.T @ dz + L2 * out / size, dz.sum(axis=0)]
            dh = (dz @ out.T) * (pre > 0.0)
            grads_small[1] = dh.sum(axis=0)
            rows, inverse = np.unique(ids, return_inverse=True)
            g_rows = np.zeros((len(rows), HIDDEN))
            np.add.at(g_rows, inverse, dh[owner])
            g_rows += L2 * emb[rows] / size
            t += 1
            lr = LEARNING_RATE * (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t)
            m[0][rows] = beta1 * m[0][rows] + (1 - beta1) * g_rows
            v[0][rows] = beta2 * v[0][rows] + (1 - beta2) * g_rows ** 2
            emb[rows] -= lr * m[0][rows] / (np.sqrt(v[0][rows]) + eps)
            for k in (1, 2, 3):
                m[k] = beta1 * m[k] + (1 - beta1) * grads_small[k]
                v[k] = beta2 * v[k] + (1 - beta2) * grads_small[k] ** 2
                params[k] -= lr * m[k] / (np.sqrt(v[k]) + eps)
    return {"emb": emb, "bias": bias, "out": out, "out_bias": out_bias}


def pack(weights: dict[str, Any], features: Sequence[str]) -> dict[str, Any]:
    """The model file's `network` section: the rows as signed bytes with one scale (the largest weight
    maps to 127), the small layers as rounded floats."""
    import numpy as np

    emb = weights["emb"]
    scale = float(np.abs(emb).max()) / 127.0 or 1.0
    q = np.clip(np.rint(emb / scale), -127, 127).astype(np.int8)
    return {"hidden": HIDDEN, "features": list(features), "scale": round(scale, 8),
            "rows": base64.b64encode(q.tobytes()).decode("ascii"),
            "bias": [round(float(b), 5) for b in weights["bias"]],
            "out": [[round(float(w), 5) for w in col] for col in weights["out"].T],
            "out_bias": [round(float(b), 5) for b in weights["out_bias"]]}
