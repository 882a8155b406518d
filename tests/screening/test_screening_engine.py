"""Engine behaviour: context-aware ages, policy actions, reasons, reload and the fail-safe."""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import pytest

from causerie.screening import ScreenContext, Screener, Verdict
from causerie.screening.detectors import default_detectors
from causerie.screening.detectors.base import Evidence
from causerie.screening.engine import combine
from causerie.screening.normalise import Normalised
from causerie.screening.policy import DEFAULT_POLICY_PATH, PolicyError
from causerie.screening.types import CATEGORIES

ADULTS = ScreenContext(where="pm", band="adult", sender_age=31, recipient_age=33)
ADULT_TO_TEEN = ScreenContext(where="pm", band="teen", sender_age=31, recipient_age=15)
TEENS = ScreenContext(where="pm", band="teen", sender_age=15, recipient_age=16)
TEEN_ROOM = ScreenContext(where="room", band="teen", sender_age=16, room="Ados 15-17")
ADULT_ROOM = ScreenContext(where="room", band="adult", sender_age=25, room="Général")
SLUR_IN_THREAT = "sale pd je vais te retrouver et te planter"
EXPLICIT_ROOM = ScreenContext(where="room", band="adult", sender_age=25, room="Coquin 18+", explicit_allowed=True)


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def test_interface(screener: Screener) -> None:
    v = screener.screen("bonjour", ADULT_ROOM)
    assert isinstance(v, Verdict)
    assert v.labels == () and v.action == "allow" and v.category is None and v.reason is None
    assert not v.open_case and set(v.scores) >= {"drugs", "contact", "sexual_minor"}


def test_age_question_depends_on_ages(screener: Screener) -> None:
    question = "t'as quel âge ?"
    assert screener.screen(question, ADULTS).action == "allow"
    assert screener.screen(question, TEENS).action == "allow"
    grooming = screener.screen(question, ADULT_TO_TEEN)
    assert "sexual_minor" in grooming.labels
    assert grooming.action == "block" and grooming.open_case


def test_explicit_talk_to_a_minor_is_sexual_minor(screener: Screener) -> None:
    v = screener.screen("j'ai envie de toi, plan cul ce soir ?", ADULT_TO_TEEN)
    assert "sexual_minor" in v.labels and "sexual_explicit" not in v.labels


@pytest.mark.parametrize("message", ["je vais te retrouver et te planter", "je sais où tu habites, fais gaffe",
                                     "t'es qu'une merde personne t'aime", "vends beuh et coke, livraison 24h",
                                     "ajoute moi sur snap c'est jeanne.du.75"])
def test_quotes_do_not_hide_harm(screener: Screener, message: str) -> None:
    # Writers quote harm mostly to report it; a model that learned quotes as innocence would let anyone
    # wrap a threat in quotes (session 10 tried quoted words as features: wrapped lines lost 0.18 of recall,
    # and that model allowed the veiled threat below once quoted).
    plain = screener.screen(message, ADULTS)
    assert plain.action != "allow"
    for wrapped in (f'"{message}"', f"« {message} »", f"“{message}”"):
        verdict = screener.screen(wrapped, ADULTS)
        assert verdict.action == plain.action and verdict.labels == plain.labels, wrapped


def test_sexual_explicit_allowed_only_in_opt_in_rooms(screener: Screener) -> None:
    message = "dispo pour un plan cul ce soir, j'ai trop envie de toi"
    assert screener.screen(message, ADULT_ROOM).action == "block"
    allowed = screener.screen(message, EXPLICIT_ROOM)
    assert "sexual_explicit" in allowed.labels and allowed.action == "allow"


def test_contact_blocked_for_teens_flagged_for_adults(screener: Screener) -> None:
    message = "ajoute moi sur snap c'est theo.zz.92"
    teen = screener.screen(message, TEEN_ROOM)
    adult = screener.screen(message, ADULT_ROOM)
    assert teen.action == "block" and teen.category == "contact"
    assert adult.action == "flag" and adult.category == "contact"


def test_default_actions(screener: Screener) -> None:
    drugs = screener.screen("qui a de la beuh ? livraison possible", ADULT_ROOM)
    assert drugs.action == "block" and drugs.open_case and drugs.category == "drugs"
    harassment = screener.screen("t'es qu'un gros connard", ADULTS)
    assert harassment.action == "hold" and not harassment.open_case
    assert harassment.reason is not None and harassment.reason["fr"] and harassment.reason["en"]
    assert harassment.code == "screening.harassment"


def test_every_category_has_reasons_in_both_languages(screener: Screener) -> None:
    for rule in screener.policy.categories.values():
        assert rule.reason["fr"] and rule.reason["en"]


def test_multiple_labels_most_severe_action_wins(screener: Screener) -> None:
    # The mechanism, on the deterministic lexicons: every category that fires is a label, and the most
    # severe action wins.
    rules = Screener(detectors=default_detectors(with_model=False))
    v = rules.screen(SLUR_IN_THREAT, ADULTS)
    assert {"threat", "hate", "harassment"} <= set(v.labels)
    assert v.action == "block" and v.category in {"threat", "hate"}
    v = screener.screen(SLUR_IN_THREAT, ADULTS)
    assert {"threat", "harassment"} <= set(v.labels) and v.action == "block"


