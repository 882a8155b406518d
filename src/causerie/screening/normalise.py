"""Text normalisation that undoes the usual filter-dodging tricks.

`normalise(text)` returns a `Normalised` object with several views of one message:

- `lower`: Unicode-folded (NFKC, look-alike letters mapped to Latin, zero-width characters removed),
  lower-cased and accent-free, punctuation kept. Contact details (e-mails, URLs, handles) are read here.
- `text`: the matching view used by lexicons and the model: letters split by spaces or dots joined
  (`s n a p` → `snap`), leetspeak undone (`c0ke` → `coke`), punctuation turned into spaces, repeated
  letters squeezed (`trooop` → `trop`, `snapp` → `snap`), SMS spelling and verlan mapped to plain words,
  emoji codes turned into words (`🍃` → `emoleaf`). Always padded with one space on both sides.
- `digits` (computed lazily): `lower` with numbers written as words turned into digits
  (`zero six douze` → `0 6 12`), the letter `o` inside digit groups read as zero.

Every step is a `str.translate` or one compiled regular expression, so normalising a 200-character
message costs a few tens of microseconds.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

__all__ = ["Normalised", "normalise", "squeeze", "fold", "words_to_digits", "join_spaced_letters",
           "undo_leet", "EMOJI_WORDS"]

# Look-alike letters (Cyrillic, Greek) that NFKC does not fold into Latin.
_CONFUSABLES = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "к": "k", "м": "m", "т": "t", "в": "b", "н": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "ӏ": "l", "ё": "e", "ї": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ο": "o", "α": "a", "ε": "e",
    "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "β": "b", "η": "n",
    "µ": "u", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
}

# Emoji commonly used as code words. Each becomes a plain word the lexicons can name.
EMOJI_WORDS = {
    "🍃": "emoleaf", "🌿": "emoleaf", "🥦": "emoleaf", "🌱": "emoleaf", "🍁": "emoleaf",
    "❄": "emosnow", "⛄": "emosnow", "☃": "emosnow", "💊": "emopill", "💉": "emosyringe",
    "🍫": "emochoco", "🍄": "emoshroom", "🔌": "emoplug", "💨": "emosmoke", "🚬": "emosmoke",
    "🍑": "emopeach", "🍆": "emoeggplant", "💦": "emodrops", "👅": "emotongue", "🔞": "emoadult",
    "🌶": "emohot", "🔥": "emofire", "😈": "emodevil", "🥵": "emohot",
    "💰": "emomoney", "💶": "emomoney", "💵": "emomoney", "💸": "emomoney", "🤑": "emomoney",
    "💳": "emocard", "🌹": "emorose", "💐": "emorose", "🎁": "emogift",
    "👻": "emoghost", "📞": "emophone", "📱": "emophone", "☎": "emophone", "📧": "emomail",
    "🔪": "emoknife", "🔫": "emogun", "💣": "emobomb", "⚰": "emocoffin", "🪦": "emocoffin",
    "💀": "emoskull", "🐷": "emopig", "🐒": "emomonkey", "🐵": "emomonkey", "🦍": "emomonkey",
    "🍌": "emobanana", "🤫": "emosecret", "📸": "emocamera", "📷": "emocamera",
}

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\ufe0f\ufe0e\u034f"
_APOSTROPHES = "\u2019\u2018\u02bc\u00b4\u0060\u2032"


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): None for c in _ZERO_WIDTH}
    table.update({ord(c): "'" for c in _APOSTROPHES})
    for src, dst in _CONFUSABLES.items():
        table[ord(src)] = dst
    for emoji, word in EMOJI_WORDS.items():
        table[ord(emoji)] = f" {word} "
    table[ord("€")] = " euros "
    # Accented Latin letters (Latin-1 Supplement and Latin Extended-A/B) to their base letter.
    for code in range(0xC0, 0x250):
        ch = chr(code)
        if code in table:
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii():
            table[code] = base.lower()
    return table


_TABLE = _build_table()
_COMBINING = re.compile(r"[\u0300-\u036f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _translate_run(m: re.Match[str]) -> str:
    return m.group(0).translate(_TABLE)


def fold(text: str) -> str:
    """NFKC, look-alikes to Latin, zero-width removed, lower case, accents stripped, emoji to words."""
    folded = unicodedata.normalize("NFKC", text).lower()
    # The table maps one ASCII character (the backquote); every other entry is non-ASCII, so only
    # non-ASCII runs need the (per-character, slow) translation.
    if "`" in folded:
        folded = folded.replace("`", "'")
    if folded.isascii():
        return folded
    folded = _NON_ASCII_RUN.sub(_translate_run, folded)
    if _NON_ASCII.search(folded):
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return folded


# Letters (or digits) split by separators: "s n a p", "w.h.a.t.s.a.p.p", "i-n-s-t-a".
_SPACED = re.compile(r"(?<![a-z0-9])[a-z](?:[ .\-_*·/|+~]{1,3}[a-z](?![a-z0-9])){2,}")
_SPACED_SEP = re.compile(r"[ .\-_*·/|+~]")


_WORD_GAP = re.compile(r"\s{2,}")


def _join_run(m: re.Match[str]) -> str:
    # A wider gap of spaces separates words: "j e  v a i s" → "je vais", not "jevais".
    return " ".join([_SPACED_SEP.sub("", word) for word in _WORD_GAP.split(m.group(0))])


def join_spaced_letters(text: str) -> str:
    """Join runs of three or more single letters separated by spaces, dots, dashes or similar; two or
    more spaces in a run mark the end of a word."""
    return _SPACED.sub(_join_run, text)


_LEET_TABLE = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                             "@": "a", "$": "s", "!": "i", "9": "g"})
# A token mixing letters with digits or leet symbols, like c0ke, b3uh, sn@p, h3r0ine.
_LEET_TOKEN = re.compile(r"(?<![\w@$!])(?=[a-z0-9@$!]*[a-z][a-z0-9@$!]*[a-z])(?=[a-z0-9@$!]*[0-9@$!])[a-z0-9@$!]{3,}")
_LEET_MARK = re.compile(r"[0-9@$!]")
# Numbers with a unit or an ordinal suffix stay as they are: 20g, 3mmc, 10e, 2eme, 16ans.
_QUANTITY = re.compile(r"\d+(?:[.,]\d+)?(?:g|gr|kg|mg|e|eur|euros|m|mmc|k|h|min|mn|an|ans|cm|km|x|eme|er|ere|"
                       r"e?me|aine|s|j|ml|cl|l)?")


def undo_leet(text: str) -> str:
    """Read digits and symbols inside words as letters (c0ke → coke), but keep quantities (20g, 3m)."""

    def repl(m: re.Match[str]) -> str:
        token = m.group(0)
        if _QUANTITY.fullmatch(token):
            return token
        # Marks at the end of a word are punctuation, not letters: "reponds!!!" is not "repondsiii".
        head = token.rstrip("!")
        tail = token[len(head):]
        if tail and not _LEET_MARK.search(head):
            return token
        return head.translate(_LEET_TABLE) + tail

    return _LEET_TOKEN.sub(repl, text)


_REPEATS = re.compile(r"([a-z])\1+")


def squeeze(text: str) -> str:
    """Squeeze repeated letters to one: trooop → trop, snapp → snap (digits are kept)."""
    return _REPEATS.sub(r"\1", text)


_PUNCT = re.compile(r"[^a-z0-9]+")


def _load_token_map() -> dict[str, str]:
    """SMS spellings and verlan (lexicons/sms_fr.tsv): variant → plain words, both normalised."""
    mapping: dict[str, str] = {}
    source = Path(__file__).with_name("lexicons") / "sms_fr.tsv"
    for raw in source.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        variant, _, plain = line.partition("\t")
        if not plain:
            variant, _, plain = line.partition(" ")
        key = _simple(variant)
        value = _simple(plain)
        if key and value and " " not in key:
            mapping[key] = value
    return mapping


def _simple(text: str) -> str:
    return squeeze(_PUNCT.sub(" ", fold(text))).strip()


_TOKEN_MAP: dict[str, str] = {}
_TOKEN_RE: re.Pattern[str] | None = None


def _token_re() -> tuple[re.Pattern[str], dict[str, str]]:
    global _TOKEN_RE, _TOKEN_MAP
    if _TOKEN_RE is None:
        _TOKEN_MAP = _load_token_map()
        alternation = "|".join(sorted(map(re.escape, _TOKEN_MAP), key=len, reverse=True))
        _TOKEN_RE = re.compile(rf"(?<= )(?:{alternation})(?= )")
    return _TOKEN_RE, _TOKEN_MAP


def map_tokens(padded: str) -> str:
    """Replace SMS and verlan tokens in a space-padded, squeezed text."""
    pattern, mapping = _token_re()
    # Tokens are separated by single spaces; substituting twice handles adjacent matches.
    return pattern.sub(lambda m: mapping[m.group(0)], padded)


# Numbers written as words (French first, some English).
_UNITS = {"zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
          "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
          "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
          "quarante": 40, "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80,
          "nonante": 90, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_NUMBER_WORDS = sorted(_UNITS, key=len, reverse=True)  # longest first: "une" before "un"
_NUMBER_WORD = "|".join(_NUMBER_WORDS)


def _by_first_letter(words: list[str]) -> str:
    """The alternation of `words` grouped by first letter (`d(?:ouze|eux|ix)|…`), each group in the
    words' order: the same matches in the same order of preference, since two groups never start with
    the same letter, but `re` tests a dozen first letters at a word start instead of fifty words."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


