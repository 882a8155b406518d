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
                                     (its words as the view reads them: `grames`, not `grammes`)
    $SUBST = beuh|shit|coke          a macro: `$SUBST` in later terms stands for `(beuh|shit|coke)`

Terms are normalised exactly like messages (accents, case, leetspeak, repeated letters, SMS
spelling), so they are written in plain French. Conditions: `a2m` (adult writing to a minor), `minor`
(the message reaches a minor), `teen`, `adult`, `pm`, `room`. There is nothing else: no optional
group (`(me )?`), no nesting; a term outside this syntax fails to load, naming its file and line. A
term counts once per message; a category's lexicon score is the sum of its matched weights, clamped to
[0, 1] by the engine.
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

# Words too frequent to index a term by: a term is indexed by its rarest word (see _slot_cost).
_COMMON = frozenset(
    "a ai as au aux avec c ca ce ces d de des du elle en es est et il ils j je l la le les lui m ma me mes moi "
    "mon n ne nous on ou pa pas pour qu que qui s sa se si son sur t ta te tes toi ton tu un une vous y".split())
_CACHE_LIMIT = 100_000


def _slot_cost(keys: list[tuple[str, bool]]) -> float:
    """How often a slot's keys are expected to occur in a message: frequent words and short prefixes
    cost more. A slot without keys (a `re:` word) cannot index the term."""
    if not keys:
        return float("inf")
    cost = 0.0
    for key, is_prefix in keys:
        c = 50.0 if key in _COMMON else 5.0 if len(key) <= 2 else 1.0
        if is_prefix:
            c *= 2.0 if len(key) >= 5 else 10.0
        cost += c
    return cost


@dataclass(frozen=True, slots=True)
class Term:
    category: str
    weight: float
    rule: str
    pattern: re.Pattern[str]
    condition: str | None
    needs_digit: bool = False


# A term word: plain letters, digits and apostrophes with an optional `*`, or `(a|b)` alternatives of
# such words (spaces allowed inside), or `$MACRO` once expanded; nothing else (no `?`, no nesting).
_WORD_SYNTAX = re.compile(r"[^()|?\s]+|\([^()?]*\)")


def _norm_piece(piece: str) -> list[str]:
    return normalise(piece).text.split()


def _raw_regex(source: str) -> str:
    """A raw regular expression, refused if one of its words is not in the matching view: `grammes`
    never matched, since the view squeezes doubled letters (`grames`), nor did `balles` or `soiree`."""
    for word in re.findall(r"[^\W\d_]+", re.sub(r"\\.", "", source)):
        view = normalise(word).text.strip()
        if view != word:
            raise ValueError(f"raw pattern word {word!r} never matches: the matching view reads it {view!r}")
    return source


def _word_regex(word: str) -> tuple[str, list[tuple[str, bool]]]:
    """Regex for one term word and the index keys it can start with: (key, is_prefix)."""
    if word.startswith("re:"):
        return "(?:" + _raw_regex(word[3:]) + ")", []
    if not _WORD_SYNTAX.fullmatch(word):
        # "(me )?(reponds|…)" once read as the literal words "me reponds …" and never matched: there are
        # no optional groups; write the alternatives out ("(tu|tu me) (reponds|…)").
        raise ValueError(f"not a lexicon word: {word!r} (a word, a word*, or (a|b) alternatives)")
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


def _alternatives(word: str) -> list[tuple[tuple[str, bool], str | None]]:
    """A one-word term's alternatives: each one's index key (its rarest word, is_prefix) and, for a
    phrase, the plain substring of the matching view (space-padded tokens of `[a-z0-9]`) that is there
    exactly when the phrase is: `quel age` → " quel age ", `bien mont*` → " bien mont". A single-word
    alternative has no substring (None): a token that satisfies its key is a match."""
    alternatives = word[1:-1].split("|") if word.startswith("(") and word.endswith(")") else [word]
    out: list[tuple[tuple[str, bool], str | None]] = []
    for alt in alternatives:
        prefix = alt.endswith("*")
        words = _norm_piece(alt.rstrip("*"))
        if not words:
            continue
        choices = [(w, prefix and i == len(words) - 1) for i, w in enumerate(words)]
        key = min(choices, key=lambda kp: _slot_cost([kp]))
        phrase = None if len(words) == 1 else " " + " ".join(words) + ("" if prefix else " ")
        out.append((key, phrase))
    return out


def _word_anchor_keys(word: str) -> list[tuple[str, bool]]:
    """For one term word: per alternative, its rarest word as an index key (key, is_prefix)."""
    if word.startswith("re:"):
        return []
    return [key for key, _ in _alternatives(word)]


