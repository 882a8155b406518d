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

from causerie.screening import corpus, corpus_more
from causerie.screening.detectors import default_detectors
from causerie.screening.detectors.learned import MODEL_PATH
from causerie.screening.engine import Screener, combine
from causerie.screening.evaluation import context_for
from causerie.screening.features import features
from causerie.screening.normalise import normalise
from causerie.screening.types import CATEGORIES

ROOT = Path(__file__).resolve().parents[3]
TRAIN = ROOT / "data" / "screening" / "train.jsonl"
TUNE = ROOT / "data" / "screening" / "tune.jsonl"
EVAL_SETS = [ROOT / "data" / "screening" / "dev.jsonl", ROOT / "data" / "mlma-fr" / "mlma.jsonl"]
SEED = 7
EPOCHS = 6
L2 = 1e-5
PRUNE = 0.05
MIN_DF = 2
# Grid searched per category on the tuning set: the weight of the model's nudge to a rule score, and the
# probability from which the model labels alone (engine.combine).
WEIGHTS = (0.0, 0.2, 0.4, 0.6, 0.8)
ALONE = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.01)
# A category's tuned setting may not flag more than this share of the tuning set's benign lines.
MAX_FPR = 0.01


def _sigmoid(z: float) -> float:
    z = -30.0 if z < -30.0 else 30.0 if z > 30.0 else z
    return 1.0 / (1.0 + math.exp(-z))


def fit(rows: list[dict], feats: list[set[str]]) -> tuple[dict[str, list[float]], list[float]]:
    """One logistic regression per category over binary features, by plain SGD (pure Python, seeded).
    Examples already classified with confidence skip the update, which keeps this fast."""
    df: Counter[str] = Counter()
    for f in feats:
        df.update(f)
    vocab = sorted(f for f, n in df.items() if n >= MIN_DF)
    index = {f: i for i, f in enumerate(vocab)}
    xs = [sorted(index[x] for x in f if x in index) for f in feats]
    ys = [[1 if c in r["labels"] else 0 for c in CATEGORIES] for r in rows]
    w = [[0.0] * len(vocab) for _ in CATEGORIES]
    b = [0.0] * len(CATEGORIES)
    order = list(range(len(rows)))
    rng = random.Random(SEED)
    step = 0
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        lr = 0.5 / (1 + epoch)
        for k in order:
            x = xs[k]
            y = ys[k]
            step += 1
            for c in range(len(CATEGORIES)):
                wc = w[c]
                p = _sigmoid(sum(map(wc.__getitem__, x)) + b[c])
                g = p - y[c]
                if -0.02 < g < 0.02:
                    continue
                delta = lr * g
                for i in x:
                    wc[i] -= delta + L2 * wc[i]
                b[c] -= delta * 0.1
    weights = {f: [w[c][i] for c in range(len(CATEGORIES))] for f, i in index.items()}
    return weights, b


def raw_scores(weights: dict[str, list[float]], bias: list[float], f: set[str]) -> list[float]:
    vectors = [weights[x] for x in f if x in weights]
    sums = [sum(col) for col in zip(*vectors, strict=True)] if vectors else [0.0] * len(CATEGORIES)
    return [s + b for s, b in zip(sums, bias, strict=True)]


def platt(scores: list[float], targets: list[int]) -> tuple[float, float]:
    """Fit p = sigmoid(a*s + b) by gradient descent on the log loss."""
    a, b = 1.0, 0.0
    lr = 0.05
    for _ in range(300):
        ga = gb = 0.0
        for s, t in zip(scores, targets, strict=True):
            p = _sigmoid(a * s + b)
            ga += (p - t) * s
            gb += p - t
        a -= lr * ga / len(scores)
        b -= lr * gb / len(scores)
    return a, b


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def macro_f1(gold: list[set[str]], predicted: list[set[str]]) -> float:
    total = 0.0
    for c in CATEGORIES:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if c in g and c in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if c not in g and c in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if c in g and c not in p)
        total += f1(tp, fp, fn)
    return total / len(CATEGORIES)


def eval_texts() -> set[str]:
    """Normalised texts of the evaluation sets, only to keep them out of training and tuning."""
    texts: set[str] = set()
    for path in EVAL_SETS:
        if path.exists():
            with open(path, encoding="utf-8") as handle:
                texts.update(normalise(json.loads(line)["text"]).text for line in handle if line.strip())
    return texts


def drop_overlap(rows: list[dict], forbidden: set[str]) -> list[dict]:
    """Generated lines that happen to equal an evaluation line (short generic chat) are dropped."""
    return [r for r in rows if normalise(r["text"]).text not in forbidden]


def check_overlap(rows: list[dict]) -> None:
    clash = sum(1 for r in rows if normalise(r["text"]).text in eval_texts())
    if clash:
        raise SystemExit(f"{clash} training lines also appear in an evaluation set: refusing to train")