_NUMBER_RUN = re.compile(
    rf"(?<![a-z0-9])(?:(?:{_by_first_letter(_NUMBER_WORDS)}|\d+)"
    rf"(?:[\s.,\-/]+|\s*et\s+)?){{3,}}(?![a-z])")
_NUMBER_TOKEN = re.compile(rf"{_NUMBER_WORD}|\d+")
_DIGIT = re.compile(r"\d")
_DIGIT_O = re.compile(r"(?<![a-z0-9])(?=[0-9o \t.\-]*[0-9])[0-9o]+(?:[ \t.\-]+[0-9o]+)+(?![a-z0-9])")


def _compose(values: list[int]) -> list[str]:
    """Compose French number words: [30, 4] → "34", [60, 10, 8] → "78", [4, 20, 10] → "90"."""
    out: list[str] = []
    padded = [*values, -1, -1, -1]
    i = 0
    while i < len(values):
        v = padded[i]
        i += 1
        if v == 4 and padded[i] == 20:  # quatre-vingt(s)
            v, i = 80, i + 1
        if v in (60, 80) and 10 <= padded[i] <= 19:
            v, i = v + padded[i], i + 1
        elif v in (20, 30, 40, 50, 60, 70, 80, 90) and 1 <= padded[i] <= 9:
            v, i = v + padded[i], i + 1
        if v in (70, 90) and 1 <= padded[i] <= 9:
            v, i = v + padded[i], i + 1
        out.append(str(v))
    return out


