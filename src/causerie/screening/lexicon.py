"""Lexicons: versioned term lists, one file per category, matched in one pass over a message.

A lexicon file (`lexicons/<category>.txt`) holds one term per line:

    # version: 3
    0.6   beuh                       a plain word or phrase
    0.3   livr*                      `*` ends a word prefix (livre, livraison, livreur)
    0.5   (t as|ta) quel age         `(a|b)` alternatives inside a term
    0.4   on se voit .. seul*        `..` lets up to three words pass in between, `...` up to six
    -0.6  documentaire               negative weights mark innocent contexts
    0.5   @a2m tu es seul* chez toi  `@condition` applies the term only in that context
    0.7   re:\\d+ ?g (a|pour) \\d+ euros   `re:` is a raw regular expression on the matching view
    $SUBST = beuh|shit|coke          a macro: `$SUBST` in later terms stands for `(beuh|shit|coke)`

Terms are normalised exactly like messages (accents, case, leetspeak, repeated letters, SMS
spelling), so they are written in plain French. Conditions: `a2m` (adult writing to a minor), `minor`
(the message reaches a minor), `teen`, `adult`, `pm`, `room`. A term counts once per message; a
category's lexicon score is the sum of its matched weights, clamped to [0, 1] by the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from causerie.screening.normalise import Normalised, normalise
from causerie.screening.types import Hit, ScreenContext

LEXICON_DIR = Path(__file__).with_name("lexicons")

CONDITIONS: dict[str, Callable[[ScreenContext], bool]] = {
    "a2m": lambda c: c.adult_to_minor,
    "minor": lambda c: c.recipient_minor,
    "teen": lambda c: c.band == "teen",
    "adult": lambda c: c.band == "adult",
    "pm": lambda c: c.where == "pm",
    "room": lambda c: c.where == "room",
}

_GAP = "(?: [a-z0-9]+){0,3}"
_LONG_GAP = "(?: [a-z0-9]+){0,6}"


@dataclass(frozen=True, slots=True)
class Term:
    category: str
    weight: float
    rule: str
    pattern: re.Pattern[str]
    condition: str | None
    needs_digit: bool = False


def _norm_piece(piece: str) -> list[str]:
    return normalise(piece).text.split()


def _word_regex(word: str) -> tuple[str, list[tuple[str, bool]]]:
    """Regex for one term word and the index keys it can start with: (key, is_prefix)."""
    if word.startswith("re:"):
        return "(?:" + word[3:] + ")", []
    alternatives = word[1:-1].split("|") if word.startswith("(") and word.endswith(")") else [word]
    parts: list[str] = []
    keys: list[tuple[str, bool]] = []
    for alt in alternatives:
        prefix = alt.endswith("*")
        words = _norm_piece(alt.rstrip("*"))
        if not words:
            continue
        body = " ".join(map(re.escape, words)) + ("[a-z0-9]*" if prefix else "")
        parts.append(body)
        keys.append((words[0], prefix and len(words) == 1))
    if not parts:
        raise ValueError(f"empty lexicon word: {word!r}")
    return "(?:" + "|".join(parts) + ")", keys


def compile_term(term: str) -> tuple[re.Pattern[str], list[tuple[str, bool]]]:
    """Compile a lexicon term; return the pattern (anchored at a word start) and its index keys."""
    # Alternatives may contain spaces inside parentheses: protect them while splitting.
    tokens = re.findall(r"\([^)]*\)\*?|\S+", term)
    regex = ""
    keys: list[tuple[str, bool]] = []
    gap = ""
    for i, token in enumerate(tokens):
        if token in ("..", "..."):
            gap = _GAP if token == ".." else _LONG_GAP
            continue
        part, token_keys = _word_regex(token)
        if i == 0:
            keys = token_keys
            regex = part
        else:
            regex += gap + " " + part
        gap = ""
    return re.compile(regex + "(?= )"), keys


def _expand(line: str, macros: dict[str, str]) -> str:
    """Replace `$NAME` by `(a|b)`, or by `a|b` when already inside an alternative group."""

    def repl(m: re.Match[str]) -> str:
        value = macros.get(m.group(0))
        if value is None:
            raise ValueError(f"unknown macro {m.group(0)}")
        inside = line.rfind("(", 0, m.start()) > line.rfind(")", 0, m.start())
        return value if inside else f"({value})"

    return re.sub(r"\$[A-Z_]+", repl, line)


_DIGIT = re.compile(r"\d")


def _combined(terms: list[Term]) -> tuple[re.Pattern[str], list[Term]]:
    """One pattern testing every term at a position: each term is an optional capturing lookahead,
    so a single match call reports all the terms that start there."""
    source = "".join(f"(?:(?=({t.pattern.pattern})))?" for t in terms)
    return re.compile(source), terms


def _collect(entry: tuple[re.Pattern[str], list[Term]], text: str, pos: int, found: dict[str, Term]) -> None:
    pattern, terms = entry
    m = pattern.match(text, pos)
    if m is None:
        return
    for group, term in zip(m.groups(), terms, strict=True):
        if group is not None:
            found[term.rule] = term


class Lexicons:
    """All category lexicons, indexed by the first word of each term for a single pass per message."""

    def __init__(self, directory: Path = LEXICON_DIR, categories: Iterable[str] | None = None) -> None:
        self.directory = directory
        self.versions: dict[str, int] = {}
        self._exact: dict[str, list[Term]] = {}
        self._prefix: dict[str, list[Term]] = {}
        self._prefix_lengths: list[int] = []
        self._raw: list[Term] = []
        for path in sorted(directory.glob("*.txt")):
            if categories is not None and path.stem not in categories:
                continue
            self._load(path)
        self._prefix_lengths = sorted({len(k) for k in self._prefix})
        self._exact_c = {k: _combined(v) for k, v in self._exact.items()}
        self._prefix_c = {k: _combined(v) for k, v in self._prefix.items()}

    def _load(self, path: Path) -> None:
        category = path.stem
        macros: dict[str, str] = {}
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            if line.startswith("# version:"):
                self.versions[category] = int(line.split(":", 1)[1])
                continue
            if not line or line.startswith("#"):
                continue
            if line.startswith("$"):
                name, _, value = line.partition("=")
                macros[name.strip()] = value.strip()
                continue
            if "$" in line and not line.split(None, 1)[1].lstrip().startswith("re:"):
                line = _expand(line, macros)
            weight_text, _, rest = line.partition(" ")
            rest = rest.strip()
            condition = None
            if rest.startswith("@"):
                condition, _, rest = rest[1:].partition(" ")
                rest = rest.strip()
                if condition not in CONDITIONS:
                    raise ValueError(f"{path.name}:{lineno}: unknown condition @{condition}")
            rule = f"{category}:{lineno}"
            weight = float(weight_text)
            if rest.startswith("re:"):
                source = rest[3:]
                needs_digit = "\\d" in source and "|" not in source.split("\\d", 1)[0]
                self._raw.append(Term(category, weight, rule, re.compile(source), condition, needs_digit))
                continue
            try:
                pattern, keys = compile_term(rest)
            except (ValueError, re.error) as exc:
                raise ValueError(f"{path.name}:{lineno}: {exc}") from exc
            term = Term(category, weight, rule, pattern, condition)
            for key, is_prefix in keys:
                (self._prefix if is_prefix else self._exact).setdefault(key, []).append(term)

    def __len__(self) -> int:
        seen = {id(t) for terms in (*self._exact.values(), *self._prefix.values()) for t in terms}
        return len(seen) + len(self._raw)

    def match(self, n: Normalised, ctx: ScreenContext) -> dict[str, list[Hit]]:
        """Every term that matches the message in this context, grouped by category."""
        text = n.text
        found: dict[str, Term] = {}
        exact, prefix, lengths = self._exact_c, self._prefix_c, self._prefix_lengths
        pos = 1
        for token in text[1:-1].split(" "):
            entry = exact.get(token)
            if entry is not None:
                _collect(entry, text, pos, found)
            for k in lengths:
                if k > len(token):
                    break
                entry = prefix.get(token[:k])
                if entry is not None:
                    _collect(entry, text, pos, found)
            pos += len(token) + 1
        has_digit = _DIGIT.search(text) is not None
        for term in self._raw:
            if (has_digit or not term.needs_digit) and term.pattern.search(text):
                found[term.rule] = term
        hits: dict[str, list[Hit]] = {}
        for term in found.values():
            if term.condition is not None and not CONDITIONS[term.condition](ctx):
                continue
            hits.setdefault(term.category, []).append(Hit(term.category, term.weight, term.rule))
        return hits
