"""Each detector family on an obvious positive and a hard negative."""

from __future__ import annotations

import pytest

from causerie.screening import ScreenContext, Screener
from causerie.screening.detectors import default_detectors
from causerie.screening.features import features
from causerie.screening.normalise import normalise

ADULTS = ScreenContext(where="pm", band="adult", sender_age=30, recipient_age=29)
ROOM = ScreenContext(where="room", band="adult", sender_age=30, room="Général")
ADULT_TO_TEEN = ScreenContext(where="pm", band="teen", sender_age=34, recipient_age=15)
TEENS = ScreenContext(where="pm", band="teen", sender_age=16, recipient_age=16)


@pytest.fixture(scope="module")
def rules() -> Screener:
    return Screener(detectors=default_detectors(with_model=False))


@pytest.fixture(scope="module")
def full() -> Screener:
    return Screener()


POSITIVES = [
    ("drugs", "yo j ai de la b3uh et du teuchi dispo, 10 le g, livraison possible", ROOM),
    ("drugs", "qui a de la c0ke ce soir ?", ROOM),
    ("drugs", "🍃❄️ dispo sur Paris, prix en mp", ROOM),
    ("solicitation", "plan rémunéré ce soir, 150 roses l'heure, je reçois", ROOM),
    ("solicitation", "tu prends combien pour une nuit ?", ADULTS),
    ("hate", "les arabes c'est tous des voleurs, dehors", ROOM),
    ("hate", "mort aux pd", ROOM),
    ("harassment", "t'es qu'une grosse pute, ferme ta gueule", ADULTS),
    ("harassment", "pourquoi tu me réponds pas ? tu m'as bloqué, j'ai fait un nouveau compte", ADULTS),
    ("threat", "je sais où tu habites, je vais te retrouver", ADULTS),
    ("threat", "viens seul au parc samedi, on t'attend", ADULTS),
    ("scam", "envoie moi 3 codes neosurf de 50 sinon j'envoie tes photos à ta famille", ADULTS),
    ("scam", "gagne 500 euros par jour sans rien faire grâce au trading crypto", ROOM),
    ("contact", "ajoute moi sur s n a p", ADULTS),
    ("contact", "mon num c'est zero six douze trente quatre cinquante six soixante dix huit", ADULTS),
    ("contact", "écris moi : theo.martin@mail.example", ADULTS),
    ("contact", "mon 👻 c'est theo.zz.92", ADULTS),
    ("sexual_explicit", "dispo pour un plan cul ce soir, j'ai trop envie de toi", ADULTS),
    ("sexual_minor", "t'as quel âge ? tu es seule chez toi ? c'est notre secret", ADULT_TO_TEEN),
    ("sexual_minor", "envoie moi une photo de toi en maillot, dis rien à tes parents", ADULT_TO_TEEN),
    ("threat", "si tu recommences je te plante, je rigole pas", ADULTS),
    ("threat", "tu rentreras pas entier ce soir", ADULTS),
    ("harassment", "Emma elle a couché avec la moitié de l'amphi, faites gaffe", ROOM),
    ("solicitation", "les nuits c'est 400 euros", ROOM),
]

NEGATIVES = [
    ("drugs", "j'ai vu un reportage sur le trafic de cannabis à Marseille", ROOM),
    ("drugs", "mon médecin m'a prescrit du tramadol pour le dos", ADULTS),
    ("solicitation", "je lui ai offert un bouquet de roses pour son anniversaire", ROOM),
    ("hate", "je suis gay et fier de l'être", ROOM),
    ("hate", "on m'a traité de sale arabe au lycée, c'est honteux", ROOM),
    ("harassment", "je suis trop nulle en maths", ROOM),
    ("threat", "je vais te tuer au prochain match de fifa mdr", ADULTS),
    ("threat", "je vais défoncer mon partiel de droit demain", ROOM),
    ("scam", "attention, ne donnez jamais de code neosurf à quelqu'un sur internet", ROOM),
    ("contact", "j'ai vu une vidéo trop drôle sur tiktok", ROOM),
    ("contact", "on continue en mp ?", ADULTS),
    ("sexual_explicit", "il fait trop chaud ce soir", ROOM),
    ("sexual_minor", "t'as quel âge ?", ADULTS),
    ("sexual_minor", "t'as quel âge ?", TEENS),
    ("threat", "je passe te chercher à 20h pour le ciné", ADULTS),
    ("solicitation", "je t'offre un café si tu viens à la réunion", ADULTS),
    ("harassment", "réponds moi quand tu peux", ADULTS),
]