def words_to_digits(text: str) -> str:
    """Turn runs of three or more number words/digit groups into digits: "zero six douze" → "0612"."""

    def repl(m: re.Match[str]) -> str:
        values: list[int] = []
        digits: list[str] = []
        for token in _NUMBER_TOKEN.findall(m.group(0)):
            if token.isdigit():
                if values:
                    digits.extend(_compose(values))
                    values = []
                digits.append(token)
            else:
                values.append(_UNITS[token])
        if values:
            digits.extend(_compose(values))
        return " " + "".join(digits) + " "

    text = _DIGIT_O.sub(lambda m: m.group(0).replace("o", "0"), text)
    return _NUMBER_RUN.sub(repl, text)


class Normalised:
    """Several views of one message; see the module docstring."""

    __slots__ = ("original", "lower", "text", "_digits", "_joined")

    def __init__(self, original: str, lower: str, text: str) -> None:
        self.original = original
        self.lower = lower
        self.text = text
        self._digits: str | None = None
        self._joined: str | None = None

    @property
    def joined(self) -> str:
        """`lower` with letters split by separators joined (`s n a p` → `snap`)."""
        if self._joined is None:
            self._joined = join_spaced_letters(self.lower)
        return self._joined

    @property
    def digits(self) -> str:
        if self._digits is None:
            self._digits = words_to_digits(self.joined)
        return self._digits

    def has_digits(self) -> bool:
        """Whether the digits view holds a digit, without building it: without a digit in `joined`, only
        a run of number words (`_NUMBER_RUN`) can put one there."""
        if self._digits is not None:
            return _DIGIT.search(self._digits) is not None
        joined = self.joined
        return _DIGIT.search(joined) is not None or _NUMBER_RUN.search(joined) is not None

    def __repr__(self) -> str:
        return f"Normalised(text={self.text!r})"


# Words whose double letter tells them from a trigger word once squeezed: "la salle des fêtes" is not
# "sale" (dirty, the start of many insults).
_KEEP_DOUBLE = frozenset({"salle", "salles"})

_CHUNK_CACHE: dict[str, str] = {}
_CHUNK_CACHE_LIMIT = 100_000


def _chunk(chunk: str) -> str:
    """The matching view of one whitespace-free chunk: leetspeak undone, punctuation to spaces, repeats
    squeezed, SMS/verlan tokens mapped. Every step is local to a chunk, so chunks are cached."""
    out = _CHUNK_CACHE.get(chunk)
    if out is None:
        _, mapping = _token_re()
        tokens = [t if t in _KEEP_DOUBLE else squeeze(t) for t in _PUNCT.sub(" ", undo_leet(chunk)).split()]
        out = " ".join([mapping.get(t, t) for t in tokens])
        if len(_CHUNK_CACHE) >= _CHUNK_CACHE_LIMIT:
            _CHUNK_CACHE.clear()
        _CHUNK_CACHE[chunk] = out
    return out


def normalise(text: str) -> Normalised:
    lower = fold(text)
    joined = join_spaced_letters(lower)
    # Same as map_tokens(" " + " ".join(squeeze(_PUNCT.sub(" ", undo_leet(joined))).split()) + " "), except
    # that the words of _KEEP_DOUBLE are not squeezed, computed chunk by chunk (undo_leet, punctuation,
    # squeezing and the token map never cross whitespace).
    cache = _CHUNK_CACHE
    parts = [cache.get(c) or _chunk(c) for c in joined.split()]
    t = " " + " ".join([p for p in parts if p]) + " "
    n = Normalised(text, lower, t)
    n._joined = joined
    return n
