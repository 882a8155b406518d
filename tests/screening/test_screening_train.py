"""How train.py chooses the combination and thresholds: best F1 per category, then raised until no
more than MAX_FPR of the benign tuning lines get any label."""

from __future__ import annotations

import random

import pytest

from causerie.screening import train
from causerie.screening.engine import combine
from causerie.screening.train import MAX_FPR, WALK_EXEMPT, tune_stack
from causerie.screening.types import CATEGORIES


def _lines(n: int, noise: float, exempt_noise: float | None = None
           ) -> tuple[list[set[str]], list[dict[str, float]], list[list[float]], list[dict[str, float]]]:
    """Synthetic tuning lines: each category on 8 % of lines; a rule that fires on most of them and on
    a few others; a model probability that leans the right way with gaussian noise (`exempt_noise` for
    the categories the walk never raises)."""
    noises = [exempt_noise if exempt_noise is not None and c in WALK_EXEMPT else noise for c in CATEGORIES]
    rng = random.Random(5)
    gold, rules, probs, patterns = [], [], [], []
    for _ in range(n):
        g = {c for c in CATEGORIES if rng.random() < 0.08}
        gold.append(g)
        rules.append({c: rng.random() if (c in g and rng.random() < 0.7) or rng.random() < 0.05 else 0.0
                      for c in CATEGORIES})
        probs.append([min(0.999, max(0.001, (0.7 if c in g else 0.25) + rng.gauss(0, sd)))
                      for c, sd in zip(CATEGORIES, noises, strict=True)])
        patterns.append({})
    return gold, rules, probs, patterns


def _flagged_benign(gold: list[set[str]], rules: list[dict[str, float]], probs: list[list[float]],
                    stacks: list[list[float]]) -> float:
    benign = [i for i, g in enumerate(gold) if not g]
    flagged = sum(1 for i in benign
                  if any(combine(rules[i][c], probs[i][ci], stacks[ci]) >= 0.5 for ci, c in enumerate(CATEGORIES)))
    return flagged / len(benign)


def test_thresholds_are_raised_until_benign_lines_are_spared() -> None:
    # The exempt categories keep their best-F1 thresholds, so here they are nearly separable and the
    # others carry the walk.
    gold, rules, probs, patterns = _lines(3000, noise=0.25, exempt_noise=0.05)
    stacks = tune_stack(gold, rules, probs, patterns)
    assert len(stacks) == len(CATEGORIES) and all(len(s) == 5 for s in stacks)
    assert _flagged_benign(gold, rules, probs, stacks) <= MAX_FPR


def test_well_separated_lines_are_labelled_as_their_gold() -> None:
    gold, rules, probs, patterns = _lines(2000, noise=0.05)
    stacks = tune_stack(gold, rules, probs, patterns)
    predicted = [{c for ci, c in enumerate(CATEGORIES) if combine(r[c], p[ci], stacks[ci]) >= 0.5}
                 for r, p in zip(rules, probs, strict=True)]
    # Thresholds are candidate scores rounded to 3 decimals, so a line right at the edge can fall on
    # either side; nearly every line is labelled as its gold.
    wrong = sum(1 for p, g in zip(predicted, gold, strict=True) if p != g)
    assert wrong <= len(gold) * 0.005


def test_the_walk_never_raises_an_exempt_category(monkeypatch: pytest.MonkeyPatch) -> None:
    gold, rules, probs, patterns = _lines(3000, noise=0.25)
    walked = tune_stack(gold, rules, probs, patterns)
    monkeypatch.setattr(train, "MAX_FPR", 1.0)  # no walk: every category at its best-F1 threshold
    best = tune_stack(gold, rules, probs, patterns)
    exempt = [ci for ci, c in enumerate(CATEGORIES) if c in WALK_EXEMPT]
    assert exempt and all(walked[ci] == best[ci] for ci in exempt)
    assert any(walked[ci] != best[ci] for ci in range(len(CATEGORIES)) if ci not in exempt)


def test_companion_thresholds_add_second_labels_only_to_labelled_lines() -> None:
    h, t = CATEGORIES.index("harassment"), CATEGORIES.index("threat")

    def scores(harassment: float, threat: float) -> list[float]:
        row = [0.0] * len(CATEGORIES)
        row[h], row[t] = harassment, threat
        return row

    # Two threats that are also harassment score 0.4 and 0.35 for harassment; a threat that is not, 0.3;
    # a harassment line nothing else labels, 0.45. The best companion threshold takes the first two.
    combined = [scores(0.4, 0.9), scores(0.3, 0.8), scores(0.35, 0.9), scores(0.9, 0.1), scores(0.45, 0.1)]
    gold = [{"harassment", "threat"}, {"threat"}, {"harassment", "threat"}, {"harassment"}, {"harassment"}]
    alone = [{c for i, c in enumerate(CATEGORIES) if s[i] >= 0.5} for s in combined]
    companion = train.tune_companions(gold, combined, alone)
    assert companion["harassment"] == 0.35
    assert companion["threat"] == 0.5  # nothing to gain: threat's labels are all given at 0.5
    predicted = train.with_companions(combined, alone, companion)
    assert predicted == [gold[0], {"threat"}, gold[2], {"harassment"}, set()]
    assert train.macro_f1(gold, predicted) > train.macro_f1(gold, alone)