def test_slur_inside_threat_keeps_hate(screener: Screener) -> None:
    # The learned stage, trained on writers who mostly labelled a slur inside a threat to one person as
    # harassment, scores `hate` below 0.5 here; the line's other labels let hate's companion threshold
    # take it (since the fifteenth engine).
    v = screener.screen(SLUR_IN_THREAT, ADULTS)
    assert {"threat", "hate", "harassment"} <= set(v.labels) and v.action == "block"


def known_false_positive(reason: str) -> pytest.MarkDecorator:
    """A benign line the shipped engine still labels (docs/screening.md): strict, so the suite fails
    once an engine gets it right and the case must become a plain one."""
    return pytest.mark.xfail(strict=True, reason="known false positive (docs/screening.md): " + reason)


@pytest.mark.parametrize(("text", "ctx", "category"), [
    # Held as harassment by the sixth to the nineteenth engines (0.54–0.69; a strict xfail then): its writers used
    # these words mostly in persistent unwanted contact. The twentieth (0.46) trained on `pu`, who wrote the same
    # kinds of words where they are welcome beside persistence after a no.
    pytest.param("tu m'ignores ?", ADULT_ROOM, "harassment", id="asking-if-ignored"),
    pytest.param("pourquoi tu réponds pas ?", ADULTS, "harassment", id="why-no-answer", marks=known_false_positive(
        "held as harassment since the seventh engine (the twentieth: 0.58, the nineteenth 0.70): its writers used "
        "it mostly in persistent unwanted contact")),
    # The tenth engine blocked this as scam (0.53; a strict xfail then): no writer had written a benign line
    # with a link. The eleventh trained on `tu`, who wrote ~250 of them.
    pytest.param("regarde ce site https://example.org", ADULT_ROOM, "scam", id="link-in-a-room"),
    # The fifteenth engine blocked this as drugs (0.97): quantities in grams were mostly drug deals in its
    # writers' lines. The sixteenth trained on `rp`, who wrote words with two meanings side by side.
    pytest.param("ajoute 200 grammes de farine", ADULT_ROOM, "drugs", id="grams-in-a-recipe"),
    # Session 16: other recipes that the engine blocks; no test named them before. The eighteenth blocked
    # this one as drugs (0.68; a strict xfail then); the nineteenth's recipe terms in the drugs lexicon (a
    # cooking verb before a quantity) bring it to 0.04.
    pytest.param("ajoute 20 grammes de beurre", ADULT_ROOM, "drugs", id="recipe-butter"),
    pytest.param("il faut 3 grammes de sel", ADULT_ROOM, "drugs", id="recipe-salt", marks=known_false_positive(
        "the twentieth engine blocks it as drugs (0.53; the nineteenth 0.56, the eighteenth 0.78): quantities in "
        "grams were mostly drug deals in its writers' lines, and this recipe line has no cooking verb for the "
        "recipe terms")),
    pytest.param("c'est un labrador de race pure", ADULT_ROOM, "hate", id="dog-breed", marks=known_false_positive(
        "the twentieth engine blocks a dog's breed as hate (0.90), as the nineteenth (0.89), the eighteenth "
        "(0.70), the seventeenth (0.71) and the sixteenth (0.73): 'race pure' is a hate lexicon term and the "
        "model does not veto it next to an animal")),
    # The fifth engine read these bare words as sexual_explicit (0.56) and blocked them (a strict xfail then).
    pytest.param("entre adultes", ADULTS, "sexual_explicit", id="between-adults"),
])
def test_innocent_line_is_allowed(screener: Screener, text: str, ctx: ScreenContext, category: str) -> None:
    v = screener.screen(text, ctx)
    assert category not in v.labels and v.action == "allow"


class Boom:
    name = "boom"

    def detect(self, n: Normalised, ctx: ScreenContext, evidence: Evidence) -> None:
        raise RuntimeError("bug")


class Slow:
    name = "slow"

    def detect(self, n: Normalised, ctx: ScreenContext, evidence: Evidence) -> None:
        end = time.thread_time() + 0.06  # the budget counts CPU time: spin past it
        while time.thread_time() < end:
            pass


@pytest.mark.parametrize("bad", [Boom(), Slow()])
def test_failsafe_holds_in_teen_band(bad: object, caplog: pytest.LogCaptureFixture) -> None:
    screener = Screener(detectors=[*default_detectors(with_model=False), bad])  # type: ignore[list-item]
    secret = "message tout à fait banal numéro 4242"
    with caplog.at_level(logging.ERROR, logger="causerie.screening"):
        teen = screener.screen(secret, TEEN_ROOM)
    assert teen.action == "hold" and teen.category == "screening_error"
    assert teen.reason is not None and teen.errors
    assert "4242" not in caplog.text and "banal" not in caplog.text  # never log message text
    assert bad.name in caplog.text  # type: ignore[attr-defined]
    adult = screener.screen(secret, ADULT_ROOM)
    assert adult.action != "allow" or adult.errors  # never crashes; adult failsafe is configurable