def compile_term_slots(term: str) -> tuple[re.Pattern[str], list[list[tuple[str, bool]]]]:
    """Compile a lexicon term; return the pattern (anchored at a word start) and, for each of its
    words (slots), the index keys one of which any match must contain as a token: (key, is_prefix).
    A `re:` word has no keys (an empty list)."""
    # Alternatives may contain spaces inside parentheses: protect them while splitting.
    tokens = re.findall(r"\([^)]*\)\*?|\S+", term)
    regex = ""
    slots: list[list[tuple[str, bool]]] = []
    gap = ""
    for token in tokens:
        if token in ("..", "..."):
            gap = _GAP if token == ".." else _LONG_GAP
            continue
        part, token_keys = _word_regex(token)
        regex = part if not slots else regex + gap + " " + part
        slots.append(token_keys)
        gap = ""
    return re.compile(regex + "(?= )"), slots


def compile_term(term: str) -> tuple[re.Pattern[str], list[tuple[str, bool]]]:
    """Compile a lexicon term; return the pattern (anchored at a word start) and its first word's keys."""
    pattern, slots = compile_term_slots(term)
    return pattern, slots[0] if slots else []


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
_WORD_START = re.compile(r"\\b(?:\\d|\((?:\[[a-z0-9]|[a-z0-9]))")


