"""Evaluation: per-category precision, recall and F1, their macro average, and the false-positive
rate on benign lines (gold labels empty), for JSONL files in the `causerie screen` format."""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from causerie.screening.engine import Screener
from causerie.screening.types import ADULT_AGE, CATEGORIES, ScreenContext


def read_jsonl(path: str | Path, stdin: TextIO | None = None) -> Iterator[dict[str, Any]]:
    """Objects of a JSON Lines file; `-` reads standard input. Blank lines are skipped."""
    if str(path) == "-":
        handle = stdin or sys.stdin
        for line in handle:
            if line.strip():
                yield json.loads(line)
        return
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def context_for(row: dict[str, Any], screener: Screener) -> ScreenContext:
    policy = screener.policy
    return ScreenContext.from_mapping(row.get("context"), explicit_rooms=policy.explicit_rooms,
                                      teen_rooms=policy.teen_rooms)


def _place(row: dict[str, Any]) -> tuple[Any, ...]:
    """Where a line goes, as far as its meaning depends on it: PM or room, which room, and which side
    of 18 the sender and the recipient are."""
    c = row.get("context") or {}
    recipient, sender = c.get("recipient_age"), c.get("sender_age")
    return (c.get("where"), c.get("room"), recipient is not None and recipient < ADULT_AGE,
            sender is not None and sender < ADULT_AGE)


def in_band(row: dict[str, Any], youngest: int = 15) -> bool:
    """Whether Causerie itself could produce this line's context: nobody younger than `youngest` (the
    server's `teen_min_age`) and no PM across the 18 line (product.md). The evaluation sets keep the
    other contexts because the engine is also a command-line tool."""
    c = row.get("context") or {}
    sender, recipient = c.get("sender_age"), c.get("recipient_age")
    if any(age is not None and age < youngest for age in (sender, recipient)):
        return False
    return not (c.get("where") == "pm" and sender is not None and recipient is not None
                and (sender < ADULT_AGE) != (recipient < ADULT_AGE))


def quoted(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the harmful lines, each between double quotation marks, with its own labels and context: a
    quotation mark must never be enough to hide harm (people quote harm to report it, and a screener
    that learned "quote = report" would be evaded by typing two characters)."""
    return [row | {"text": f'"{row.get("text", "")}"'} for row in rows if row.get("labels")]


def padded(rows: Iterable[dict[str, Any]], seed: int = 0) -> list[dict[str, Any]]:
    """Every line between two benign lines of the same rows that go to the same place (`_place`), with
    its own labels and context: how the engine reads a line hidden in small talk ("salut ça va ? <line>
    bonne soirée"). A line with fewer than two such benign lines besides itself is left out."""
    rows = list(rows)
    benign: dict[tuple[Any, ...], list[str]] = {}
    for row in rows:
        if not row.get("labels"):
            benign.setdefault(_place(row), []).append(str(row.get("text", "")))
    rng = random.Random(seed)
    out = []
    for row in rows:
        text = str(row.get("text", ""))
        pool = [t for t in benign.get(_place(row), ()) if t != text]
        if len(pool) < 2:
            continue
        before, after = rng.sample(pool, 2)
        out.append(row | {"text": f"{before} {text} {after}"})
    return out


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    categories: tuple[str, ...]
    counts: dict[str, Counts] = field(default_factory=dict)
    lines: int = 0
    benign: int = 0
    benign_flagged: int = 0
    seconds: float = 0.0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        per = {c: {"precision": round(self.counts[c].precision, 4), "recall": round(self.counts[c].recall, 4),
                   "f1": round(self.counts[c].f1, 4), "support": self.counts[c].tp + self.counts[c].fn,
                   "tp": self.counts[c].tp, "fp": self.counts[c].fp, "fn": self.counts[c].fn}
               for c in self.categories}
        k = len(self.categories) or 1
        macro = {m: round(sum(per[c][m] for c in self.categories) / k, 4) for m in ("precision", "recall", "f1")}
        fpr = self.benign_flagged / self.benign if self.benign else 0.0
        return {"lines": self.lines, "categories": per, "macro": macro,
                "benign": {"lines": self.benign, "flagged": self.benign_flagged, "fpr": round(fpr, 4)},
                "messages_per_second": round(self.lines / self.seconds, 1) if self.seconds else None}

    def table(self) -> str:
        d = self.as_dict()
        rows = [f"{'category':<16} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
        for c in self.categories:
            r = d["categories"][c]
            rows.append(f"{c:<16} {r['precision']:>9.3f} {r['recall']:>7.3f} {r['f1']:>6.3f} {r['support']:>8}")
        m = d["macro"]
        rows.append(f"{'macro':<16} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {'':>8}")
        b = d["benign"]
        rows.append(f"benign lines: {b['lines']}, flagged: {b['flagged']}, false-positive rate: {b['fpr']:.3f}")
        rows.append(f"lines: {d['lines']}")
        return "\n".join(rows)


def evaluate(screener: Screener, rows: Iterable[dict[str, Any]],
             categories: Iterable[str] | None = None) -> Report:
    cats = tuple(categories) if categories is not None else CATEGORIES
    report = Report(categories=cats, counts={c: Counts() for c in cats})
    elapsed = 0.0
    for row in rows:
        gold = set(row.get("labels") or ())
        ctx = context_for(row, screener)
        start = time.perf_counter()
        verdict = screener.screen(str(row.get("text", "")), ctx)
        elapsed += time.perf_counter() - start
        predicted = set(verdict.labels)
        report.lines += 1
        if not gold:
            report.benign += 1
            if predicted & set(cats):
                report.benign_flagged += 1
        for c in cats:
            if c in predicted and c in gold:
                report.counts[c].tp += 1
            elif c in predicted:
                report.counts[c].fp += 1
            elif c in gold:
                report.counts[c].fn += 1
        if (predicted & set(cats)) != (gold & set(cats)):
            report.errors.append({"id": row.get("id"), "gold": sorted(gold), "predicted": sorted(predicted)})
    report.seconds = elapsed
    return report
