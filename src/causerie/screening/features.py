"""Features of the learned stage: words, word prefixes and word pairs of the matching view."""

from __future__ import annotations


def features(text: str) -> set[str]:
    """`text` is `Normalised.text` (space-padded): words as they are, the first five letters of longer
    words with a `*`, and pairs of neighbouring words joined by a space."""
    words = text.split()
    feats = set(words)
    feats.update([w[:5] + "*" for w in words if len(w) > 5])
    feats.update([a + " " + b for a, b in zip(words, words[1:], strict=False)])
    return feats