def _fast_raw(source: str) -> str:
    """On the matching view (space-padded, only `[a-z0-9 ]`), a leading `\\b` before a word character
    means "after a space": a literal space lets `re` skip ahead, for the same yes/no answer."""
    if _WORD_START.match(source):
        return " " + source[2:]
    return source


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
    """All category lexicons.

    Matching (`match`) is one pass over the message's tokens: a term of several words is indexed by the
    keys of its rarest word (the word whose alternatives are least frequent), a one-word term by each of
    its alternatives' rarest word; a per-token cache maps a token to what it anchors, and only those
    candidates are checked (a regular-expression search for several words, one substring test for a
    phrase, nothing for a single word). This finds exactly the terms the first-word index of
    `match_reference` finds (tests/screening/test_screening_lexicon_fast.py).
    """

    def __init__(self, directory: Path = LEXICON_DIR, categories: Iterable[str] | None = None) -> None:
        self.directory = directory
        self.versions: dict[str, int] = {}
        self._exact: dict[str, list[Term]] = {}
        self._prefix: dict[str, list[Term]] = {}
        self._prefix_lengths: list[int] = []
        self._raw: list[Term] = []
        # Fast path: terms in load order, their search patterns, hits and anchor index.
        self._terms: list[Term] = []
        self._search: dict[int, re.Pattern[str]] = {}  # terms of several words only
        self._hit: list[Hit] = []
        self._alt_exact: dict[str, list[tuple[int, str | None]]] = {}
        self._alt_prefix: dict[str, list[tuple[int, str | None]]] = {}
        self._alt_lengths: tuple[int, ...] = ()
        self._required: dict[int, frozenset[int]] = {}  # terms of several words only
        self._slots = 0
        self._slot_exact: dict[str, list[int]] = {}
        self._slot_prefix: dict[str, list[int]] = {}
        self._slot_lengths: tuple[int, ...] = ()
        self._anchor_term: dict[int, int] = {}
        self._cache: dict[str, tuple[frozenset[int], tuple[int, ...], tuple[tuple[int, str | None], ...]]] = {}
        for path in sorted(directory.glob("*.txt")):
            if categories is not None and path.stem not in categories:
                continue
            self._load(path)
        self._prefix_lengths = sorted({len(k) for k in self._prefix})
        self._slot_lengths = tuple(sorted({len(k) for k in self._slot_prefix}))
        self._alt_lengths = tuple(sorted({len(k) for k in self._alt_prefix}))
        self._raw_hits = [Hit(t.category, t.weight, t.rule) for t in self._raw]
        self._raw_fast = [re.compile(_fast_raw(t.pattern.pattern)) for t in self._raw]
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
                try:
                    source = _raw_regex(rest[3:])
                except ValueError as exc:
                    raise ValueError(f"{path.name}:{lineno}: {exc}") from exc
                needs_digit = "\\d" in source and "|" not in source.split("\\d", 1)[0]
                self._raw.append(Term(category, weight, rule, re.compile(source), condition, needs_digit))
                continue
            try:
                pattern, slots = compile_term_slots(rest)
            except (ValueError, re.error) as exc:
                raise ValueError(f"{path.name}:{lineno}: {exc}") from exc
            term = Term(category, weight, rule, pattern, condition)
            keys = slots[0] if slots else []
            for key, is_prefix in keys:
                (self._prefix if is_prefix else self._exact).setdefault(key, []).append(term)
            if not keys:
                continue  # never indexed by the first word, so never matched: keep it that way
            index = len(self._terms)
            self._terms.append(term)
            self._hit.append(Hit(category, weight, rule))
            words = [t for t in re.findall(r"\([^)]*\)\*?|\S+", rest) if t not in ("..", "...")]
            if len(words) == 1:
                # One word, whose alternatives may be phrases: each alternative is indexed by its rarest
                # word and checked as a plain substring, far faster than `re`.
                for key, phrase in _alternatives(words[0]):
                    bucket = self._alt_prefix if key[1] else self._alt_exact
                    bucket.setdefault(key[0], []).append((index, phrase))
                continue
            # A match starts at a token start (the text is space-padded, tokens single-spaced); a
            # leading literal space lets `re` skip ahead quickly.
            self._search[index] = re.compile(" (?:" + pattern.pattern + ")")
            anchors = [_word_anchor_keys(w) for w in words]
            # Every word with keys must be present (as a token, or a token's prefix) for a match.
            required: list[int] = []
            for keys in anchors:
                if not keys:
                    continue
                slot = self._slots
                self._slots += 1
                required.append(slot)
                for key, is_prefix in keys:
                    bucket = self._slot_prefix if is_prefix else self._slot_exact
                    entries = bucket.setdefault(key, [])
                    if not entries or entries[-1] != slot:
                        entries.append(slot)
            # The term is looked at when its rarest word is present, and kept if all the others are.
            best = min(range(len(anchors)), key=lambda k: _slot_cost(anchors[k]))
            rank = sum(1 for k in range(best) if anchors[k])
            self._anchor_term[required[rank]] = index
            self._required[index] = frozenset(required)

    def __len__(self) -> int:
        seen = {id(t) for terms in (*self._exact.values(), *self._prefix.values()) for t in terms}
        return len(seen) + len(self._raw)

    def _token_slots(self, token: str) -> tuple[frozenset[int], tuple[int, ...], tuple[tuple[int, str | None], ...]]:
        """The words (slots) of multi-word terms a token satisfies, the multi-word terms whose rarest
        word it is, and the one-word terms' alternatives it anchors (term, phrase to find or None when
        the token is the match); cached."""
        slots = set(self._slot_exact.get(token, ()))
        prefix = self._slot_prefix
        for k in self._slot_lengths:
            if k > len(token):
                break
            entries = prefix.get(token[:k])
            if entries:
                slots.update(entries)
        alts = list(self._alt_exact.get(token, ()))
        for k in self._alt_lengths:
            if k > len(token):
                break
            alts.extend(self._alt_prefix.get(token[:k], ()))
        anchor = self._anchor_term
        out = (frozenset(slots), tuple(anchor[s] for s in slots if s in anchor), tuple(alts))
        cache = self._cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[token] = out
        return out

    def match(self, n: Normalised, ctx: ScreenContext) -> dict[str, list[Hit]]:
        """Every term that matches the message in this context, grouped by category; within a category
        the hits are in lexicon order (file, then line)."""
        text = n.text
        cache = self._cache
        satisfied: set[int] = set()
        candidates: set[int] = set()
        found: set[int] = set()
        for token in set(text.split()):
            entry = cache.get(token)
            if entry is None:
                entry = self._token_slots(token)
            if entry[0]:
                satisfied.update(entry[0])
                candidates.update(entry[1])
            for i, phrase in entry[2]:
                if phrase is None or phrase in text:
                    found.add(i)
        terms = self._terms
        if candidates:
            search, required = self._search, self._required
            for i in candidates:
                if required[i] <= satisfied:
                    condition = terms[i].condition  # checked first: a term out of context is not searched
                    if (condition is None or CONDITIONS[condition](ctx)) and search[i].search(text):
                        found.add(i)
        hits: dict[str, list[Hit]] = {}
        hit = self._hit
        for i in sorted(found):
            condition = terms[i].condition
            if condition is None or CONDITIONS[condition](ctx):
                h = hit[i]
                hits.setdefault(h.category, []).append(h)
        has_digit = _DIGIT.search(text) is not None
        for term, h, fast in zip(self._raw, self._raw_hits, self._raw_fast, strict=True):
            if has_digit or not term.needs_digit:
                if term.condition is not None and not CONDITIONS[term.condition](ctx):
                    continue
                if fast.search(text):
                    hits.setdefault(h.category, []).append(h)
        return hits

    def match_reference(self, n: Normalised, ctx: ScreenContext) -> dict[str, list[Hit]]:
        """The first matcher (one combined pattern per first word, tried at every token): slow, kept as
        the reference the fast matcher is tested against."""
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
