"""Train the learned stage reproducibly from data in the repository.

    python -m causerie.screening.train        (what `make train-screening` runs)

1. Regenerate data/screening/train.jsonl from the templates of corpus.py (fixed seed).
2. Check that no training text appears in an evaluation set (dev.jsonl, MLMA).
3. Split the training lines 80/20 (fixed seed). Fit naive-Bayes log-count ratios on the 80 % and
   calibrate each category (Platt scaling) on the 20 %; report held-out macro F1 of the rules, the
   model and their combination (fixed a priori, COMBINE).
4. Refit the ratios on all training lines, keep the calibration and combination, prune small
   weights, and write src/causerie/screening/model/screening-model.json.gz.
Only train.jsonl is read for fitting; the evaluation sets are only read for the overlap check.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

from causerie.screening import corpus
from causerie.screening.detectors import default_detectors
from causerie.screening.detectors.learned import MODEL_PATH
from causerie.screening.engine import Screener, combine
from causerie.screening.evaluation import context_for
from causerie.screening.features import features
from causerie.screening.normalise import normalise
from causerie.screening.types import CATEGORIES

ROOT = Path(__file__).resolve().parents[3]
TRAIN = ROOT / "data" / "screening" / "train.jsonl"
EVAL_SETS = [ROOT / "data" / "screening" / "dev.jsonl", ROOT / "data" / "mlma-fr" / "mlma.jsonl"]
SEED = 7
ALPHA = 0.5
MIN_DF = 2
PRUNE = 0.25
# How the model's probability p meets the rule score r (engine.combine): r + 0.3 * (p - 0.5) when some
# rule fired, or p alone when p >= 0.95.
COMBINE = (0.3, 0.95)


def fit(rows: list[dict], feats: list[set[str]]) -> tuple[dict[str, list[float]], list[float]]:
    """Naive-Bayes log-count ratio per feature and category, binary presence counts."""
    n_pos = [0] * len(CATEGORIES)
    pos: list[Counter[str]] = [Counter() for _ in CATEGORIES]
    neg: list[Counter[str]] = [Counter() for _ in CATEGORIES]
    df: Counter[str] = Counter()
    for row, f in zip(rows, feats, strict=True):
        df.update(f)
        labels = set(row["labels"])
        for i, c in enumerate(CATEGORIES):
            if c in labels:
                n_pos[i] += 1
                pos[i].update(f)
            else:
                neg[i].update(f)
    vocab = [f for f, n in df.items() if n >= MIN_DF]
    weights: dict[str, list[float]] = {}
    bias: list[float] = []
    for i in range(len(CATEGORIES)):
        p_total = sum(pos[i][f] for f in vocab) + ALPHA * len(vocab)
        q_total = sum(neg[i][f] for f in vocab) + ALPHA * len(vocab)
        for f in vocab:
            r = math.log((pos[i][f] + ALPHA) / p_total) - math.log((neg[i][f] + ALPHA) / q_total)
            weights.setdefault(f, [0.0] * len(CATEGORIES))[i] = r
        n = len(rows)
        bias.append(math.log((n_pos[i] + 1) / (n - n_pos[i] + 1)))
    return weights, bias


def raw_scores(weights: dict[str, list[float]], bias: list[float], f: set[str]) -> list[float]:
    vectors = [weights[x] for x in f if x in weights]
    sums = [sum(col) for col in zip(*vectors, strict=True)] if vectors else [0.0] * len(CATEGORIES)
    return [s + b for s, b in zip(sums, bias, strict=True)]


def platt(scores: list[float], targets: list[int]) -> tuple[float, float]:
    """Fit p = sigmoid(a*s + b) by gradient descent on the log loss."""
    a, b = 0.1, 0.0
    lr = 0.05
    for _ in range(400):
        ga = gb = 0.0
        for s, t in zip(scores, targets, strict=True):
            z = max(-30.0, min(30.0, a * s + b))
            p = 1.0 / (1.0 + math.exp(-z))
            ga += (p - t) * s
            gb += p - t
        a -= lr * ga / len(scores)
        b -= lr * gb / len(scores)
    return a, b


def macro_f1(gold: list[set[str]], predicted: list[set[str]]) -> float:
    total = 0.0
    for c in CATEGORIES:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if c in g and c in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if c not in g and c in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if c in g and c not in p)
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / len(CATEGORIES)


def check_overlap(rows: list[dict]) -> None:
    texts = {normalise(r["text"]).text for r in rows}
    for path in EVAL_SETS:
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as handle:
            clash = sum(1 for line in handle if line.strip() and normalise(json.loads(line)["text"]).text in texts)
        if clash:
            raise SystemExit(f"{clash} training lines also appear in {path.name}: refusing to train")


def main(argv: list[str] | None = None) -> int:
    rows = corpus.generate()
    corpus.write(TRAIN, rows)
    check_overlap(rows)
    rng = random.Random(SEED)
    order = list(range(len(rows)))
    rng.shuffle(order)
    cut = int(len(rows) * 0.8)
    fit_rows = [rows[i] for i in order[:cut]]
    held = [rows[i] for i in order[cut:]]
    norm = {id(r): normalise(r["text"]).text for r in rows}
    feats = {id(r): features(norm[id(r)]) for r in rows}

    weights, bias = fit(fit_rows, [feats[id(r)] for r in fit_rows])
    held_scores = [raw_scores(weights, bias, feats[id(r)]) for r in held]
    scale, offset = [], []
    for i, c in enumerate(CATEGORIES):
        a, b = platt([s[i] for s in held_scores], [int(c in r["labels"]) for r in held])
        scale.append(round(a, 5))
        offset.append(round(b, 5))

    # Choose the combination on the held-out lines, rules evaluated in the same contexts.
    rules = Screener(detectors=default_detectors(with_model=False))
    gold = [set(r["labels"]) for r in held]
    rule_scores = [rules.scores(rules.evidence(r["text"], context_for(r, rules))[0]) for r in held]
    probs = [[1 / (1 + math.exp(-max(-30, min(30, scale[i] * s[i] + offset[i])))) for i in range(len(CATEGORIES))]
             for s in held_scores]
    # The lexicon weights were tuned on all training lines, so this split cannot choose the
    # combination fairly: it is fixed a priori (COMBINE) and only reported here.
    predicted = [{c for i, c in enumerate(CATEGORIES) if combine(rs[c], p[i], *COMBINE) >= 0.5}
                 for rs, p in zip(rule_scores, probs, strict=True)]
    model_alone = macro_f1(gold, [{c for i, c in enumerate(CATEGORIES) if p[i] >= 0.5} for p in probs])
    best = (macro_f1(gold, predicted), *COMBINE)
    rules_only = macro_f1(gold, [{c for c in CATEGORIES if rs[c] >= 0.5} for rs in rule_scores])

    weights, bias = fit(rows, [feats[id(r)] for r in rows])
    kept = {f: [round(x, 3) for x in w] for f, w in weights.items() if max(abs(x) for x in w) >= PRUNE}
    digest = hashlib.sha256(TRAIN.read_bytes()).hexdigest()[:16]
    model = {
        "version": 1,
        "categories": list(CATEGORIES),
        "bias": [round(b, 4) for b in bias],
        "calibration": {"scale": scale, "offset": offset},
        "combine": {"weight": best[1], "alone": best[2]},
        "weights": dict(sorted(kept.items())),
        "meta": {"trained_on": "data/screening/train.jsonl", "train_sha256_16": digest, "lines": len(rows),
                 "held_out_macro_f1": {"rules": round(rules_only, 4), "model": round(model_alone, 4),
                                       "rules+model": round(best[0], 4)},
                 "features": len(kept), "alpha": ALPHA, "min_df": MIN_DF, "seed": SEED},
    }
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(MODEL_PATH, "wb", mtime=0) as handle:
        handle.write(json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    print(json.dumps(model["meta"] | {"combine": model["combine"],
                                      "size_bytes": MODEL_PATH.stat().st_size}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
