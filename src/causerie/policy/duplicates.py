"""Duplicate blasts: the same or nearly the same text sent to many rooms or people within minutes.

Texts are compared by a fingerprint of their normalised letters (case, accents, digits, punctuation,
spacing and repeated letters ignored), so "Vends beuh 06…" and "vends BEUH !! 07…" count as one text.
`DuplicateTracker` is the in-memory record of one node; a cluster shares one in Redis
(`policy/shared.py`), so a blast sent through several nodes meets the same threshold.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import OrderedDict

from causerie.clock import Clock

_NOT_LETTERS = re.compile(r"[^a-z]+")
_REPEATS = re.compile(r"(.)\1+")


def normalised(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    letters = _NOT_LETTERS.sub("", "".join(c for c in folded if not unicodedata.combining(c)))
    return _REPEATS.sub(r"\1", letters)


def fingerprint(text: str) -> str:
    return hashlib.blake2b(normalised(text).encode(), digest_size=12).hexdigest()


class DuplicateTracker:
    """For each (key, fingerprint): the targets it was sent to and when (ms)."""

    MAX_KEYS = 200_000

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._seen: OrderedDict[tuple[str, str], dict[str, int]] = OrderedDict()

    def note(self, key: str, print_: str, target: str, window_s: float) -> int:
        """Record that `key` sent text `print_` to `target`; return the distinct targets in the window."""
        now = self.clock.now_ms()
        targets = self._seen.pop((key, print_), None) or {}
        cutoff = now - window_s * 1000
        targets = {t: at for t, at in targets.items() if at > cutoff}
        targets[target] = now
        self._seen[(key, print_)] = targets  # most recent last
        while len(self._seen) > self.MAX_KEYS:
            self._seen.popitem(last=False)
        return len(targets)
