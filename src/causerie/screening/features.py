"""Features of the learned stage: words, word prefixes and word pairs of the matching view, the rules
that fired before it, and where the message goes (so that "t'as quel âge ?" can weigh differently from
an adult to a minor)."""

from __future__ import annotations

from causerie.screening.types import ScreenContext

# Second person singular, as the matching view writes it (`t'es` → `t es`).
_YOU = frozenset(["tu", "t", "toi", "te", "ta", "ton", "tes"])


def features(text: str, ctx: ScreenContext | None = None, rules: tuple[str, ...] = ()) -> set[str]:
    """`text` is `Normalised.text` (space-padded). The features: words as they are, the first five letters
    of longer words with a `*`, pairs of neighbouring words joined by a space; `r:<rule>` for each rule
    that fired before the model (lexicons, contact patterns) and `you&<category>` for each of those
    rules' categories when the message speaks to one person (`tu`, `toi`, `ta`…). With a context: `@pm`
    or `@room`, `@minor` when the message reaches a minor, `@explicit` in a room that allows explicit
    talk, and, from an adult to a minor, every word again behind `a2m:` (the model learns which words
    matter only there)."""
    words = text.split()
    feats = set(words)
    feats.update([w[:5] + "*" for w in words if len(w) > 5])
    feats.update([a + " " + b for a, b in zip(words, words[1:], strict=False)])
    if rules:
        feats.update(["r:" + r for r in rules])
        if _YOU.intersection(words):
            # Who a message speaks to changes what a category's words mean: a slur said to "toi" is also
            # harassment. One feature per category whose lexicon fired, joined with "speaks to you".
            feats.update(["you&" + r.split(":", 1)[0] for r in rules])
    if ctx is not None:
        feats.add("@pm" if ctx.where == "pm" else "@room")
        if ctx.recipient_minor:
            feats.add("@minor")
        if ctx.explicit_allowed:
            feats.add("@explicit")
        if ctx.adult_to_minor:
            feats.add("@a2m")
            feats.update(["a2m:" + w for w in words])
    return feats
