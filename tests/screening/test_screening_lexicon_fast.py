"""The fast lexicon matcher finds exactly the terms the first (reference) matcher finds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from causerie.screening.lexicon import Lexicons, compile_term
from causerie.screening.normalise import normalise
from causerie.screening.types import ScreenContext

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = [
    ScreenContext(where="room", band="adult", sender_age=30, room="Général"),
    ScreenContext(where="pm", band="teen", sender_age=34, recipient_age=15),
    ScreenContext(where="pm", band="teen", sender_age=15, recipient_age=16),
    ScreenContext(where="pm", band="adult", sender_age=25, recipient_age=40),
]


def _corpus() -> list[str]:
    texts: list[str] = []
    for name in ("train.jsonl", "tune.jsonl"):
        path = ROOT / "data" / "screening" / name
        if path.exists():
            with open(path, encoding="utf-8") as handle:
                texts.extend(json.loads(line)["text"] for line in handle if line.strip())
    assert texts
    return texts


def _rules(hits: dict) -> set[str]:
    return {h.rule for found in hits.values() for h in found}


@pytest.fixture(scope="module")
def lexicons() -> Lexicons:
    return Lexicons()


def test_fast_matcher_equals_reference_on_training_corpus(lexicons: Lexicons) -> None:
    texts = _corpus()
    # Long messages too: several lines glued together, as in the benchmark.
    texts += [" ".join(texts[i:i + 4]) for i in range(0, len(texts), 7)]
    differences = []
    for i, text in enumerate(texts):
        n = normalise(text)
        ctx = CONTEXTS[i % len(CONTEXTS)]
        fast, reference = _rules(lexicons.match(n, ctx)), _rules(lexicons.match_reference(n, ctx))
        if fast != reference:
            differences.append((text, sorted(fast ^ reference)))
    assert not differences, differences[:5]


def test_fast_matcher_groups_by_category(lexicons: Lexicons) -> None:
    hits = lexicons.match(normalise("yo j ai de la b3uh dispo, 10 le g"), CONTEXTS[0])
    assert "drugs" in hits and all(h.category == "drugs" for h in hits["drugs"])


@pytest.mark.parametrize("term", ["(pourquoi|pk) (tu|t) (me )?(reponds|repond)", "(a|(b|c))", "reponds?"])
def test_a_term_outside_the_syntax_is_refused(term: str) -> None:
    # "(me )?(reponds|…)" once compiled to the literal words "me reponds …", so the term never matched.
    with pytest.raises(ValueError, match="not a lexicon word"):
        compile_term(term)


@pytest.mark.parametrize("line", ["0.2 re:\\b\\d+ ?(g|grammes?)\\b", "0.5 (combien) .. re:\\d+balles"])
def test_a_raw_pattern_word_the_matching_view_changes_is_refused(tmp_path: Path, line: str) -> None:
    # The matching view squeezes doubled letters ("grammes" reads "grames"), so a raw pattern that spells
    # them never matched: `grammes?` and `balles` sat dead in drugs.txt until session 17.
    (tmp_path / "demo.txt").write_text(f"# version: 1\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"demo.txt:2: .* never matches: the matching view reads it"):
        Lexicons(tmp_path)
    (tmp_path / "demo.txt").write_text("# version: 1\n0.2 re:\\b\\d+ ?(g|grames?)\\b\n", encoding="utf-8")
    assert _rules(Lexicons(tmp_path).match(normalise("200 grammes"), CONTEXTS[0])) == {"demo:2"}


def test_alternatives_with_spaces_compile() -> None:
    pattern, _ = compile_term("(pourquoi|pk) (tu|t|tu me) (reponds|repond) pas")
    assert pattern.search(normalise("pourquoi tu me réponds pas").text)


def test_phrase_alternatives_match_as_the_reference_does(tmp_path: Path) -> None:
    # A one-word term whose alternatives are phrases is checked as plain substrings of the matching view:
    # the same answers as the regular expression, including a prefix at the end of a phrase and the
    # phrase's words present but apart.
    (tmp_path / "demo.txt").write_text("# version: 1\n0.5   (quel age|bien mont*|asv)\n0.4   livr*\n",
                                       encoding="utf-8")
    lexicons = Lexicons(tmp_path)
    cases = {
        "t'as quel âge ?": True, "quel est ton âge": False, "il est bien monté": True,
        "bien montagnard lui": True, "la montée est bien": False, "bien mon pote": False, "asv stp": True,
        "asvp": False, "quelage": False, "on livre demain": True, "le livret": True, "délivré": False,
    }
    for text, expected in cases.items():
        n = normalise(text)
        fast, reference = _rules(lexicons.match(n, CONTEXTS[0])), _rules(lexicons.match_reference(n, CONTEXTS[0]))
        assert fast == reference, text
        assert bool(fast) == expected, text