def test_failsafe_keeps_the_stronger_verdict() -> None:
    screener = Screener(detectors=[*default_detectors(with_model=False), Boom()])
    v = screener.screen("qui a de la beuh ? livraison possible", TEEN_ROOM)
    assert v.action == "block" and v.category == "drugs"


def _policy_copy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.toml"
    shutil.copy(DEFAULT_POLICY_PATH, path)
    return path


def test_policy_reload(tmp_path: Path) -> None:
    path = _policy_copy(tmp_path)
    screener = Screener(policy_path=path)
    message = "t'es qu'un gros connard"
    assert screener.screen(message, ADULTS).action == "hold"
    text = path.read_text(encoding="utf-8")
    start = text.index("[categories.harassment]")
    section = text[start:].replace('adult = "hold"', 'adult = "block"', 1)
    path.write_text(text[:start] + section, encoding="utf-8")
    screener.reload()
    assert screener.screen(message, ADULTS).action == "block"


def test_policy_reload_on_mtime_change(tmp_path: Path) -> None:
    path = _policy_copy(tmp_path)
    screener = Screener(policy_path=path)
    text = path.read_text(encoding="utf-8")
    start = text.index("[categories.harassment]")
    path.write_text(text[:start] + text[start:].replace('adult = "hold"', 'adult = "shadow"', 1), encoding="utf-8")
    screener._checked = 0.0  # the file is checked at most once a second
    screener._mtime = -1.0
    v = screener.screen("t'es qu'un gros connard", ADULTS)
    assert v.action == "shadow" and v.reason is None  # shadow: the sender is not told


def test_invalid_policy_keeps_previous(tmp_path: Path) -> None:
    path = _policy_copy(tmp_path)
    screener = Screener(policy_path=path)
    path.write_text(path.read_text(encoding="utf-8").replace('teen = "block"', 'teen = "explode"', 1),
                    encoding="utf-8")
    with pytest.raises(PolicyError):
        screener.reload()
    assert screener.screen("qui a de la beuh ? livraison possible", ADULT_ROOM).action == "block"


def test_context_from_mapping() -> None:
    ctx = ScreenContext.from_mapping({"where": "pm", "sender_age": 38, "recipient_age": 14, "room": None})
    assert ctx.band == "teen" and ctx.adult_to_minor
    room = ScreenContext.from_mapping({"where": "room", "sender_age": 30, "recipient_age": None,
                                       "room": "Coquin 18+"}, explicit_rooms=frozenset({"Coquin 18+"}))
    assert room.band == "adult" and room.explicit_allowed and room.space == "adult_explicit"


def test_combine_weighs_a_pattern_on_its_own() -> None:
    five = [0.5, 1.0, 0.3, -2.0, 4.0]
    without = [0.5, 1.0, 0.3, -2.0, 0.0]
    # The fifth coefficient weighs the pattern on its own: the same words and rules, with and without it.
    assert combine(0.9, 0.1, five, pattern=0.0) == pytest.approx(combine(0.9, 0.1, without, pattern=0.9))
    assert combine(0.9, 0.1, five, pattern=0.9) > 0.5 > combine(0.9, 0.1, five, pattern=0.0)
    # Without a model the rule score is the score.
    assert combine(0.7, None, five, pattern=0.9) == 0.7


@pytest.fixture(scope="module")
def chain() -> list:
    """A chain of its own, whose model's companion thresholds the tests below set."""
    return default_detectors()


def _with_companions(chain: list, companion: dict[str, float]) -> Screener:
    """A screener on `chain`, its model given these companion thresholds (read when a Screener is made)."""
    model = next(d for d in chain if d.name == "model")
    model.companion = companion
    return Screener(detectors=chain)


def test_a_labelled_line_takes_a_second_label_at_its_companion_threshold(chain: list) -> None:
    plain = _with_companions(chain, {}).screen(SLUR_IN_THREAT, ADULTS)
    assert plain.labels
    # The strongest category the line did not get, and its score.
    second = max((c for c in CATEGORIES if c not in plain.labels), key=lambda c: plain.scores[c])
    score = plain.scores[second]
    assert 0.0 < score < 0.5
    below = _with_companions(chain, {second: round(score - 0.0001, 4)}).screen(SLUR_IN_THREAT, ADULTS)
    assert set(below.labels) == set(plain.labels) | {second}
    above = _with_companions(chain, {second: round(score + 0.0001, 4)}).screen(SLUR_IN_THREAT, ADULTS)
    assert above.labels == plain.labels


def test_a_line_without_a_label_gains_none_from_companions(chain: list) -> None:
    plain = _with_companions(chain, {})
    everything = _with_companions(chain, {c: 0.0 for c in CATEGORIES})
    for text, ctx in [("bonjour tout le monde, bonne soirée", ADULT_ROOM), ("on se voit au match samedi ?", ADULTS)]:
        assert plain.screen(text, ctx).labels == ()
        v = everything.screen(text, ctx)
        assert v.labels == () and v.action == "allow"