def tune_combination(gold: list[set[str]], rule_scores: list[dict[str, float]], probs: list[list[float]]
                     ) -> tuple[list[float], list[float]]:
    """Per category, the (weight, alone) of engine.combine with the best F1 on the tuning lines among
    settings that flag at most MAX_FPR of the benign tuning lines (ties: the simpler setting)."""
    benign = [i for i, g in enumerate(gold) if not g]
    weights, alones = [], []
    for ci, c in enumerate(CATEGORIES):
        best = (-1.0, 0.0, 1.01)
        for w in WEIGHTS:
            for a in ALONE:
                pred = [combine(rs[c], p[ci], w, a) >= 0.5 for rs, p in zip(rule_scores, probs, strict=True)]
                fp_benign = sum(1 for i in benign if pred[i])
                if benign and fp_benign / len(benign) > MAX_FPR:
                    continue
                tp = sum(1 for g, y in zip(gold, pred, strict=True) if y and c in g)
                fp = sum(1 for g, y in zip(gold, pred, strict=True) if y and c not in g)
                fn = sum(1 for g, y in zip(gold, pred, strict=True) if not y and c in g)
                score = f1(tp, fp, fn)
                if score > best[0] + 1e-9:
                    best = (score, w, a)
        weights.append(best[1])
        alones.append(best[2])
    return weights, alones


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main(argv: list[str] | None = None) -> int:
    more = corpus_more.generate()
    forbidden = eval_texts()
    rows = drop_overlap(corpus.generate() + more["train"], forbidden)
    tune = drop_overlap(more["tune"], forbidden)
    dropped = len(corpus.generate()) + len(more["train"]) + len(more["tune"]) - len(rows) - len(tune)
    print(f"{len(rows)} training lines, {len(tune)} tuning lines ({dropped} equal to an evaluation line dropped)")
    corpus.write(TRAIN, rows)
    corpus.write(TUNE, tune)
    norm = {id(r): normalise(r["text"]).text for r in rows + tune}
    feats = {id(r): features(norm[id(r)]) for r in rows + tune}

    # 1. Fit on the training lines only.
    weights, bias = fit(rows, [feats[id(r)] for r in rows])
    # 2. Calibrate and choose the combination with the rules on the held-out tuning lines (other
    #    templates than the training lines).
    tune_scores = [raw_scores(weights, bias, feats[id(r)]) for r in tune]
    scale, offset = [], []
    for i, c in enumerate(CATEGORIES):
        a, b = platt([s[i] for s in tune_scores], [int(c in r["labels"]) for r in tune])
        scale.append(round(a, 5))
        offset.append(round(b, 5))
    rules = Screener(detectors=default_detectors(with_model=False))
    gold = [set(r["labels"]) for r in tune]
    rule_scores = []
    for r in tune:
        ctx = context_for(r, rules)
        evidence = rules.evidence(r["text"], ctx)[0]
        rule_scores.append(rules.scores(evidence))
    probs = [[_sigmoid(scale[i] * s[i] + offset[i]) for i in range(len(CATEGORIES))] for s in tune_scores]
    cw, ca = tune_combination(gold, rule_scores, probs)
    predicted = [{c for i, c in enumerate(CATEGORIES) if combine(rs[c], p[i], cw[i], ca[i]) >= 0.5}
                 for rs, p in zip(rule_scores, probs, strict=True)]
    tuned = macro_f1(gold, predicted)
    model_alone = macro_f1(gold, [{c for i, c in enumerate(CATEGORIES) if p[i] >= 0.5} for p in probs])
    rules_only = macro_f1(gold, [{c for c in CATEGORIES if rs[c] >= 0.5} for rs in rule_scores])

    kept = {f: [round(x, 3) for x in w] for f, w in weights.items() if max(abs(x) for x in w) >= PRUNE}
    digest = hashlib.sha256(TRAIN.read_bytes()).hexdigest()[:16]
    model = {
        "version": 2,
        "categories": list(CATEGORIES),
        "bias": [round(b, 4) for b in bias],
        "calibration": {"scale": scale, "offset": offset},
        "combine": {"weight": cw, "alone": ca},
        "weights": dict(sorted(kept.items())),
        "meta": {"trained_on": "data/screening/train.jsonl", "tuned_on": "data/screening/tune.jsonl",
                 "train_sha256_16": digest, "lines": len(rows), "tune_lines": len(tune),
                 "tune_macro_f1": {"rules": round(rules_only, 4), "model": round(model_alone, 4),
                                   "rules+model": round(tuned, 4)},
                 "features": len(kept), "epochs": EPOCHS, "l2": L2, "min_df": MIN_DF, "seed": SEED},
    }
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(MODEL_PATH, "wb", mtime=0) as handle:
        handle.write(json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    print(json.dumps(model["meta"] | {"combine": model["combine"],
                                      "size_bytes": MODEL_PATH.stat().st_size}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
