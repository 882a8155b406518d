"""The screening engine: normalise, run the ordered chain of detectors, score, apply the policy.

    screener = Screener()
    verdict = screener.screen("slt t'as du shit ?", ScreenContext(where="pm", band="adult", sender_age=22,
                                                                   recipient_age=25))

Every detector is timed. One that raises or exceeds its budget never crashes the caller and never
lets a message through unscreened in the teen band: the failsafe action of the policy applies (hold by
default). Errors are logged with the detector's name and the exception type, never the message text.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path

from causerie.screening.detectors import default_detectors
from causerie.screening.detectors.base import Detector, Evidence
from causerie.screening.logistic import logit, sigmoid
from causerie.screening.normalise import normalise
from causerie.screening.policy import DEFAULT_POLICY_PATH, Policy, PolicyError, load_policy
from causerie.screening.types import CATEGORIES, SEVERITY, ScreenContext, Verdict

log = logging.getLogger("causerie.screening")

ERROR_CATEGORY = "screening_error"
_MTIME_CHECK_SECONDS = 1.0


def combine(rule: float, model: float | None, stack: Sequence[float] | None, pattern: float = 0.0) -> float:
    """A category's score from its rule score, the model's probability and its strongest pattern: a
    logistic regression `sigmoid(a·rule + b·logit(model) + c·[a rule fired] + e·pattern + d)` fitted per
    category on scores of lines the model never trained on (train.py), so the model can confirm a rule,
    veto a rule that fires in an innocent sentence, or label on its own, while a pattern that is reliable
    whatever the words around it (a phone number) keeps its own weight. Without a model the rule score
    is the score."""
    if model is None or stack is None:
        return rule
    a, b, c, d, e = stack
    return sigmoid(a * rule + b * logit(model) + (c if rule > 0.0 else 0.0) + d + e * pattern)


class Screener:
    """Screens one message at a time; thread-safe for reading, cheap to call."""

    def __init__(self, policy_path: Path | None = None, detectors: Sequence[Detector] | None = None,
                 clock: object = None) -> None:
        self.policy_path = Path(policy_path) if policy_path is not None else DEFAULT_POLICY_PATH
        self.policy: Policy = load_policy(self.policy_path)
        self._mtime = self._stat()
        self._checked = time.monotonic()
        self.detectors: list[Detector] = list(detectors) if detectors is not None else default_detectors()
        self.timings: dict[str, float] = {d.name: 0.0 for d in self.detectors}
        model = next((d for d in self.detectors if getattr(d, "name", "") == "model"), None)
        # How the model meets the rules (engine.combine): five coefficients per category.
        stack = getattr(model, "stack", None) or {}
        self._stacks: dict[str, Sequence[float] | None] = {c: stack.get(c) for c in CATEGORIES}
        # A second label's threshold, for a line that already has one (screen()).
        self._companions: dict[str, float] = dict(getattr(model, "companion", None) or {})

    # Policy -----------------------------------------------------------------------------------
    def _stat(self) -> float:
        try:
            return os.stat(self.policy_path).st_mtime
        except OSError:
            return 0.0

    def reload(self) -> Policy:
        """Re-read the policy file. Raises PolicyError (and keeps the old policy) if it is invalid."""
        policy = load_policy(self.policy_path)
        self.policy = policy
        self._mtime = self._stat()
        log.info("screening policy reloaded (version %s)", policy.version)
        return policy

    def _maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked < _MTIME_CHECK_SECONDS:
            return
        self._checked = now
        mtime = self._stat()
        if mtime != self._mtime:
            try:
                self.reload()
            except PolicyError as exc:
                self._mtime = mtime
                log.error("screening policy not reloaded, keeping the previous one: %s", exc)

    # Screening --------------------------------------------------------------------------------
    def evidence(self, text: str, ctx: ScreenContext) -> tuple[Evidence, list[str]]:
        """Run the chain; return the evidence and the names of detectors that failed."""
        evidence = Evidence()
        errors: list[str] = []
        budget = self.policy.detector_budget_ms / 1000.0
        try:
            n = normalise(text)
        except Exception as exc:  # a bug in normalisation must not crash the connection
            log.error("screening normaliser failed: %s", type(exc).__name__)
            return evidence, ["normalise"]
        # Each detector is timed with the cheap monotonic clock; the budget counts CPU time, read once for
        # the whole chain (a thread CPU clock read costs microseconds). A detector is over budget when its
        # wall time and the chain's CPU time both exceed the budget: its CPU time is at most either, so
        # no detector over its CPU budget is missed, and a busy machine that deschedules us is not slowness.
        timings = self.timings
        overruns: list[str] = []
        cpu_start = time.thread_time()
        for detector in self.detectors:
            start = time.perf_counter()
            try:
                detector.detect(n, ctx, evidence)
            except Exception as exc:
                errors.append(detector.name)
                log.error("screening detector %s failed: %s", detector.name, type(exc).__name__)
                continue
            elapsed = time.perf_counter() - start
            timings[detector.name] = timings.get(detector.name, 0.0) + elapsed
            if elapsed > budget:
                overruns.append(detector.name)
        if overruns and time.thread_time() - cpu_start > budget:
            for name in overruns:
                errors.append(f"{name}:timeout")
                log.error("screening detector %s exceeded its budget of %.0f ms", name, budget * 1000)
        return evidence, errors

    def scores(self, evidence: Evidence) -> dict[str, float]:
        model = evidence.model
        stacks = self._stacks
        patterns = evidence.patterns
        return {c: round(combine(evidence.rule_score(c), model.get(c) if model else None, stacks[c],
                                 patterns.get(c, 0.0)), 4)
                for c in CATEGORIES}

    def screen(self, text: str, ctx: ScreenContext) -> Verdict:
        self._maybe_reload()
        policy = self.policy
        evidence, errors = self.evidence(text, ctx)
        scores = self.scores(evidence)
        labels = tuple(c for c in CATEGORIES if scores[c] >= policy.categories[c].threshold)
        if labels and evidence.model is not None and self._companions:
            # Harms travel together (an insult with a threat, a proposal with a number): once a line has a
            # label, another category needs less evidence, at thresholds tuned out of writer (train.py).
            # A benign line gains no label this way, so the false-positive rate is unchanged.
            companions = self._companions
            labels = tuple(c for c in CATEGORIES if scores[c] >= min(policy.categories[c].threshold,
                                                                     companions.get(c, 1.0)))
        space = ctx.space
        action, category = "allow", None
        for c in labels:
            candidate = policy.action(c, space)
            if SEVERITY[candidate] > SEVERITY[action] or (
                    category is not None and SEVERITY[candidate] == SEVERITY[action]
                    and scores[c] > scores[category]):
                action, category = candidate, c
        if action == "allow":
            category = None
        if errors:
            failsafe = policy.failsafe["teen" if ctx.band == "teen" else "adult"]
            if SEVERITY[failsafe] > SEVERITY[action]:
                action, category = failsafe, ERROR_CATEGORY
        if category is None:
            reason, open_case, code = None, False, None
        elif category == ERROR_CATEGORY:
            reason, open_case, code = dict(policy.error_reason), False, "screening.error"
        else:
            rule = policy.categories[category]
            reason = dict(rule.reason) if action != "shadow" else None
            open_case = rule.open_case
            code = f"screening.{category}"
        return Verdict(labels=labels, scores=scores, action=action, category=category, reason=reason,
                       open_case=open_case, code=code, rules=evidence.rules(), errors=tuple(errors))
