"""The learned stage's network (network.py): it learns a conjunction that a sum of word weights cannot,
and the packed form the server reads gives the logits of the weights it was packed from, and the
regression's sums when its weights ride in the same rows."""

from __future__ import annotations

import numpy as np
import pytest

from causerie.screening.detectors.learned import LearnedDetector
from causerie.screening.network import HIDDEN, Network, fit_network, pack
from causerie.screening.types import CATEGORIES


def _xor_lines() -> tuple[list[list[int]], list[list[int]]]:
    """Features 0 and 1 ("je sais", "où tu habites"): the label is on when exactly one is present for
    output 0, and only when both are for output 1 (a linear model separates the second, not the first).
    Feature 2 is on every line (as `@pm` is)."""
    xs, ys = [], []
    for a in (0, 1):
        for b in (0, 1):
            for _ in range(300):
                xs.append([2] + ([0] if a else []) + ([1] if b else []))
                ys.append([int(a != b), int(a and b)])
    return xs, ys


def _forward(weights: dict, ids: list[int]) -> np.ndarray:
    pre = weights["emb"][np.array(ids, dtype=int)].sum(axis=0) + weights["bias"]
    return np.maximum(pre, 0.0) @ weights["out"] + weights["out_bias"]


def test_the_network_learns_what_no_sum_of_word_weights_can() -> None:
    xs, ys = _xor_lines()
    # A few lines and many epochs: the same number of steps as one epoch of the real corpus.
    net = Network(pack(fit_network(xs, ys, 3, seed=3, epochs=300), ["je_sais", "ou_tu_habites", "@pm"]))
    exactly_one = [net.logits({"@pm", "je_sais"})[0], net.logits({"@pm", "ou_tu_habites"})[0]]
    none_or_both = [net.logits({"@pm"})[0], net.logits({"@pm", "je_sais", "ou_tu_habites"})[0]]
    assert min(exactly_one) > 0.0 > max(none_or_both)
    assert net.logits({"@pm", "je_sais", "ou_tu_habites"})[1] > 0.0 > net.logits({"@pm", "je_sais"})[1]


def test_packed_rows_give_the_logits_of_the_float_weights() -> None:
    rng = np.random.default_rng(1)
    n_features = 50
    weights = {"emb": rng.normal(0, 0.3, (n_features, HIDDEN)), "bias": rng.normal(0, 0.1, HIDDEN),
               "out": rng.normal(0, 0.5, (HIDDEN, 9)), "out_bias": rng.normal(0, 0.1, 9)}
    names = [f"w{i}" for i in range(n_features)]
    net = Network(pack(weights, names))
    for ids in ([], [3], [0, 7, 9, 21, 49], list(range(40))):
        got = net.logits({names[i] for i in ids} | {"never-seen"})
        want = _forward(weights, ids)
        # Rows are stored as signed bytes: the error is at most half a step per row and unit.
        step = np.abs(weights["emb"]).max() / 127
        bound = 0.5 * step * max(1, len(ids)) * np.abs(weights["out"]).sum(axis=0) + 1e-4
        assert np.all(np.abs(np.array(got) - want) <= bound)


def test_the_regression_rides_in_the_same_rows() -> None:
    rng = np.random.default_rng(2)
    weights = {"emb": rng.normal(0, 0.3, (3, HIDDEN)), "bias": rng.normal(0, 0.1, HIDDEN),
               "out": rng.normal(0, 0.5, (HIDDEN, 9)), "out_bias": rng.normal(0, 0.1, 9)}
    packed = pack(weights, ["a", "b", "c"])
    # The regression's weights as the model file stores them (three decimals); "d" has no network row,
    # "c" no regression weights.
    linear = {"a": [round(x, 3) for x in rng.normal(0, 2, 9)], "b": [-11.847] + [0.001] * 8,
              "d": [round(x, 3) for x in rng.normal(0, 2, 9)]}
    net = Network(packed, linear=linear)
    plain = Network(packed)
    for feats in ({"a", "b", "c", "d", "zzz"}, {"d"}, {"c"}, set()):
        sums, logits = net.forward(feats)
        want = [sum(linear[f][i] for f in feats if f in linear) for i in range(9)]
        assert np.allclose(sums, want, atol=1e-9)
        assert logits == plain.logits(feats)
    with pytest.raises(ValueError):
        Network(packed, linear={"a": [40.0] * 9})


def test_a_model_without_a_network_scores_as_the_packed_regression() -> None:
    # A version-4 model (no network) sums its regression weights apart; with a network, the same weights
    # ride in the network's rows. A network that says nothing (zero output weights, calibration weight 0)
    # must leave the probabilities exactly as the regression alone gives them.
    rng = np.random.default_rng(4)
    names = ["a", "b", "c", "d"]
    linear = {f: [round(x, 3) for x in rng.normal(0, 1.5, 9)] for f in names[:3]}
    v4 = {"categories": list(CATEGORIES), "weights": linear, "bias": [round(x, 4) for x in rng.normal(0, 1, 9)],
          "calibration": {"scale": [0.9] * 9, "offset": [-0.2] * 9}, "stack": [[1.0, 1.0, 0.0, 0.0, 0.0]] * 9}
    silent = pack({"emb": rng.normal(0, 0.3, (4, HIDDEN)), "bias": rng.normal(0, 0.1, HIDDEN),
                   "out": np.zeros((HIDDEN, 9)), "out_bias": np.zeros(9)}, names)
    v5 = v4 | {"network": silent, "calibration": v4["calibration"] | {"network": [0.0] * 9}}
    old, new = LearnedDetector(v4), LearnedDetector(v5)
    assert old.network is None and new.network is not None
    for text in (" a b ", " c d e ", " zzz ", " a b c d "):
        want, got = old.probabilities(text), new.probabilities(text)
        assert all(abs(want[c] - got[c]) < 1e-12 for c in CATEGORIES), (text, want, got)
    assert old.probabilities(" a b ") != old.probabilities(" zzz ")