@pytest.mark.parametrize(("category", "message", "ctx"), POSITIVES)
def test_rules_catch(rules: Screener, category: str, message: str, ctx: ScreenContext) -> None:
    assert category in rules.screen(message, ctx).labels


@pytest.mark.parametrize(("category", "message", "ctx"), NEGATIVES)
def test_rules_spare(rules: Screener, category: str, message: str, ctx: ScreenContext) -> None:
    assert category not in rules.screen(message, ctx).labels


@pytest.mark.parametrize(("category", "message", "ctx"), POSITIVES[::3])
def test_full_pipeline_catches(full: Screener, category: str, message: str, ctx: ScreenContext) -> None:
    assert category in full.screen(message, ctx).labels


def test_benign_chat_passes(full: Screener) -> None:
    for message in ["salut tout le monde, ça va ?", "quelqu'un a vu le match hier ?", "bonne nuit à tous"]:
        verdict = full.screen(message, ROOM)
        assert verdict.action == "allow" and verdict.labels == ()


# An app named next to a handle is a pattern (kept apart from the lexicon score, see engine.combine).
APP_HANDLES = [
    "tg : @bdx_frappe_33 livraison de 18h à 4h",  # `tg` is Telegram here, not `ta gueule`
    "le drive a changé de snap, nouveau : guill.drive69",
    "contact tel.egram: lila_prv",
    "insta : forex_kevin_pro",
    "discord : freevbucks#0001",
    "mon 👻 c'est lulu_93",
    "➡️ t.me/pognon_rapide ⬅️",
    "infos et tarifs sur linktr.example/jade",
]
NOT_APP_HANDLES = [
    "snap: tu l'as vu ?",
    "insta: trop bien la story",
    "tg 3 fois de suite t'es relou",
    "ig 2024 c'était mieux",
    "le match sur twitch à 21h30",
    "tele 4k à vendre, 55 pouces",
]


@pytest.mark.parametrize("message", APP_HANDLES)
def test_app_next_to_a_handle_is_a_contact_pattern(rules: Screener, message: str) -> None:
    evidence, _ = rules.evidence(message, ROOM)
    assert evidence.patterns.get("contact", 0.0) >= 0.9, evidence.rules()


@pytest.mark.parametrize("message", NOT_APP_HANDLES)
def test_app_without_a_handle_is_not_a_pattern(rules: Screener, message: str) -> None:
    evidence, _ = rules.evidence(message, ROOM)
    assert evidence.patterns.get("contact", 0.0) < 0.9, evidence.rules()


def test_model_features_join_a_rule_category_with_speaking_to_one_person() -> None:
    said_to_you = features(normalise("t'es qu'un sale singe").text, ROOM, ("hate:3",))
    about_a_group = features(normalise("les singes du zoo").text, ROOM, ("hate:3",))
    assert "you&hate" in said_to_you
    assert "you&hate" not in about_a_group
    assert not any(f.startswith("you&") for f in features(normalise("t'es où ?").text, ROOM))


# The contact detector's digit patterns, each shape with the rule it must fire (detectors/contact.py:
# the phone and long-digit patterns run only where nine digits stand in a row).
PHONE_SHAPES = [
    ("06 00 12 34 56", "contact:phone"),
    ("06.00.12.34.56", "contact:phone"),
    ("+33 6 00 12 34 56", "contact:phone"),
    ("0033 6 00 12 34 56", "contact:phone"),
    ("6 00 12 34 56", "contact:phone"),
    ("zero six zero zero douze trente quatre cinquante six", "contact:phone"),
    ("mon num 1234567890123456", "contact:digits"),
    ("appelle le 06 00 12", "contact:partial-mobile"),
]
NOT_PHONE = ["20 euros ou 30 euros", "rdv le 12/05/2024 à 14h", "12345678", "il a 16 ans et 2 mois"]


@pytest.mark.parametrize(("message", "rule"), PHONE_SHAPES)
def test_digit_shapes_fire_their_contact_rule(rules: Screener, message: str, rule: str) -> None:
    evidence, _ = rules.evidence(message, ADULTS)
    assert rule in evidence.rules()


@pytest.mark.parametrize("message", NOT_PHONE)
def test_numbers_that_are_not_phone_numbers_fire_no_digit_rule(rules: Screener, message: str) -> None:
    evidence, _ = rules.evidence(message, ADULTS)
    assert not {"contact:phone", "contact:digits", "contact:partial-mobile"} & set(evidence.rules())
