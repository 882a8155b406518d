"""Train the learned stage reproducibly from data in the repository.

    python -m causerie.screening.train [--errors]     (what `make train-screening` runs)

1. Regenerate data/screening/train.jsonl and tune.jsonl from the templates of corpus.py and
   corpus_more.py (fixed seed), and read the hand-written sets of data/screening/written/ (one file per
   writer). Any line whose normalised text equals a line of an evaluation set (dev.jsonl,
   holdout/holdout.jsonl, MLMA) is dropped.
2. Leave writers out: split the writers into FOLDS groups; for each group, fit the logistic regression
   and the network (network.py) on the templates and the other groups, and score that group's lines. On
   these out-of-writer scores, calibrate each category (a logistic regression on the linear model's
   score and the network's logit), fit how the model meets the rules (engine.combine, a 5-coefficient
   logistic regression per category) and choose the thresholds (best F1, raised until at most MAX_FPR of
   the benign lines are labelled; sexual_minor's is never raised), then each category's companion
   threshold, for a line that already has another label. `--errors` prints the lines these scores get
   wrong (training data only).
3. Fit on every line, keep the calibration and combination, prune small weights, and write
   src/causerie/screening/model/screening-model.json.gz.
The evaluation sets are only read for the overlap check, never fitted or tuned on.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import random
import sys
from bisect import bisect_left
from collections import Counter
from pathlib import Path

from causerie.screening import corpus, corpus_more
from causerie.screening import network as net_params
from causerie.screening.detectors import Evidence, default_detectors
from causerie.screening.detectors.contact import ContactDetector
from causerie.screening.detectors.learned import MODEL_PATH
from causerie.screening.detectors.lexical import LexiconDetector
from causerie.screening.detectors.minors import carry_to_minor
from causerie.screening.engine import Screener, combine
from causerie.screening.evaluation import context_for
from causerie.screening.features import features
from causerie.screening.logistic import logit, sigmoid
from causerie.screening.network import Network, fit_network, pack
from causerie.screening.normalise import normalise
from causerie.screening.types import CATEGORIES

ROOT = Path(__file__).resolve().parents[3]
TRAIN = ROOT / "data" / "screening" / "train.jsonl"
TUNE = ROOT / "data" / "screening" / "tune.jsonl"
WRITTEN = ROOT / "data" / "screening" / "written"
EVAL_SETS = [ROOT / "data" / "screening" / "dev.jsonl", ROOT / "data" / "screening" / "holdout" / "holdout.jsonl",
             ROOT / "data" / "mlma-fr" / "mlma.jsonl"]
SEED = 7
EPOCHS = 6
L2 = 1e-5
PRUNE = 0.05
MIN_DF = 2
# The network reads the features seen on at least this many lines (fewer rows to learn and to ship).
NET_MIN_DF = 3
# The tuned thresholds together may not flag more than this share of the tuning lines that are benign.
MAX_FPR = 0.02
# Categories whose threshold the FPR walk never raises: a missed grooming message costs more than any
# false positive (product.md puts minors first), and the walk, which weighs every category's F1 alike,
# once raised sexual_minor's threshold until "t'as quel âge ?" from an adult to a 15-year-old passed.
WALK_EXEMPT = frozenset({"sexual_minor"})
# The lowest companion threshold (tune_companions): below it a second label is noise.
COMPANION_FLOOR = 0.15
# Writers are left out in this many groups (every FOLDS-th writer in name order), so that training time
# stops growing with the number of writers while each fold still learns from nearly all of them.
FOLDS = 15
# The out-of-writer table is printed again for the lines of at least this many characters (matching view):
# long messages, where one harmful sentence among ordinary ones is the engine's known weakness.
LONG_MESSAGE = 100


def encode(rows: list[dict], feats: list[set[str]], min_df: int
           ) -> tuple[list[str], list[list[int]], list[list[int]]]:
    """The features seen on at least `min_df` of these lines (sorted), each line's feature ids, and its
    0/1 target per category."""
    df: Counter[str] = Counter()
    for f in feats:
        df.update(f)
    vocab = sorted(f for f, n in df.items() if n >= min_df)
    index = {f: i for i, f in enumerate(vocab)}
    xs = [sorted(index[x] for x in f if x in index) for f in feats]
    ys = [[1 if c in r["labels"] else 0 for c in CATEGORIES] for r in rows]
    return vocab, xs, ys


def fit(rows: list[dict], feats: list[set[str]]) -> tuple[dict[str, list[float]], list[float]]:
    """One logistic regression per category over binary features, by plain SGD (pure Python, seeded).
    Examples already classified with confidence skip the update, which keeps this fast."""
    vocab, xs, ys = encode(rows, feats, MIN_DF)
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
                p = sigmoid(sum(map(wc.__getitem__, x)) + b[c])
                g = p - y[c]
                if -0.02 < g < 0.02:
                    continue
                delta = lr * g
                for i in x:
                    wc[i] -= delta + L2 * wc[i]
                b[c] -= delta * 0.1
    weights = {f: [w[c][i] for c in range(len(CATEGORIES))] for i, f in enumerate(vocab)}
    return weights, b


def raw_scores(weights: dict[str, list[float]], bias: list[float], f: set[str]) -> list[float]:
    vectors = [weights[x] for x in f if x in weights]
    sums = [sum(col) for col in zip(*vectors, strict=True)] if vectors else [0.0] * len(CATEGORIES)
    return [s + b for s, b in zip(sums, bias, strict=True)]


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


def _solve(h: list[list[float]], g: list[float]) -> list[float]:
    """Solve h·x = g (small dense system, Gaussian elimination with partial pivoting)."""
    n = len(g)
    m = [row[:] + [g[i]] for i, row in enumerate(h)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[col][col]:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def fit_logistic(xs: list[tuple[float, ...]], ys: list[int], ridge: float, intercept: int) -> list[float]:
    """Logistic regression of y on the columns of xs by Newton's method, with a ridge penalty on every
    coefficient but the intercept (the column of ones at index `intercept`)."""
    n = len(xs[0])
    w = [0.0] * n
    for _ in range(30):
        g = [0.0 if i == intercept else ridge * w[i] for i in range(n)]
        h = [[ridge if i == j and i != intercept else 0.0 for j in range(n)] for i in range(n)]
        for v, y in zip(xs, ys, strict=True):
            p = sigmoid(sum(a * b for a, b in zip(w, v, strict=True)))
            q = p * (1.0 - p)
            for i in range(n):
                g[i] += (p - y) * v[i]
                for j in range(n):
                    h[i][j] += q * v[i] * v[j]
        step = _solve(h, g)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(x) for x in step) < 1e-6:
            break
    return w


def fit_stack(xs: list[tuple[float, float, float, float]], ys: list[int], ridge: float = 1.0) -> list[float]:
    """engine.combine's coefficients: y on (rule, logit(model), rule fired, 1, pattern), with a small ridge
    so that a category whose tuning lines are perfectly separated keeps finite coefficients."""
    return fit_logistic([(r, lm, f, 1.0, pat) for r, lm, f, pat in xs], ys, ridge, intercept=3)


def tune_stack(gold: list[set[str]], rule_scores: list[dict[str, float]], probs: list[list[float]],
               patterns: list[dict[str, float]]) -> list[list[float]]:
    """Per category, engine.combine's coefficients fitted on the tuning lines; then the label thresholds
    (moved into the intercepts, so that the engine's threshold stays 0.5): first each category's best-F1
    threshold, then, while more than MAX_FPR of the benign tuning lines get any label, the threshold
    whose raise unflags benign lines at the smallest cost in F1 per line (a greedy walk; the categories of
    WALK_EXEMPT keep their best-F1 threshold)."""
    benign = [i for i, g in enumerate(gold) if not g]
    coefs, margins, options, zs = [], [], [], []
    for ci, c in enumerate(CATEGORIES):
        xs = [(rs[c], logit(p[ci]), 1.0 if rs[c] > 0.0 else 0.0, pat.get(c, 0.0))
              for rs, p, pat in zip(rule_scores, probs, patterns, strict=True)]
        ys = [int(c in g) for g in gold]
        w = fit_stack(xs, ys)
        z = [w[0] * r + w[1] * lm + w[2] * f + w[3] + w[4] * pat for r, lm, f, pat in xs]
        # Candidate thresholds, lowest first, each with its F1 and how many benign lines it flags; the
        # counts of lines at or above a threshold come from sorted scores (bisect), not from a pass per
        # candidate.
        pos = sorted(v for v, y in zip(z, ys, strict=True) if y)
        neg = sorted(v for v, y in zip(z, ys, strict=True) if not y)
        ben = sorted(z[i] for i in benign)
        cands = []
        for t in sorted({round(v, 3) for v in z}) + [max(z) + 1.0]:
            tp = len(pos) - bisect_left(pos, t)
            fp = len(neg) - bisect_left(neg, t)
            cands.append((t, f1(tp, fp, len(pos) - tp), len(ben) - bisect_left(ben, t)))
        best = max(range(len(cands)), key=lambda k: (cands[k][1], k))
        coefs.append(w)
        margins.append(best)
        options.append(cands)
        zs.append([z[i] for i in benign])

    def flagged() -> int:
        """Benign lines that get any label at the current thresholds."""
        ts = [options[ci][margins[ci]][0] for ci in range(len(CATEGORIES))]
        return sum(1 for row in zip(*zs, strict=True) if any(v >= t for v, t in zip(row, ts, strict=True)))

    while benign and flagged() / len(benign) > MAX_FPR:
        step = None
        for ci in range(len(CATEGORIES)):
            if CATEGORIES[ci] in WALK_EXEMPT:
                continue
            k = margins[ci]
            now = options[ci][k]
            for k2 in range(k + 1, len(options[ci])):
                if options[ci][k2][2] < now[2]:
                    cost = (now[1] - options[ci][k2][1]) / (now[2] - options[ci][k2][2])
                    if step is None or cost < step[0]:
                        step = (cost, ci, k2)
                    break
        if step is None:
            break
        margins[step[1]] = step[2]
    return [[round(w[0], 4), round(w[1], 4), round(w[2], 4), round(w[3] - options[ci][margins[ci]][0], 4),
             round(w[4], 4)] for ci, w in enumerate(coefs)]


def with_companions(combined: list[list[float]], alone: list[set[str]], companion: dict[str, float]
                    ) -> list[set[str]]:
    """The labels the engine gives (engine.Screener.screen): a line's labels at 0.5, and, on a line that
    has at least one, every category whose score reaches its companion threshold."""
    return [labels | {c for i, c in enumerate(CATEGORIES) if s[i] >= companion.get(c, 0.5)} if labels else labels
            for s, labels in zip(combined, alone, strict=True)]


def tune_companions(gold: list[set[str]], combined: list[list[float]], alone: list[set[str]]
                    ) -> dict[str, float]:
    """Per category, the threshold between COMPANION_FLOOR and 0.5 that a line already labelled for
    something else needs to get this label too, chosen for the category's best F1 on the tuning lines (the
    highest on ties). Harassment comes with threats and slurs, contact with proposals: 42 % of
    harassment's out-of-writer misses were lines labelled for another category (session 12). Benign lines
    with no label never gain one, so the false-positive rate does not move."""
    out: dict[str, float] = {}
    for ci, c in enumerate(CATEGORIES):
        base_tp = sum(1 for g, a in zip(gold, alone, strict=True) if c in g and c in a)
        base_fp = sum(1 for g, a in zip(gold, alone, strict=True) if c not in g and c in a)
        positives = sum(1 for g in gold if c in g)
        # Lines that could gain the label: labelled for something else, not for c, scored below 0.5.
        extra = sorted(((s[ci], c in g) for s, g, a in zip(combined, gold, alone, strict=True)
                        if a and c not in a), reverse=True)
        best, best_t = f1(base_tp, base_fp, positives - base_tp), 0.5
        tp, fp = base_tp, base_fp
        for k, (score, hit) in enumerate(extra):
            if score < COMPANION_FLOOR:
                break
            tp, fp = tp + hit, fp + (not hit)
            if k + 1 < len(extra) and extra[k + 1][0] == score:
                continue  # a threshold takes every line of equal score
            value = f1(tp, fp, positives - tp)
            if value > best:
                best, best_t = value, score
        out[c] = math.floor(best_t * 10_000) / 10_000  # the engine compares 4-decimal scores
    return out


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def written() -> dict[str, list[dict]]:
    """The hand-written sets of data/screening/written/, one per writer (file name = writer)."""
    return {path.stem: _read(path) for path in sorted(WRITTEN.glob("*.jsonl"))}


def calibrate(raw: list[list[float]], hidden: list[list[float]], rows: list[dict]
              ) -> tuple[list[float], list[float], list[float]]:
    """Per category, p = sigmoid(scale·(regression score) + network·(network logit) + offset), fitted on
    out-of-writer scores: the two halves of the learned stage weighed by how well each did there."""
    scale, network, offset = [], [], []
    for i, c in enumerate(CATEGORIES):
        a, b, d = fit_logistic([(s[i], h[i], 1.0) for s, h in zip(raw, hidden, strict=True)],
                               [int(c in r["labels"]) for r in rows], ridge=1e-3, intercept=2)
        scale.append(round(a, 5))
        network.append(round(b, 5))
        offset.append(round(d, 5))
    return scale, network, offset


def fit_net(lines: list[dict], feats: list[set[str]]) -> dict:
    """The network (network.py) over the features seen on at least NET_MIN_DF of these lines, packed as
    the model file stores it."""
    vocab, xs, ys = encode(lines, feats, NET_MIN_DF)
    return pack(fit_network(xs, ys, len(vocab)), vocab)


def main(argv: list[str] | None = None) -> int:
    more = corpus_more.generate()
    forbidden = eval_texts()
    generated = corpus.generate() + more["train"]
    rows = drop_overlap(generated, forbidden)
    template_tune = drop_overlap(more["tune"], forbidden)
    dropped = len(generated) + len(more["tune"]) - len(rows) - len(template_tune)
    print(f"{len(rows)} template training lines, {len(template_tune)} template tuning lines "
          f"({dropped} equal to an evaluation line dropped)")
    corpus.write(TRAIN, rows)
    corpus.write(TUNE, template_tune)
    hand = {}
    for writer, lines in written().items():
        hand[writer] = drop_overlap(lines, forbidden)
        print(f"written/{writer}.jsonl: {len(hand[writer])} lines "
              f"({len(lines) - len(hand[writer])} equal to an evaluation line dropped)")
    every = rows + template_tune + [r for lines in hand.values() for r in lines]
    rules = Screener(detectors=default_detectors(with_model=False))
    contexts = {id(r): context_for(r, rules) for r in every}
    early = [LexiconDetector(), ContactDetector()]  # the detectors that run before the model

    long_lines: set[int] = set()  # id() of the lines of at least LONG_MESSAGE characters, for the report

    def featurise(r: dict) -> set[str]:
        n = normalise(r["text"])
        if len(n.text) >= LONG_MESSAGE:
            long_lines.add(id(r))
        evidence = Evidence()
        for detector in early:
            detector.detect(n, contexts[id(r)], evidence)
        return features(n.text, contexts[id(r)], evidence.rules())

    feats = {id(r): featurise(r) for r in every}

    def fit_on(lines: list[dict]) -> tuple[dict[str, list[float]], list[float], dict]:
        line_feats = [feats[id(r)] for r in lines]
        weights, bias = fit(lines, line_feats)
        return weights, bias, fit_net(lines, line_feats)

    if hand:
        # Leave writers out: each writer's lines are scored by a model fitted on the templates and the
        # writers of the other groups, so calibration and combination are chosen on phrasings the model
        # never saw, from people other than the one who wrote its training lines.
        tune: list[dict] = []
        tune_raw: list[list[float]] = []
        tune_hidden: list[list[float]] = []
        names = list(hand)
        for k in range(min(FOLDS, len(names))):
            group = names[k::FOLDS]
            others = [r for w, ls in hand.items() if w not in group for r in ls]
            weights, bias, packed = fit_on(rows + template_tune + others)
            network = Network(packed)
            for writer in group:
                tune += hand[writer]
                tune_raw += [raw_scores(weights, bias, feats[id(r)]) for r in hand[writer]]
                tune_hidden += [network.logits(feats[id(r)]) for r in hand[writer]]
            print(f"  fold without {', '.join(group)}: done", flush=True)
        weights, bias, packed = fit_on(every)
        tuned_on = f"out-of-writer scores of data/screening/written/*.jsonl ({FOLDS} groups of writers)"
    else:
        weights, bias, packed = fit_on(rows)
        network = Network(packed)
        tune = template_tune
        tune_raw = [raw_scores(weights, bias, feats[id(r)]) for r in tune]
        tune_hidden = [network.logits(feats[id(r)]) for r in tune]
        tuned_on = "data/screening/tune.jsonl"
    scale, net_weight, offset = calibrate(tune_raw, tune_hidden, tune)
    gold = [set(r["labels"]) for r in tune]
    evidence = [rules.evidence(r["text"], contexts[id(r)])[0] for r in tune]
    rule_scores = [rules.scores(ev) for ev in evidence]
    patterns = [ev.patterns for ev in evidence]
    probs = [[sigmoid(scale[i] * s[i] + net_weight[i] * h[i] + offset[i]) for i in range(len(CATEGORIES))]
             for s, h in zip(tune_raw, tune_hidden, strict=True)]
    for i, r in enumerate(tune):  # what the minors detector does after the model
        if contexts[id(r)].recipient_minor:
            model = dict(zip(CATEGORIES, probs[i], strict=True))
            carry_to_minor(model)
            probs[i] = [model[c] for c in CATEGORIES]
    stacks = tune_stack(gold, rule_scores, probs, patterns)
    combined = [[combine(rs[c], p[i], stacks[i], pat.get(c, 0.0)) for i, c in enumerate(CATEGORIES)]
                for rs, p, pat in zip(rule_scores, probs, patterns, strict=True)]
    alone = [{c for i, c in enumerate(CATEGORIES) if s[i] >= 0.5} for s in combined]
    companion = tune_companions(gold, combined, alone)
    predicted = with_companions(combined, alone, companion)
    tuned = macro_f1(gold, predicted)
    print(f"  companion thresholds {companion}: macro F1 {macro_f1(gold, alone):.4f} without, {tuned:.4f} with")
    model_alone = macro_f1(gold, [{c for i, c in enumerate(CATEGORIES) if p[i] >= 0.5} for p in probs])
    rules_only = macro_f1(gold, [{c for c in CATEGORIES if rs[c] >= 0.5} for rs in rule_scores])

    _print_table(gold, predicted)
    long = [i for i, r in enumerate(tune) if id(r) in long_lines]
    print(f"  long messages ({len(long)} lines of at least {LONG_MESSAGE} characters):")
    _print_table([gold[i] for i in long], [predicted[i] for i in long])
    if "--errors" in (argv or []):  # the tuning lines' errors (training data: never dev or holdout)
        for r, g, p in zip(tune, gold, predicted, strict=True):
            if g != p:
                print(f"  ERR {r['id']} gold={sorted(g)} got={sorted(p)} {r['text']!r}")

    kept = {f: [round(x, 3) for x in w] for f, w in weights.items() if max(abs(x) for x in w) >= PRUNE}
    digest = hashlib.sha256(TRAIN.read_bytes()).hexdigest()[:16]
    model = {
        "version": 5,
        "categories": list(CATEGORIES),
        "bias": [round(b, 4) for b in bias],
        "calibration": {"scale": scale, "network": net_weight, "offset": offset},
        "stack": stacks,
        "companion": companion,
        "weights": dict(sorted(kept.items())),
        "network": packed,
        "meta": {"trained_on": ["data/screening/train.jsonl", "data/screening/tune.jsonl"]
                 + [f"data/screening/written/{w}.jsonl" for w in hand],
                 "tuned_on": tuned_on, "train_sha256_16": digest, "lines": len(every), "tune_lines": len(tune),
                 "tune_macro_f1": {"rules": round(rules_only, 4), "model": round(model_alone, 4),
                                   "rules+model": round(tuned, 4)},
                 "features": len(kept), "folds": FOLDS, "epochs": EPOCHS, "l2": L2, "min_df": MIN_DF, "seed": SEED,
                 "network": {"hidden": net_params.HIDDEN, "epochs": net_params.EPOCHS, "batch": net_params.BATCH,
                             "learning_rate": net_params.LEARNING_RATE, "l2": net_params.L2,
                             "min_df": NET_MIN_DF, "seed": net_params.SEED, "features": len(packed["features"])}},
    }
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(MODEL_PATH, "wb", mtime=0) as handle:
        handle.write(json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    print(json.dumps(model["meta"] | {"stack": model["stack"],
                                      "size_bytes": MODEL_PATH.stat().st_size}, ensure_ascii=False))
    return 0


def _print_table(gold: list[set[str]], predicted: list[set[str]]) -> None:
    """Per-category precision and recall of rules+model on the tuning lines, and their benign FPR."""
    for c in CATEGORIES:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if c in g and c in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if c not in g and c in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if c in g and c not in p)
        print(f"  {c:16} P {tp / (tp + fp) if tp + fp else 0:.3f}  R {tp / (tp + fn) if tp + fn else 0:.3f}"
              f"  ({tp + fn})")
    benign = [p for g, p in zip(gold, predicted, strict=True) if not g]
    print(f"  benign flagged {sum(1 for p in benign if p)} / {len(benign)}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
